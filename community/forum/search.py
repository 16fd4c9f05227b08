"""The forum in the site search and the sitemap (registered in wagtail_hooks.py).

A topic is found by its title and by the text of its published posts, so a
question answered in reply 40 is found by the answer's words. Posts are not in
the search index (only topic titles are, models.Topic.search_fields), hence
one `Exists` per word on the posts' text; a hidden or pending post's words
never find its topic.
"""

from __future__ import annotations

from django.db.models import Case, Exists, IntegerField, Min, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from community.moderation.models import ModerationStatus
from comptoir.markup import markdown_to_plain_text
from comptoir.search import SearchSection, search_terms
from comptoir.sitemaps import ModelSitemap

from .models import Post, Topic
from .product_page import public_topics

# A query of more words is a pasted paragraph: its first words decide.
MAX_WORDS = 8
SNIPPET_WORDS = 30


def _words(query: str) -> list[str]:
    return search_terms(query).split()[:MAX_WORDS]


def topic_search(*, query: str):
    """Public topics holding every word of the query in their title or their
    published posts, those whose title holds them all first, then by latest
    activity; with their category."""
    words = _words(query)
    if not words:
        return Topic.objects.none()
    topics = public_topics()
    posts = Post.objects.filter(topic=OuterRef("pk"), status=ModerationStatus.PUBLISHED)
    in_title = Q()
    for word in words:
        topics = topics.filter(
            Q(title__icontains=word) | Exists(posts.filter(body__icontains=word))
        )
        in_title &= Q(title__icontains=word)
    return (
        topics.annotate(
            title_match=Case(
                When(in_title, then=Value(1)),
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
    """For each topic shown, a snippet of its first published post holding a word
    of the query (its opening post when only the title matched): two queries
    whatever the number of topics."""
    if not topics:
        return {}
    words = _words(query)
    ids = [topic.pk for topic in topics]
    published = Post.objects.filter(topic_id__in=ids, status=ModerationStatus.PUBLISHED)
    any_word = Q()
    for word in words:
        any_word |= Q(body__icontains=word)
    firsts = dict(
        published.filter(any_word)
        .values("topic_id")
        .annotate(first=Min("number"))
        .values_list("topic_id", "first")
    )
    wanted = Q()
    for topic_id in ids:
        wanted |= Q(topic_id=topic_id, number=firsts.get(topic_id, 1))
    bodies = dict(published.filter(wanted).values_list("topic_id", "body"))
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
