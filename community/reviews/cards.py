"""Review cards: what every visitor sees alike of a review, rendered once per version.

A product page shows ten cards. Each card's HTML is kept in the cache under a key
made of everything it shows that can change (the review's and the shop answer's
`updated_at`, which votes and edits move, the author's name, badges, and the
language), so a change shows on the next visit and nothing is ever invalidated by
hand. The page reads all its cards in one `get_many` (one Redis round trip) and
renders only the missing ones.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

CARD_TEMPLATE = "reviews/includes/review_card.html"
CARD_SECONDS = 24 * 3600


def _stamp(moment) -> str:
    return f"{moment.timestamp():.6f}" if moment else "-"


# Raised when the card's template changes what it renders, so cards cached by the
# previous release are not served for up to a day after it.
CARD_MARKUP_VERSION = "2"


def review_card_key(review, language: str) -> str:
    """The cache key of one version of a review's card."""
    response = getattr(review, "response", None)
    author = review.author
    version = "|".join(
        [
            CARD_MARKUP_VERSION,
            str(review.pk),
            _stamp(review.updated_at),
            _stamp(response.updated_at if response else None),
            author.display_name,
            author.slug or "",
            "r" if getattr(review, "author_in_rewards", False) else "",
            "s" if author.is_staff else "",
            language,
        ]
    )
    return (
        "review_card:" + hashlib.blake2b(version.encode(), digest_size=16).hexdigest()
    )


def review_cards_html(reviews) -> dict[int, SafeString]:
    """The card HTML of each review, by review id: cached ones in one read, the
    others rendered and stored in one write."""
    language = get_language() or ""
    keys = {review.pk: review_card_key(review, language) for review in reviews}
    found = cache.get_many(keys.values())
    cards: dict[int, SafeString] = {}
    missing: dict[str, str] = {}
    for review in reviews:
        html = found.get(keys[review.pk])
        if html is None:
            html = render_to_string(CARD_TEMPLATE, {"review": review})
            missing[keys[review.pk]] = html
        # Rendered by our own template from sanitised Markdown and escaped fields.
        cards[review.pk] = mark_safe(html)  # noqa: S308
    if missing:
        cache.set_many(missing, CARD_SECONDS)
    return cards
