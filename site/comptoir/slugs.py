"""The one way to turn a name or a title into the ASCII slug of a URL."""

from django.utils.text import slugify

# slugify drops what has no ASCII decomposition: "Cœur de bœuf" would give
# "cur-de-buf". French ligatures and the German ß are spelt out first.
_SPELT_OUT = str.maketrans({"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae", "ß": "ss"})


def url_slug(text, *, max_length: int, default: str) -> str:
    """`text` as a slug of at most `max_length` characters, or `default` when
    nothing of it is left (a title of emoji or punctuation only)."""
    slug = slugify(str(text or "").translate(_SPELT_OUT))[:max_length].strip("-")
    return slug or default
