"""Fixtures shared by the ideas tests: members of each kind and an open idea.

`open_idea` is written straight to the database, as the daily refresh and the
board would leave it, so tests of one rule do not depend on the others.
"""

import datetime as dt

import pytest
from django.utils import timezone

from community.ideas.models import (
    BASIS_POINTS,
    Idea,
    IdeaOriginator,
    IdeaState,
)
from community.moderation.models import ModerationStatus
from tests.community.reviews.conftest import (  # noqa: F401  (shared fixtures)
    aged,
    moderator,
    photo_upload,
    rewards_member,
    sale_for,
    staff,
    with_retry,
)
from tests.factories import MemberFactory, ProductFactory

PROBLEM = "Mes outils de jardin rouillent dans la remise humide chaque hiver."
PROPOSAL = "Un coffre ventilé en bois traité, avec des crochets et un déshumidifiant."


@pytest.fixture
def author(db):
    """A trusted member (level 2): their ideas open at once."""
    return aged(MemberFactory(display_name="Inès", slug="ines", trust_level=2))


@pytest.fixture
def newcomer(db):
    """A level 0 member who joined long ago: premoderated, no links."""
    return aged(MemberFactory(display_name="Nouveau", slug="nouveau", trust_level=0))


@pytest.fixture
def supporter(db):
    return aged(MemberFactory(display_name="Paul", slug="paul", trust_level=1))


def members(n, *, prefix="m", trust_level=1):
    """n aged members, for crowds of supporters."""
    return [
        aged(
            MemberFactory(
                display_name=f"{prefix}{i}",
                slug=f"{prefix}-{i}",
                trust_level=trust_level,
            )
        )
        for i in range(n)
    ]


def make_idea(
    author,
    *,
    title="Coffre à outils ventilé",
    state=IdeaState.OPEN,
    days_left=30,
    now=None,
    **fields,
):
    """An idea in `state`, published by moderation, its author its only originator."""
    now = now or timezone.now()
    public = state not in (IdeaState.DRAFT, IdeaState.PENDING)
    idea = Idea.objects.create(
        author=author,
        title=title,
        problem=PROBLEM,
        proposal=PROPOSAL,
        state=state,
        status=ModerationStatus.PUBLISHED if public else ModerationStatus.PENDING,
        published_at=now if public else None,
        opened_at=now if public else None,
        stage_deadline=now + dt.timedelta(days=days_left) if public else None,
        **fields,
    )
    IdeaOriginator.objects.create(
        idea=idea, member=author, share_bp=BASIS_POINTS, accepted_at=now
    )
    return idea


@pytest.fixture
def open_idea(author):
    return make_idea(author)


@pytest.fixture
def product(db):
    return ProductFactory(name="Coffre Ventilé", slug="coffre-ventile", sku="COF-001")
