"""The forum in the site search and the sitemap (registered in wagtail_hooks.py).

A topic is found by its title and by the text of its published posts, so a
question answered in reply 40 is found by the answer's words. Both are in the
search index (models.Topic.search_fields and models.Post.search_fields, kept up
to date by Wagtail's save signals: a post published, edited, hidden or removed
is saved, so indexed again), searched through `comptoir.search.full_text_search`
with every word required. Which topics and posts are public is asked of the
database at each search (status, merged, staff room), never of the index alone:
a hidden or pending post's words never find its topic.

A result shows the topic's title, its category and a snippet of the best
matching post (its opening post when only the title matched), as plain text:
the template escapes it, it is member text.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from community.moderation.models import ModerationStatus
from comptoir.markup import markdown_to_plain_text
from comptoir.search import SearchSection, full_text_search, search_terms
from comptoir.sitemaps import ModelSitemap

from .models import Post, Topic
from .product_page import public_topics

# A query of more words is a pasted paragraph: its first words decide.
MAX_WORDS = 8
SNIPPET_WORDS = 30
# The best matches read from the index, of titles and of posts: a search page
# shows a few dozen topics, and a query matching more is a query to refine.
MATCHES_READ = 200


def _query(query: str) -> str:
    return " ".join(search_terms(query).split()[:MAX_WORDS])


def _published_posts():
    """Published posts of public topics (the database decides, at each search)."""
    return Post.objects.filter(
        status=ModerationStatus.PUBLISHED, topic__in=public_topics().values("pk")
    )


def _title_matches(query: str) -> list[int]:
    topics = Topic.objects.filter(status=ModerationStatus.PUBLISHED).only("pk")
    return [topic.pk for topic in full_text_search(topics, query)[:MATCHES_READ]]


def _post_matches(query: str, *, topic_ids=None) -> list[Post]:
    """The best matching published posts (id, topic, number), best first."""
    posts = _published_posts()
    if topic_ids is not None:
        posts = posts.filter(topic_id__in=list(topic_ids))
    posts = posts.only("pk", "topic_id", "number")
    return list(full_text_search(posts, query)[:MATCHES_READ])


def topic_search(*, query: str):
    """Public topics whose title, or one of whose published posts, holds every
    word of the query: those whose title holds them first, then by latest
    activity; with their category. Three queries to find them (titles, posts,
    and the page's count and rows), whatever the number of matches."""
    query = _query(query)
    if not query:
        return Topic.objects.none()
    by_title = _title_matches(query)
    by_posts = {post.topic_id for post in _post_matches(query)}
    return (
        public_topics()
        .filter(pk__in=sorted(set(by_title) | by_posts))
        .annotate(
            title_match=Case(
                When(pk__in=by_title or [0], then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .select_related("category")
        .order_by("-title_match", "-last_posted_at", "-id")
    )


def _snippet(text: str, words: list[str]) -> str:
    """About SNIPPET_WORDS words of a post's plain text around the first word of
    the query found in it (its beginning when none is)."""
    plain = markdown_to_plain_text(text).split()
    lowered = [word.lower() for word in words]
    start = 0
    for index, token in enumerate(plain):
        if any(word in token.lower() for word in lowered):
            start = max(index - 8, 0)
            break
    shown = plain[start : start + SNIPPET_WORDS]
    snippet = " ".join(shown)
    if start > 0:
        snippet = "… " + snippet
    if start + SNIPPET_WORDS < len(plain):
        snippet += " …"
    return snippet


def topic_snippets(*, topics: list[Topic], query: str) -> dict[int, str]:
    """For each topic shown, a snippet of its best matching published post (its
    opening post when only the title matched): two queries whatever the number
    of topics."""
    if not topics:
        return {}
    query = _query(query)
    ids = [topic.pk for topic in topics]
    chosen: dict[int, int] = {}
    if query:
        for post in _post_matches(query, topic_ids=ids):
            chosen.setdefault(post.topic_id, post.number)
    wanted = Q()
    for topic_id in ids:
        wanted |= Q(topic_id=topic_id, number=chosen.get(topic_id, 1))
    bodies = dict(
        Post.objects.filter(wanted, status=ModerationStatus.PUBLISHED).values_list(
            "topic_id", "body"
        )
    )
    words = query.split()
    return {pk: _snippet(body, words) for pk, body in bodies.items()}


class ForumSection(SearchSection):
    key = "forum"
    label = _("Forum")
    order = 450  # after reviews (400): what members discuss comes last
    result_template = "forum/includes/topic_search_result.html"
    see_all = ngettext_lazy("See the topic", "See all %(count)s topics", "count")

    def search(self, query: str):
        return topic_search(query=query)

    def results_for(self, request, items: list) -> list:
        query = " ".join(request.GET.get("q", "").split())
        snippets = topic_snippets(topics=items, query=query)
        for topic in items:
            topic.search_snippet = snippets.get(topic.pk, "")
        return items


class ForumSitemap(ModelSitemap):
    """Public topics' pages (merged ones redirect: not listed), with their latest
    activity."""

    changefreq = "daily"

    def items(self):
        return public_topics().only("pk", "slug", "last_posted_at").order_by("pk")

    def lastmod(self, topic):
        return topic.last_posted_at
