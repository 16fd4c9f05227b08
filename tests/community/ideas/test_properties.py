"""Property: no sequence of supports, withdrawals, merges, refreshes and board
decisions leaves a member over budget, or an idea's supporter count different
from its support rows.

Hypothesis draws the sequences; each runs in a savepoint rolled back at its end,
over the same members and ideas, through the real services (refused steps are
part of the game: they must write nothing).
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from community.ideas import lifecycle, services
from community.ideas.models import (
    SUPPORT_HOLDING_STATES,
    Idea,
    IdeasSettings,
    IdeaState,
    IdeaSupport,
)
from tests.factories import ProductFactory

from .conftest import aged, make_idea, members
from .test_lifecycle import board_member

BUDGET = 2
MEMBERS = 5  # the two authors among them
IDEAS = 4
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)

member_index = st.integers(0, MEMBERS - 1)
idea_index = st.integers(0, IDEAS - 1)
supports = st.tuples(st.just("support"), member_index, idea_index)
decisions = st.tuples(
    st.just("decide"), idea_index, st.sampled_from(["accepted", "declined", "on_hold"])
)
launches = st.tuples(st.just("launch"), idea_index)
# one_of picks a branch evenly: supports weigh most, or no idea would reach the
# board and every decision and launch would be refused.
operations = st.one_of(
    supports,
    supports,
    supports,
    supports,
    st.tuples(st.just("withdraw"), member_index, idea_index),
    st.tuples(st.just("merge"), idea_index, idea_index),
    st.tuples(st.just("refresh"), st.integers(0, 40)),
    decisions,
    decisions,
    launches,
    launches,
    st.tuples(st.just("withdraw_idea"), idea_index),
)


@pytest.fixture
def world(db, moderator):
    """Five members (two of them authors), four open ideas, a product for each;
    stages of 1, 2 and 3 supporters, so that ideas reach the board."""
    programme = IdeasSettings.load()
    programme.stage1_supporters, programme.stage1_days = 1, 10
    programme.stage2_supporters, programme.stage2_days = 2, 20
    programme.stage3_supporters, programme.stage3_days = 3, 30
    programme.support_budget = BUDGET
    programme.save()
    people = members(MEMBERS, prefix="p", trust_level=2)
    authors = people[:2]
    ideas = [
        make_idea(authors[n % 2], title=f"Idée {n}", days_left=10 + 10 * n, now=NOW)
        for n in range(IDEAS)
    ]
    for n in range(IDEAS):
        ProductFactory(sku=f"IDEA-P{n}", name=f"Produit {n}")
    return {
        "people": people,
        "idea_ids": [idea.pk for idea in ideas],
        "moderator": moderator,
        "board": aged(board_member(display_name="Comité", slug="comite")),
    }


def _apply(step, *, people, ideas, moderator, board, clock):
    kind = step[0]
    if kind == "support":
        services.idea_support(idea=ideas[step[2]], member=people[step[1]])
    elif kind == "withdraw":
        services.idea_support_withdraw(idea=ideas[step[2]], member=people[step[1]])
    elif kind == "merge":
        lifecycle.idea_merge(
            duplicate=ideas[step[1]], original=ideas[step[2]], by=moderator
        )
    elif kind == "refresh":
        clock[0] += dt.timedelta(days=step[1])
        lifecycle.ideas_refresh(now=clock[0])
    elif kind == "decide":
        lifecycle.idea_review_decide(
            idea=ideas[step[1]], by=board, decision=step[2], reason="Le comité."
        )
    elif kind == "launch":
        lifecycle.idea_launch(idea=ideas[step[1]], by=board, sku=f"IDEA-P{step[1]}")
    elif kind == "withdraw_idea":
        idea = ideas[step[1]]
        lifecycle.idea_withdraw(idea=idea, member=idea.author)


def _check_invariants(people, idea_ids):
    # every idea's count is its rows
    for idea in Idea.objects.filter(pk__in=idea_ids).annotate(rows=Count("supports")):
        assert idea.supporter_count == idea.rows, idea.title
        assert idea.recent_supporter_count <= idea.rows, idea.title
    # nobody over budget, and the budget says what the rows say
    for member in people:
        held = IdeaSupport.objects.filter(member=member, released_at__isnull=True)
        assert held.count() <= BUDGET
        assert services.member_supports_left(member=member) == BUDGET - held.count()
    # a support is held exactly while its idea holds supports
    held_elsewhere = IdeaSupport.objects.filter(released_at__isnull=True).exclude(
        idea__state__in=SUPPORT_HOLDING_STATES
    )
    released_on_holding = IdeaSupport.objects.filter(
        released_at__isnull=False, idea__state__in=SUPPORT_HOLDING_STATES
    )
    assert not held_elsewhere.exists()
    assert not released_on_holding.exists()
    # never a support of one's own idea; a merged idea keeps none
    assert not IdeaSupport.objects.filter(member=F("idea__author")).exists()
    assert not IdeaSupport.objects.filter(idea__state=IdeaState.MERGED).exists()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(operations, min_size=5, max_size=30))
@example(  # the road to the shelves, then a merge into the launched idea
    steps=[
        ("support", 2, 0),
        ("support", 3, 0),
        ("support", 4, 0),
        ("support", 2, 1),
        ("decide", 0, "accepted"),
        ("launch", 0),
        ("merge", 1, 0),
        ("support", 3, 2),
        ("refresh", 40),
    ]
)
def test_no_sequence_overspends_a_budget_or_miscounts_an_idea(world, steps):
    with transaction.atomic():
        ideas = list(Idea.objects.filter(pk__in=world["idea_ids"]).order_by("pk"))
        clock = [NOW]
        for step in steps:
            try:
                with transaction.atomic():
                    _apply(
                        step,
                        people=world["people"],
                        ideas=ideas,
                        moderator=world["moderator"],
                        board=world["board"],
                        clock=clock,
                    )
            except (ValidationError, PermissionDenied):
                # Refused in words; the savepoint took back anything written.
                event(f"{step[0]} refused")
            else:
                event(f"{step[0]} done")
            for idea in ideas:
                idea.refresh_from_db()
            _check_invariants(world["people"], world["idea_ids"])
        transaction.set_rollback(True)
