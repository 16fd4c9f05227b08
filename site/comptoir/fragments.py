"""Fragment caches: pieces of a page kept as HTML, keyed by what they show.

Logged-in members never get the full-page cache, so the parts of a page that look
the same for everyone (product cards, article cards) are kept as rendered HTML. The
key is built from every value the fragment shows (plus the language), so a change
of any of them is a new key: nothing to invalidate, and stale keys age out.
A list reads all its fragments in one `get_many` (one round trip to Redis, not one
per card) and renders only the missing ones.

A larger piece whose values are too many to list (a product page's facts and stock
lines, an article's body) is keyed instead by the page cache's tag versions
(`fragment_by_tags`): the same `page_cache_invalidate` that forgets the visitors'
copy of a page forgets the members' copy of its shared parts. Only what looks the
same for every viewer goes in one; a member's own links stay outside.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

T = TypeVar("T")

# Keys change with what they show, so the timeout only bounds memory for old ones.
FRAGMENT_TIMEOUT = 24 * 3600
# Bump when a fragment template changes, so no old HTML is served after a deploy.
FRAGMENT_VERSION = 1


def fragment_key(name: str, parts: Sequence) -> str:
    """The cache key of fragment `name` showing `parts`, in the active language."""
    digest = hashlib.blake2b(
        repr((FRAGMENT_VERSION, get_language(), *parts)).encode(), digest_size=16
    ).hexdigest()
    return f"fragment:{name}:{digest}"


def fragment_by_tags(
    name: str,
    *,
    tags: Iterable[str],
    parts: Sequence = (),
    render: Callable[[], str],
) -> SafeString:
    """The HTML `render()` makes, kept until one of `tags` is invalidated.

    `parts` are the other values it depends on (the page's id, a query string).
    The tags' version is read before rendering, as a page's is, so HTML built
    from data that changed meanwhile is stored under a version no one reads.
    While the cache does not answer, it is rendered every time.
    """
    from comptoir.page_cache import page_cache_tags_version

    version = page_cache_tags_version(*sorted(set(tags)))
    if version is None:
        return mark_safe(str(render()))
    key = fragment_key(name, (version, *parts))
    text = cache.get(key)
    if text is None:
        text = str(render())
        cache.set(key, text, timeout=FRAGMENT_TIMEOUT)
    return mark_safe(text)


def fragments_render(
    name: str,
    items: Iterable[T],
    *,
    key: Callable[[T], Sequence],
    render: Callable[[T], str],
) -> list[SafeString]:
    """Each item's HTML, from the cache where it is, rendered (and kept) otherwise.

    `key(item)` lists every value the fragment shows; `render(item)` makes its HTML.
    """
    items = list(items)
    keys = [fragment_key(name, key(item)) for item in items]
    found = cache.get_many(keys) if keys else {}
    made = {}
    html = []
    for item, item_key in zip(items, keys, strict=True):
        text = found.get(item_key)
        if text is None:
            text = made[item_key] = str(render(item))
        html.append(mark_safe(text))
    if made:
        cache.set_many(made, timeout=FRAGMENT_TIMEOUT)
    return html
