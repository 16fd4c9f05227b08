"""/ideas/: which ideas it lists, its filters and sorts, its keyset pages."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.ideas.models import Idea, IdeaState
from community.ideas.views import IDEAS_PER_PAGE
from community.moderation.models import ModerationStatus
from tests.community.ideas.conftest import make_idea

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return re.findall(
        r'class="idea-card-title"><a href="[^"]+">([^<]+)</a>',
        response.content.decode(),
    )


def test_empty_list_says_so(client, db):
    response = client.get(reverse("ideas:list"))

    assert response.status_code == 200
    assert "No idea has been published yet" in response.content.decode()


def test_lists_public_ideas_only(client, author):
    make_idea(author, title="Ouverte")
    make_idea(author, title="Lancée", state=IdeaState.LAUNCHED)
    make_idea(author, title="Brouillon", state=IdeaState.DRAFT)
    make_idea(author, title="En attente", state=IdeaState.PENDING)
    make_idea(author, title="Retirée", state=IdeaState.WITHDRAWN)
    original = make_idea(author, title="Originale")
    make_idea(author, title="Doublon", state=IdeaState.MERGED, merged_into=original)
    hidden = make_idea(author, title="Cachée")
    Idea.objects.filter(pk=hidden.pk).update(status=ModerationStatus.HIDDEN)

    listed = titles(client.get(reverse("ideas:list") + "?sort=newest"))

    assert sorted(listed) == ["Lancée", "Originale", "Ouverte"]


def test_cards_show_supporters_next_threshold_and_deadline(client, author):
    make_idea(author, title="Coffre", supporter_count=10, days_left=12)

    html = client.get(reverse("ideas:list")).content.decode()

    assert "10 supporters of 25" in html
    assert "15 more supporters needed" in html
    deadline = (timezone.now() + dt.timedelta(days=12)).year
    assert "to reach by" in html and str(deadline) in html
    assert '<meter class="idea-meter" min="0" max="100" value="40"' in html


def test_filters_by_state_and_tag(client, author):
    garden = make_idea(author, title="Jardin ouvert")
    garden.tags.add("jardin")
    launched = make_idea(author, title="Jardin lancé", state=IdeaState.LAUNCHED)
    launched.tags.add("jardin")
    make_idea(author, title="Atelier").tags.add("atelier")

    by_state = titles(client.get(reverse("ideas:list") + "?state=launched"))
    by_tag = titles(client.get(reverse("ideas:list") + "?tag=jardin&sort=newest"))
    nothing = client.get(reverse("ideas:list") + "?state=declined")

    assert by_state == ["Jardin lancé"]
    assert sorted(by_tag) == ["Jardin lancé", "Jardin ouvert"]
    assert "No idea matches these filters." in nothing.content.decode()


def test_sorts(client, author):
    now = timezone.now()
    make_idea(
        author,
        title="Ancienne populaire",
        supporter_count=90,
        recent_supporter_count=1,
        days_left=60,
        created_at=now - dt.timedelta(days=30),
    )
    make_idea(
        author,
        title="Tendance",
        supporter_count=20,
        recent_supporter_count=15,
        days_left=3,
        created_at=now - dt.timedelta(days=10),
    )
    make_idea(
        author,
        title="Nouvelle",
        supporter_count=2,
        recent_supporter_count=2,
        days_left=29,
        created_at=now,
    )
    accepted = make_idea(
        author,
        title="Acceptée",
        state=IdeaState.ACCEPTED,
        supporter_count=300,
        created_at=now - dt.timedelta(days=200),
    )
    Idea.objects.filter(pk=accepted.pk).update(stage_deadline=None)
    url = reverse("ideas:list")

    assert titles(client.get(url))[:3] == ["Tendance", "Nouvelle", "Ancienne populaire"]
    assert titles(client.get(url + "?sort=newest")) == [
        "Nouvelle",
        "Tendance",
        "Ancienne populaire",
        "Acceptée",
    ]
    assert titles(client.get(url + "?sort=most_supported")) == [
        "Acceptée",
        "Ancienne populaire",
        "Tendance",
        "Nouvelle",
    ]
    # Only ideas still gathering support have a deadline to beat.
    assert titles(client.get(url + "?sort=closing_soon")) == [
        "Tendance",
        "Nouvelle",
        "Ancienne populaire",
    ]
    assert titles(client.get(url + "?sort=bogus")) == titles(client.get(url))


def _ideas(author, n):
    now = timezone.now()
    for i in range(n):
        make_idea(
            author,
            title=f"Idée {i:03d}",
            supporter_count=i,
            recent_supporter_count=i % 7,
            created_at=now - dt.timedelta(minutes=i),
        ).tags.add(f"tag{i % 3}")


@pytest.mark.parametrize(
    "sort", ["trending", "newest", "most_supported", "closing_soon"]
)
def test_keyset_pages_walk_every_idea_once(client, author, sort):
    _ideas(author, IDEAS_PER_PAGE * 2 + 3)
    url = reverse("ideas:list") + f"?sort={sort}"
    seen = []
    next_url = url
    while next_url:
        response = client.get(next_url)
        seen.extend(titles(response))
        match = re.search(r'rel="next" href="([^"]+)"', response.content.decode())
        next_url = (
            reverse("ideas:list") + match.group(1).replace("&amp;", "&")
            if match
            else None
        )

    assert len(seen) == len(set(seen)) == IDEAS_PER_PAGE * 2 + 3


def test_same_query_count_on_the_first_and_a_later_page(
    client, author, django_assert_num_queries
):
    _ideas(author, IDEAS_PER_PAGE * 3)
    url = reverse("ideas:list")
    first = client.get(url)
    cursor = re.search(r'rel="next" href="\?([^"]+)"', first.content.decode()).group(1)
    second = client.get(f"{url}?{cursor}".replace("&amp;", "&"))
    cursor = re.search(r'rel="next" href="\?([^"]+)"', second.content.decode()).group(1)
    later = f"{url}?{cursor}".replace("&amp;", "&")

    with CaptureQueriesContext(connection) as first_queries:
        client.get(url)
    with django_assert_num_queries(len(first_queries)):
        response = client.get(later)

    assert response.status_code == 200
    assert len(titles(response)) == IDEAS_PER_PAGE


def test_query_count_does_not_grow_with_ideas(
    client, author, django_assert_num_queries
):
    _ideas(author, 3)
    client.get(reverse("ideas:list"))  # the settings row is created once
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("ideas:list"))
    _ideas(author, IDEAS_PER_PAGE * 2)

    with django_assert_num_queries(len(few)):
        client.get(reverse("ideas:list"))


def test_member_sees_the_list_with_the_same_queries_at_any_depth(
    client, supporter, author, django_assert_max_num_queries
):
    _ideas(author, IDEAS_PER_PAGE + 2)
    client.force_login(supporter)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("ideas:list") + "?sort=newest&page=last")

    assert response.status_code == 200
    assert titles(response) == [
        f"Idée {IDEAS_PER_PAGE:03d}",
        f"Idée {IDEAS_PER_PAGE + 1:03d}",
    ]
