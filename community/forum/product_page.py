"""Product questions on the catalog's product page.

Registered in `wagtail_hooks.py` at the catalog's plug-in point
(marketplace/catalog/panels.py): the catalog never imports the forum.

Members see product pages uncached (the page cache is for visitors), and they
are the pages the shop shows most: the questions are kept in the cache as the
few values the panel shows, under a version per product that the forum's
services bump when one of its questions changes (cached_pages.forum_pages_forget)
and a version of all categories that editors' changes bump. A page read while
a question changes stores its rows under the old version, which nobody asks
for again: no stale panel, whatever the timing.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator

from community.moderation.models import ModerationStatus
from comptoir.markup import markdown_to_plain_text
from marketplace.catalog.panels import ProductPanel

from .models import Topic

# The latest few: the forum holds the rest, and the page stays short.
PRODUCT_QUESTIONS_SHOWN = 5
ANSWER_WORDS = 25
# A safety net only: the versions decide what is current.
KEPT_SECONDS = 24 * 3600
_PREFIX = "forum:product-questions"
_CATEGORIES_VERSION = f"{_PREFIX}:categories"


def public_topics() -> QuerySet[Topic]:
    """Topics everyone may read: published, not merged away, in a category that
    is not the staff's own room (permissions.readable_topics_q for a visitor)."""
    return Topic.objects.filter(
        status=ModerationStatus.PUBLISHED,
        merged_into__isnull=True,
        category__staff_only=False,
    )


def product_questions(*, product_id: int, limit: int = PRODUCT_QUESTIONS_SHOWN):
    """The product's latest public questions, newest first, each with its
    accepted answer when it has a published one (`answer`, else None): one
    query whatever their number (index forum_topic_product)."""
    topics = list(
        public_topics()
        .filter(product_id=product_id)
        .select_related("accepted_post")
        .order_by("-created_at", "-id")[:limit]
    )
    for topic in topics:
        answer = topic.accepted_post
        topic.answer = (
            answer
            if answer is not None
            and answer.status == ModerationStatus.PUBLISHED
            and answer.topic_id == topic.pk
            else None
        )
    return topics


def _shown(topic: Topic) -> dict:
    answer = topic.answer
    return {
        "title": topic.title,
        "url": topic.get_absolute_url(),
        "reply_count": topic.reply_count,
        "answered": answer is not None,
        "answer_words": Truncator(markdown_to_plain_text(answer.body)).words(
            ANSWER_WORDS
        )
        if answer is not None
        else "",
        "verified_owner": bool(answer is not None and answer.by_verified_owner),
    }


def _version_key(product_id: int) -> str:
    return f"{_PREFIX}:v:{product_id}"


def product_questions_shown(*, product_id: int) -> list[dict]:
    """What the panel shows of the product's questions: from the cache when its
    versions are there (no query), else one query, then kept."""
    outage = getattr(cache, "outage", None)
    if outage is not None and not outage.should_try():
        # Redis is not answering: this process's memory would stand in for it,
        # which no other process's bump reaches (as comptoir/page_cache.py does).
        return [_shown(topic) for topic in product_questions(product_id=product_id)]
    version_key = _version_key(product_id)
    keys = [version_key, _CATEGORIES_VERSION]
    versions = cache.get_many(keys)
    if len(versions) != len(keys):
        for missing in set(keys) - set(versions):
            cache.add(missing, secrets.randbits(48), timeout=None)
        versions = cache.get_many(keys)
    key = None
    if len(versions) == len(keys):
        key = f"{_PREFIX}:{product_id}:{versions[version_key]}:"
        key += str(versions[_CATEGORIES_VERSION])
        rows = cache.get(key)
        if rows is not None:
            return rows
    rows = [_shown(topic) for topic in product_questions(product_id=product_id)]
    if key is not None:
        cache.set(key, rows, KEPT_SECONDS)
    return rows


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, secrets.randbits(48), timeout=None)


def product_questions_forget(*product_ids: int, categories: bool = False) -> None:
    """The panel of these products (of every product, with `categories`) is read
    again: now, and once the transaction commits (a page read in between kept
    what it read under the version bumped now)."""
    keys = [_version_key(pk) for pk in product_ids if pk]
    if categories:
        keys.append(_CATEGORIES_VERSION)
    if not keys:
        return

    def bump():
        for key in keys:
            _bump(key)

    bump()
    transaction.on_commit(bump, robust=True)


class ProductQuestionsPanel(ProductPanel):
    """The product page's "Questions from the community" and "Ask the community"."""

    name = "forum_questions"
    # After the reviews (100): what buyers say, then what people ask.
    order = 150
    template_name = "forum/includes/product_questions.html"
    shared = True  # The same for every viewer: kept under the page's tags.

    def get_context(self, request: HttpRequest, product) -> dict:
        return {"product_questions": product_questions_shown(product_id=product.pk)}
