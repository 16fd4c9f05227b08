"""Members' reservation pages (filled in by the "pages" helper)."""
