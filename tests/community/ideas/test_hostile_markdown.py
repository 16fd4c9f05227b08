"""Hostile text in an idea's title, problem, proposal, tags and comments is inert
on every page that shows it."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from community.ideas.models import IdeaComment, IdeaState
from community.moderation.models import ModerationStatus
from tests.community.ideas.conftest import make_idea
from tests.community.reviews.hostile import PAYLOADS

pytestmark = pytest.mark.django_db

# What must never come out of a page as markup: a real tag (not a <meta>, whose
# attribute holds the escaped description) carrying a payload, a script element
# holding one, an embedding tag, or a link to a script scheme.
DANGER = [
    re.compile(r"<(?!meta\b)[a-z][^>]*(alert\(|javascript:|vbscript:)", re.I),
    # Links to other sites are allowed (nofollow); loading their images is not.
    re.compile(r"<img[^>]*evil\.example", re.I),
    re.compile(r"<script[^>]*>[^<]*alert\(", re.I),
    re.compile(r"<(iframe|object|embed|svg|math)\b", re.I),
    re.compile(
        r"<(?!meta\b)[a-z][^>]*\bhref\s*=\s*[\"']?\s*(javascript|vbscript|data):", re.I
    ),
    # An attribute broken out of: a quote the page did not escape.
    re.compile(r'<meta name="description" content="[^"]*"[^>]', re.I),
]


def dangerous(html: str) -> list[str]:
    return [pattern.pattern for pattern in DANGER if pattern.search(html)]


def _with_text(idea, **fields):
    # Saved (not updated) so the search index holds the hostile words too.
    for name, value in fields.items():
        setattr(idea, name, value)
    idea.save()
    return idea


@pytest.fixture
def hostile_idea(author, supporter):
    text = "\n\n".join(PAYLOADS)
    idea = _with_text(
        make_idea(author, state=IdeaState.LAUNCHED),
        title="<script>alert(1)</script><img src=x onerror=alert(1)>",
        problem=text[:5_000],
        proposal=text[:10_000],
    )
    idea.tags.add('"><svg onload=alert(1)>')
    now = timezone.now()
    IdeaComment.objects.bulk_create(
        IdeaComment(
            idea=idea,
            author=supporter,
            body=payload,
            status=ModerationStatus.PUBLISHED,
            published_at=now,
        )
        for payload in PAYLOADS[:25]
    )
    return idea


def test_hostile_idea_is_inert_on_its_page(client, hostile_idea):
    response = client.get(hostile_idea.get_absolute_url())

    assert response.status_code == 200
    assert dangerous(response.content.decode()) == []


def test_every_payload_is_inert_in_the_proposal(client, author):
    for payload in PAYLOADS:
        idea = _with_text(
            make_idea(author), proposal=payload, problem=payload, title=payload[:120]
        )
        html = client.get(idea.get_absolute_url(), follow=True).content.decode()
        assert dangerous(html) == [], payload


def test_hostile_idea_is_inert_in_lists_search_and_my_ideas(
    client, hostile_idea, author
):
    pages = [
        reverse("ideas:list"),
        reverse("ideas:list") + "?sort=newest",
        reverse("ideas:similar") + "?q=script alert",
        reverse("editorial:search") + "?q=script alert",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert dangerous(response.content.decode()) == [], url
    client.force_login(author)
    mine = client.get(reverse("ideas:mine"))
    assert dangerous(mine.content.decode()) == []


def test_hostile_originator_name_is_inert_on_the_product_page(client, author, product):
    author.display_name = "<script>alert(1)</script>"
    author.save(update_fields=["display_name"])
    make_idea(author, state=IdeaState.LAUNCHED, product=product)

    html = client.get(product.get_absolute_url()).content.decode()

    assert "Born from an idea by" in html
    assert dangerous(html) == []
