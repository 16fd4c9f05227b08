"""The demo's product ideas (comptoir/demo/ideas.py): every state, a consistent past.

The demo is loaded once for this module by the fixture of test_demo.py, imported
here (pytest builds a module-scoped fixture once per module that uses it).
"""

import datetime as dt
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q

from community.ideas.lifecycle import ALLOWED_MOVES, ideas_refresh
from community.ideas.models import (
    BASIS_POINTS,
    PUBLIC_STATES,
    SUPPORT_HOLDING_STATES,
    Idea,
    IdeaComment,
    IdeaOriginator,
    IdeasSettings,
    IdeaState,
    IdeaSupport,
)
from community.moderation.models import ModerationStatus, QueueEntry
from community.moderation.services import user_can_moderate
from community.notifications.models import Notification
from comptoir.demo.ideas import BOARD_EMAIL, LAUNCHED_SKU, STAGES, SUPPORT_BUDGET
from comptoir.demo.members import MEMBER_PASSWORD
from rewards.models import Entry, LedgerTransaction, ProductOriginator
from tests.comptoir.test_demo import demo_output  # noqa: F401  (the shared demo)

pytestmark = pytest.mark.django_db


def test_demo_has_about_forty_ideas_in_every_state(demo_output):  # noqa: F811
    states = Counter(Idea.objects.values_list("state", flat=True))
    assert 38 <= sum(states.values()) <= 45
    assert set(states) == set(IdeaState.values)
    open_stages = Counter(
        Idea.objects.filter(state=IdeaState.OPEN).values_list("stage", flat=True)
    )
    assert set(open_stages) == set(range(len(STAGES)))
    assert "Ideas" in demo_output


def test_every_count_matches_its_rows_and_closed_ideas_gave_supports_back(
    demo_output,  # noqa: F811
):
    ideas = Idea.objects.annotate(
        rows=Count("supports", distinct=True),
        held=Count("supports", filter=Q(supports__released_at=None), distinct=True),
        published=Count(
            "comments",
            filter=Q(comments__status=ModerationStatus.PUBLISHED),
            distinct=True,
        ),
    )
    for idea in ideas:
        assert idea.supporter_count == idea.rows, idea
        assert idea.comment_count == idea.published, idea
        expected = idea.rows if idea.state in SUPPORT_HOLDING_STATES else 0
        assert idea.held == expected, idea
    assert IdeaSupport.objects.count() > 200


def test_no_member_is_over_budget_or_supports_an_idea_of_their_own(
    demo_output,  # noqa: F811
):
    held = Counter(
        IdeaSupport.objects.filter(released_at=None).values_list("member", flat=True)
    )
    assert held and max(held.values()) <= SUPPORT_BUDGET
    assert IdeasSettings.load().support_budget == SUPPORT_BUDGET
    for support in IdeaSupport.objects.select_related("idea", "member"):
        originators = set(
            IdeaOriginator.objects.filter(idea=support.idea).values_list(
                "member", flat=True
            )
        )
        assert support.member_id not in originators | {support.idea.author_id}
        assert support.member.date_joined < support.created_at
        assert support.idea.opened_at <= support.created_at


def test_each_history_step_is_allowed_and_ends_in_the_idea_state(
    demo_output,  # noqa: F811
):
    for idea in Idea.objects.prefetch_related("history"):
        steps = list(idea.history.all())
        if idea.state == IdeaState.DRAFT:
            assert steps == []
            continue
        assert steps[-1].to_state == idea.state, idea
        state = IdeaState.DRAFT
        for step in steps:
            assert step.from_state == state, idea
            # A stage reached is an open → open step of the history.
            assert step.to_state in ALLOWED_MOVES[state] or (
                state == step.to_state == IdeaState.OPEN
            ), (idea, step)
            state = step.to_state
        times = [step.created_at for step in steps]
        assert times == sorted(times), idea
    declined = Idea.objects.filter(state=IdeaState.DECLINED)
    assert declined.count() >= 3
    for idea in declined:
        decision = idea.history.get(to_state=IdeaState.DECLINED)
        assert decision.by is not None and len(decision.reason) > 40


def test_the_daily_refresh_finds_nothing_to_move(demo_output):  # noqa: F811
    # Given the demo's open ideas, each inside its stage's deadline
    # When the daily pass runs now
    with transaction.atomic():
        counts = ideas_refresh()
        transaction.set_rollback(True)
    # Then no idea was due to advance, go to review or expire
    assert counts["advanced"] == counts["in_review"] == counts["expired"] == 0
    settings = IdeasSettings.load()
    assert settings.stages() == list(STAGES)
    assert settings.next_review_board > dt.date.today()


