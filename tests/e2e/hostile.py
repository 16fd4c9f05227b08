"""Markup that must never come alive on a page, typed by a hostile member."""

from tests.community.reviews.hostile import PAYLOADS

# Each tries to set window.__xss or open a dialog if it ever runs.
HOSTILE_MARKUP = [
    "<script>window.__xss=1;alert(1)</script>",
    '<img src=x onerror="window.__xss=1;alert(1)">',
    '<svg onload="window.__xss=1"><circle r=5 /></svg>',
    "[clic](javascript:window.__xss=1)",
    '<a href="javascript:window.__xss=1">lien</a>',
    "![x](javascript:window.__xss=1)",
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    *PAYLOADS,
]
