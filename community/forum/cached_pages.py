"""The forum's pages in the page cache (comptoir/page_cache.py) and their tags.

A visitor who is not logged in gets /forum/, a category and a topic from the
cache; a member never does (the middleware skips sessions), so nothing of a
member's own (their name in the header, unread marks, buttons) is ever stored.

- `FORUM_INDEX`: the front page (each category's counts and latest activity);
- `forum_category_tag(id)`: one category's list of topics;
- `forum_topic_tag(id)`: one topic's pages;
- `FORUM_CATEGORIES`: categories' names, colours and visibility, shown on every
  forum page and deciding which questions a product page shows (editors change
  them in the admin);
- a product question also shows on its product's page: the catalog's
  `product_tag(id)`; its own page names the product: the catalog's `PRODUCTS`.

Registered in `wagtail_hooks.py`; the forum's services call `forum_pages_forget`
when what a page shows changes.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.urls import ResolverMatch

from comptoir.page_cache import MEMBER_PROFILES, page_cache_invalidate
from marketplace.catalog.cached_pages import PRODUCTS, product_tag

FORUM_INDEX = "forum"
FORUM_CATEGORIES = "forum-categories"


def forum_category_tag(category_id: int) -> str:
    return f"forum-category:{category_id}"


def forum_topic_tag(topic_id: int) -> str:
    return f"forum-topic:{topic_id}"


def forum_pages_forget(
    *topics, lists: bool = True, category_ids: Iterable[int] = ()
) -> None:
    """Forget the cached pages that show these topics, once the transaction
    commits: their own pages and, with `lists`, the front page, their
    categories' lists (and `category_ids`, a topic's former category) and the
    product pages they are questions of (and the questions those keep). A like
    changes only the topic's page (`lists=False`): no list shows a post's likes.
    """
    from .product_page import product_questions_forget

    tags = {forum_topic_tag(topic.pk) for topic in topics if topic is not None}
    if lists:
        tags.add(FORUM_INDEX)
        products = {topic.product_id for topic in topics if topic and topic.product_id}
        for topic in topics:
            if topic is not None:
                tags.add(forum_category_tag(topic.category_id))
        tags.update(forum_category_tag(pk) for pk in category_ids if pk)
        tags.update(product_tag(pk) for pk in products)
        product_questions_forget(*products)
    page_cache_invalidate(*tags)


# --- what each page carries (wagtail_hooks.forum_cached_pages) ---------------------


def index_tags(request: HttpRequest, match: ResolverMatch) -> set[str]:
    # Latest posters' names show under each category.
    return {FORUM_INDEX, FORUM_CATEGORIES, MEMBER_PROFILES}


def category_tags(request: HttpRequest, match: ResolverMatch) -> set[str]:
    from .models import ForumCategory

    # Only when the page is built (a 200 for a public category): one small query.
    category_id = (
        ForumCategory.objects.filter(slug=match.kwargs["slug"])
        .values_list("pk", flat=True)
        .first()
    )
    tags = {FORUM_CATEGORIES, MEMBER_PROFILES}
    tags.add(forum_category_tag(category_id) if category_id else FORUM_INDEX)
    return tags


def topic_tags(request: HttpRequest, match: ResolverMatch) -> set[str]:
    from .models import Topic

    tags = {forum_topic_tag(match.kwargs["pk"]), FORUM_CATEGORIES, MEMBER_PROFILES}
    # A product question names its product: a rename or a new price (the catalog's
    # PRODUCTS tag) builds it again. One small query, only when the page is built.
    if (
        Topic.objects.filter(pk=match.kwargs["pk"], product__isnull=False)
        .values_list("pk", flat=True)
        .exists()
    ):
        tags.add(PRODUCTS)
    return tags


def topic_hit_data(request: HttpRequest, match: ResolverMatch) -> int:
    return int(match.kwargs["pk"])


def topic_cached_view(request: HttpRequest, topic_id: int) -> None:
    """A visitor given a topic's page from the cache counts one view, as the view
    counts one (the same once-an-hour rule, robots never)."""
    from .models import Topic
    from .services import topic_view_count, topic_view_key

    topic_view_count(topic=Topic(pk=topic_id), request_key=topic_view_key(request))


def _categories_changed(sender, instance, **kwargs) -> None:
    # A name, a colour or "staff only" shows (or hides) on every forum page and
    # decides which product questions are public.
    from .product_page import product_questions_forget

    page_cache_invalidate(FORUM_CATEGORIES, FORUM_INDEX)
    product_questions_forget(categories=True)


def category_signals_connect() -> None:
    """Forget the forum's cached pages whenever editors save or delete a category
    (the services' own count updates send no signal: they forget by tag)."""
    from django.db.models.signals import post_delete, post_save

    from .models import ForumCategory

    post_save.connect(
        _categories_changed, sender=ForumCategory, dispatch_uid="forum-category-saved"
    )
    post_delete.connect(
        _categories_changed,
        sender=ForumCategory,
        dispatch_uid="forum-category-deleted",
    )