def test_merged_pair_redirects_and_names_the_duplicates_author(
    demo_output,  # noqa: F811
    client,
):
    duplicate = Idea.objects.get(state=IdeaState.MERGED)
    original = duplicate.merged_into
    assert original.is_public and duplicate.supporter_count == 0
    merge = duplicate.history.get(to_state=IdeaState.MERGED)
    assert user_can_moderate(merge.by) and original.title in merge.reason
    assert IdeaOriginator.objects.filter(
        idea=original, member=duplicate.author, accepted_at__isnull=False
    ).exists()
    response = client.get(duplicate.get_absolute_url())
    assert response.status_code in (301, 302)
    assert response["Location"].endswith(original.get_absolute_url())


def test_an_idea_came_from_a_disappointed_review(demo_output):  # noqa: F811
    idea = Idea.objects.select_related("from_review").get(from_review__isnull=False)
    assert idea.from_review.rating <= 3
    assert idea.from_review.author_id == idea.author_id
    assert idea.from_review.created_at < idea.created_at
    assert idea.from_review.product.name in idea.title


def test_originators_shares_add_up_and_one_invitation_waits(
    demo_output,  # noqa: F811
):
    for idea in Idea.objects.exclude(state=IdeaState.DRAFT):
        shares = idea.originators.values_list("share_bp", flat=True)
        assert sum(shares) == BASIS_POINTS, idea
        if idea.shares_frozen_at is not None:
            assert not idea.originators.filter(accepted_at=None).exists()
    assert IdeaOriginator.objects.filter(accepted_at=None).exists()
    assert (
        IdeaOriginator.objects.values("idea").annotate(n=Count("pk")).filter(n__gt=1)
    ).count() >= 4


def test_launched_idea_pays_its_originators_through_the_ledger(
    demo_output,  # noqa: F811
    client,
):
    idea = Idea.objects.select_related("product").get(state=IdeaState.LAUNCHED)
    assert idea.product.sku == LAUNCHED_SKU
    shares = dict(idea.originators.values_list("member", "share_bp"))
    assert len(shares) == 2
    named = dict(
        ProductOriginator.objects.filter(origin__product=idea.product).values_list(
            "member", "share_bp"
        )
    )
    assert named == shares
    # The closed months paid both originators a share of the product's sales.
    paid = Counter()
    for entry in Entry.objects.filter(
        transaction__kind=LedgerTransaction.Kind.ORIGINATOR,
        transaction__product=idea.product,
        account__member__in=list(shares),
    ).select_related("account"):
        paid[entry.account.member_id] += entry.amount_cents
    assert set(paid) == set(shares) and min(paid.values()) > 0
    # And the co-originator reads it in their wallet.
    member = get_user_model().objects.get(pk=min(shares, key=shares.get))
    client.force_login(member)
    wallet = client.get("/me/wallet/")
    assert wallet.status_code == 200
    assert idea.product.name in wallet.content.decode()
    # Both were told when it went on sale.
    assert Notification.objects.filter(
        recipient__in=list(shares), kind="idea_launched"
    ).count() == len(shares)


def test_todays_ideas_and_comments_wait_in_the_moderation_queue(
    demo_output,  # noqa: F811
):
    waiting = QueueEntry.objects.filter(closed_at=None)
    ideas = Idea.objects.filter(
        pk__in=waiting.filter(content_type__model="idea").values("object_id")
    )
    assert ideas.count() >= 3
    assert set(ideas.values_list("state", flat=True)) == {IdeaState.PENDING}
    comments = IdeaComment.objects.filter(
        pk__in=waiting.filter(content_type__model="ideacomment").values("object_id"),
        status=ModerationStatus.PENDING,
    )
    assert comments.count() >= 2
    assert Idea.objects.filter(status=ModerationStatus.REJECTED).exists()
    assert Idea.objects.filter(photos__isnull=False).distinct().count() >= 3


def test_public_idea_pages_and_the_list_answer(demo_output, client):  # noqa: F811
    listing = client.get("/ideas/")
    assert listing.status_code == 200
    ideas = Idea.objects.filter(
        status=ModerationStatus.PUBLISHED,
        state__in=PUBLIC_STATES - {IdeaState.MERGED},
    )
    assert ideas.count() >= 30
    for idea in ideas:
        response = client.get(idea.get_absolute_url())
        assert response.status_code == 200, idea


def test_the_review_board_account_signs_decisions_and_opens_the_admin(
    demo_output,  # noqa: F811
    client,
):
    board = get_user_model().objects.get(email=BOARD_EMAIL)
    assert board.has_perm("ideas.decide_ideas")
    assert (
        Idea.objects.filter(history__by=board, history__to_state=IdeaState.ACCEPTED)
        .distinct()
        .count()
        >= 4
    )
    response = client.post(
        "/accounts/login/", {"login": BOARD_EMAIL, "password": MEMBER_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
