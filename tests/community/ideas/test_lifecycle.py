"""The lifecycle of an idea: every move, who may make it, and every refusal.

Small stages (2 supporters in 10 days, then 3 in 20, then 4 in 30) keep the
crowds short; supports go through the real `idea_support`.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from community.ideas import lifecycle, services
from community.ideas.models import (
    BASIS_POINTS,
    Idea,
    IdeaOriginator,
    IdeasSettings,
    IdeaState,
    IdeaStateChange,
    IdeaSupport,
)
from community.moderation.models import (
    ModerationAction,
    ModerationStatus,
    QueueEntry,
)
from community.moderation.services import moderation_decide
from community.notifications.models import Notification
from tests.factories import MemberFactory

from .conftest import PROBLEM, PROPOSAL, aged, make_idea, members

pytestmark = pytest.mark.django_db


# --- helpers shared by the lifecycle's test modules --------------------------------


def small_stages():
    """2 supporters within 10 days, then 3 within 20, then 4 within 30; budget 3."""
    settings = IdeasSettings.load()
    settings.stage1_supporters, settings.stage1_days = 2, 10
    settings.stage2_supporters, settings.stage2_days = 3, 20
    settings.stage3_supporters, settings.stage3_days = 4, 30
    settings.support_budget = 3
    settings.save()
    return settings


@pytest.fixture
def stages(db):
    return small_stages()


def board_member(**fields):
    """A member of the review board: the ideas.decide_ideas permission."""
    member = aged(MemberFactory(trust_level=3, **fields))
    permission, _ = Permission.objects.get_or_create(
        codename="decide_ideas",
        content_type=ContentType.objects.get_for_model(Idea),
        defaults={"name": "Can decide ideas on the review board"},
    )
    member.user_permissions.add(permission)
    return member


@pytest.fixture
def board(db):
    return board_member(display_name="Comité", slug="comite")


def support(idea, member):
    return services.idea_support(idea=idea, member=member)


def supported(idea, crowd):
    for member in crowd:
        support(idea, member)
    idea.refresh_from_db()
    return idea


def history(idea):
    return list(
        IdeaStateChange.objects.filter(idea=idea).values_list(
            "from_state", "to_state", "reason"
        )
    )


def kinds(member):
    return list(
        Notification.objects.filter(recipient=member)
        .order_by("id")
        .values_list("kind", flat=True)
    )


def in_review_idea(author, **fields):
    return make_idea(author, state=IdeaState.IN_REVIEW, stage=3, **fields)


# --- opening -------------------------------------------------------------------------


def test_a_trusted_members_idea_opens_with_stage_one_and_its_deadline(author, stages):
    # given a trusted member
    # when they propose an idea
    idea = services.idea_create(
        author=author,
        title="Coffre à outils ventilé",
        problem=PROBLEM,
        proposal=PROPOSAL,
    )
    # then it is open at stage 0, to reach 2 supporters within 10 days
    idea.refresh_from_db()
    now = idea.opened_at
    assert idea.state == IdeaState.OPEN
    assert idea.stage == 0
    assert idea.stage_deadline == now + dt.timedelta(days=10)
    assert history(idea)[-1][:2] == (IdeaState.DRAFT, IdeaState.OPEN)
    assert "idea_opened" in kinds(author)


def test_a_newcomers_idea_waits_then_opens_when_moderation_approves(
    newcomer, moderator, stages
):
    # given a premoderated member's idea, pending in the queue
    idea = services.idea_create(
        author=newcomer, title="Arrosoir pliable", problem=PROBLEM, proposal=PROPOSAL
    )
    idea.refresh_from_db()
    assert (idea.state, idea.status) == (IdeaState.PENDING, ModerationStatus.PENDING)
    # when a moderator approves it
    moderation_decide(
        moderator=moderator, entries_or_contents=[idea], action=ModerationAction.APPROVE
    )
    # then it opens to support, with stage 0's deadline
    idea.refresh_from_db()
    assert idea.state == IdeaState.OPEN
    assert idea.stage_deadline == idea.opened_at + dt.timedelta(days=10)
    assert [h[:2] for h in history(idea)] == [
        (IdeaState.DRAFT, IdeaState.PENDING),
        (IdeaState.PENDING, IdeaState.OPEN),
    ]


def test_a_rejected_pending_idea_stays_pending(newcomer, moderator, stages):
    idea = services.idea_create(
        author=newcomer, title="Arrosoir pliable", problem=PROBLEM, proposal=PROPOSAL
    )
    moderation_decide(
        moderator=moderator,
        entries_or_contents=[idea],
        action=ModerationAction.REJECT,
        reason="not_a_product",
    )
    idea.refresh_from_db()
    assert idea.state == IdeaState.PENDING
    assert idea.status == ModerationStatus.REJECTED


def test_opening_an_open_idea_changes_nothing(open_idea, stages):
    before = history(open_idea)
    lifecycle.idea_open(idea=open_idea, now=timezone.now())
    assert history(open_idea) == before


def test_no_stage_at_all_puts_an_opened_idea_in_review(author):
    settings = IdeasSettings.load()
    settings.stage1_supporters = settings.stage2_supporters = 0
    settings.stage3_supporters = 0
    settings.save()
    idea = make_idea(author, state=IdeaState.PENDING)
    lifecycle.idea_open(idea=idea, now=timezone.now())
    assert idea.state == IdeaState.IN_REVIEW


# --- stages --------------------------------------------------------------------------


def test_reaching_a_stage_moves_on_with_a_new_deadline_and_tells_everyone(
    author, stages, django_capture_on_commit_callbacks
):
    # given an open idea and two members
    idea = make_idea(author, days_left=3)
    crowd = members(2)
    # when both support it (the threshold of stage 1)
    with django_capture_on_commit_callbacks(execute=True):
        supported(idea, crowd)
    # then it gathers stage 2 (3 supporters) within 20 days from now
    assert idea.state == IdeaState.OPEN
    assert idea.stage == 1
    assert idea.stage_deadline > timezone.now() + dt.timedelta(days=19)
    assert history(idea)[-1] == (
        IdeaState.OPEN,
        IdeaState.OPEN,
        "Reached 2 supporters. Next stage: 3 supporters by "
        + date_format(timezone.localtime(idea.stage_deadline), "DATE_FORMAT")
        + ".",
    )
    # the author is told (e-mailed too), and the first supporter in the app
    assert kinds(author) == ["idea_advanced"]
    assert kinds(crowd[0]) == ["idea_advanced"]
    # the second supporter's support made it: they are told as well
    assert kinds(crowd[1]) == ["idea_advanced"]


def test_the_last_stage_puts_the_idea_in_review(author, stages):
    idea = make_idea(author)
    supported(idea, members(4))
    assert idea.state == IdeaState.IN_REVIEW
    assert idea.stage == 3
    assert history(idea)[-1] == (
        IdeaState.OPEN,
        IdeaState.IN_REVIEW,
        "Reached 4 supporters.",
    )
    assert kinds(author) == ["idea_advanced", "idea_advanced", "idea_in_review"]


def test_the_review_board_date_is_in_the_in_review_notice(author, stages):
    stages.next_review_board = dt.date(2027, 2, 15)
    stages.save()
    idea = make_idea(author)
    supported(idea, members(4))
    notice = Notification.objects.filter(recipient=author, kind="idea_in_review").get()
    assert "The review board meets next on Feb. 15, 2027." in notice.body


def test_stage_check_leaves_an_idea_that_is_not_open_alone(author, stages):
    idea = in_review_idea(author, supporter_count=9)
    lifecycle.idea_stage_check(idea=idea, now=timezone.now())
    assert (idea.state, idea.stage) == (IdeaState.IN_REVIEW, 3)


# --- withdrawal ----------------------------------------------------------------------


def test_the_author_withdraws_an_open_idea_and_supports_come_back(
    author, supporter, stages, django_capture_on_commit_callbacks
):
    idea = make_idea(author)
    support(idea, supporter)
    assert services.member_supports_left(member=supporter) == 2
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.idea_withdraw(
            idea=idea, member=author, reason="Je l'ai trouvé en magasin."
        )
    assert idea.state == IdeaState.WITHDRAWN
    assert services.member_supports_left(member=supporter) == 3
    assert history(idea)[-1] == (
        IdeaState.OPEN,
        IdeaState.WITHDRAWN,
        "Je l'ai trouvé en magasin.",
    )
    assert kinds(supporter) == ["idea_withdrawn"]


def test_withdrawing_a_pending_idea_closes_its_queue_entry(newcomer, stages):
    idea = services.idea_create(
        author=newcomer, title="Arrosoir pliable", problem=PROBLEM, proposal=PROPOSAL
    )
    assert QueueEntry.objects.filter(object_id=idea.pk, closed_at__isnull=True).exists()
    lifecycle.idea_withdraw(idea=idea, member=newcomer)
    assert idea.state == IdeaState.WITHDRAWN
    assert not QueueEntry.objects.filter(
        object_id=idea.pk, closed_at__isnull=True
    ).exists()


def test_only_the_author_may_withdraw(open_idea, supporter, moderator):
    for member in (supporter, moderator, None):
        with pytest.raises(PermissionDenied, match="Only its author"):
            lifecycle.idea_withdraw(idea=open_idea, member=member)
    open_idea.refresh_from_db()
    assert open_idea.state == IdeaState.OPEN


@pytest.mark.parametrize(
    "state", [IdeaState.IN_REVIEW, IdeaState.ACCEPTED, IdeaState.WITHDRAWN]
)
def test_no_withdrawal_once_the_board_has_it(author, state):
    idea = make_idea(author, state=state)
    with pytest.raises(ValidationError, match="can no longer be withdrawn"):
        lifecycle.idea_withdraw(idea=idea, member=author)
    assert IdeaStateChange.objects.filter(idea=idea).count() == 0


# --- the review board ----------------------------------------------------------------


def test_accepting_freezes_the_shares_and_keeps_the_public_reason(
    author, supporter, board
):
    # given an idea in review with a co-originator who accepted 30 %
    idea = in_review_idea(author)
    IdeaOriginator.objects.filter(idea=idea, member=author).update(share_bp=7000)
    IdeaOriginator.objects.create(
        idea=idea, member=supporter, share_bp=3000, accepted_at=timezone.now()
    )
    # when the board accepts it
    lifecycle.idea_review_decide(
        idea=idea, by=board, decision="accepted", reason="Belle idée, faisable."
    )
    # then its shares are frozen and the reason is public in its history
    assert idea.state == IdeaState.ACCEPTED
    assert idea.shares_frozen_at is not None
    assert history(idea)[-1] == (
        IdeaState.IN_REVIEW,
        IdeaState.ACCEPTED,
        "Belle idée, faisable.",
    )
    change = IdeaStateChange.objects.filter(idea=idea).last()
    assert change.by == board
    # both originators are told, with the reason
    for member in (author, supporter):
        notice = Notification.objects.get(recipient=member, kind="idea_decided")
        assert "Belle idée, faisable." in notice.body


def test_declining_needs_a_reason_and_gives_supports_back(
    author, board, stages, django_capture_on_commit_callbacks
):
    idea = make_idea(author)
    crowd = members(4)
    supported(idea, crowd)
    assert idea.state == IdeaState.IN_REVIEW
    with pytest.raises(ValidationError, match="public reason"):
        lifecycle.idea_review_decide(
            idea=idea, by=board, decision="declined", reason=" "
        )
    idea.refresh_from_db()
    assert idea.state == IdeaState.IN_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.idea_review_decide(
            idea=idea, by=board, decision="declined", reason="Trop cher à fabriquer."
        )
    assert idea.state == IdeaState.DECLINED
    assert not IdeaSupport.objects.filter(idea=idea, released_at__isnull=True).exists()
    assert all(services.member_supports_left(member=m) == 3 for m in crowd)
    assert kinds(crowd[0])[-1] == "idea_decided"


def test_on_hold_then_accepted(author, board):
    idea = in_review_idea(author)
    lifecycle.idea_review_decide(
        idea=idea, by=board, decision="on_hold", reason="En attente d'un fabricant."
    )
    assert idea.state == IdeaState.ON_HOLD
    lifecycle.idea_review_decide(
        idea=idea, by=board, decision="accepted", reason="Fabricant trouvé."
    )
    assert idea.state == IdeaState.ACCEPTED


def test_only_the_board_decides(author, supporter, moderator, staff):
    idea = in_review_idea(author)
    for member in (supporter, moderator, staff, None):
        with pytest.raises(PermissionDenied, match="review board"):
            lifecycle.idea_review_decide(
                idea=idea, by=member, decision="accepted", reason="Oui."
            )
    idea.refresh_from_db()
    assert idea.state == IdeaState.IN_REVIEW


def test_a_superuser_may_decide(author):
    root = MemberFactory(is_superuser=True, is_staff=True)
    idea = in_review_idea(author)
    lifecycle.idea_review_decide(
        idea=idea, by=root, decision="on_hold", reason="Plus tard."
    )
    assert idea.state == IdeaState.ON_HOLD


@pytest.mark.parametrize(
    ("state", "decision", "message"),
    [
        (IdeaState.OPEN, "accepted", "decides ideas in review or on hold"),
        (IdeaState.ACCEPTED, "declined", "decides ideas in review or on hold"),
        (IdeaState.ON_HOLD, "on_hold", "already “On hold”"),
        (IdeaState.IN_REVIEW, "launched", "accept, decline or put"),
        (IdeaState.IN_REVIEW, "open", "accept, decline or put"),
    ],
)
def test_refused_board_decisions_write_nothing(author, board, state, decision, message):
    idea = make_idea(author, state=state)
    with pytest.raises(ValidationError, match=message):
        lifecycle.idea_review_decide(idea=idea, by=board, decision=decision, reason="R")
    idea.refresh_from_db()
    assert idea.state == state
    assert IdeaStateChange.objects.filter(idea=idea).count() == 0
    assert idea.shares_frozen_at is None


def test_a_reason_too_long_is_refused(author, board):
    idea = in_review_idea(author)
    with pytest.raises(ValidationError, match="too long"):
        lifecycle.idea_review_decide(
            idea=idea, by=board, decision="declined", reason="x" * 100_000
        )


def test_acceptance_drops_invitations_not_accepted(author, supporter, board):
    idea = in_review_idea(author)
    IdeaOriginator.objects.filter(idea=idea, member=author).update(share_bp=8000)
    IdeaOriginator.objects.create(idea=idea, member=supporter, share_bp=2000)
    lifecycle.idea_review_decide(idea=idea, by=board, decision="accepted", reason="Oui")
    assert dict(
        IdeaOriginator.objects.filter(idea=idea).values_list("member", "share_bp")
    ) == {author.pk: BASIS_POINTS}


# --- development -----------------------------------------------------------------


def test_an_accepted_idea_goes_into_development(author, board):
    idea = make_idea(author, state=IdeaState.ACCEPTED)
    lifecycle.idea_development_start(idea=idea, by=board)
    assert idea.state == IdeaState.IN_DEVELOPMENT
    assert kinds(author) == ["idea_decided"]


def test_development_refused_before_acceptance_or_to_others(author, board, supporter):
    idea = in_review_idea(author)
    with pytest.raises(ValidationError, match="Only an accepted idea"):
        lifecycle.idea_development_start(idea=idea, by=board)
    accepted = make_idea(author, state=IdeaState.ACCEPTED, title="Autre")
    with pytest.raises(PermissionDenied):
        lifecycle.idea_development_start(idea=accepted, by=supporter)
    assert IdeaStateChange.objects.count() == 0


# --- the state machine itself ------------------------------------------------------


@pytest.mark.parametrize(
    ("from_state", "to_state"),
    [
        (IdeaState.LAUNCHED, IdeaState.OPEN),
        (IdeaState.EXPIRED, IdeaState.OPEN),
        (IdeaState.DECLINED, IdeaState.ACCEPTED),
        (IdeaState.MERGED, IdeaState.OPEN),
        (IdeaState.OPEN, IdeaState.ACCEPTED),
        (IdeaState.PENDING, IdeaState.IN_REVIEW),
        (IdeaState.IN_REVIEW, IdeaState.WITHDRAWN),
    ],
)
def test_state_change_refuses_what_the_lifecycle_does_not_allow(
    author, from_state, to_state
):
    idea = make_idea(author, state=from_state)
    with pytest.raises(ValidationError, match="cannot become"):
        lifecycle._state_change(idea, to_state, now=timezone.now())
    idea.refresh_from_db()
    assert idea.state == from_state
    assert IdeaStateChange.objects.filter(idea=idea).count() == 0


def test_every_state_is_in_the_table():
    assert set(lifecycle.ALLOWED_MOVES) == set(IdeaState.values)
    for targets in lifecycle.ALLOWED_MOVES.values():
        assert targets <= set(IdeaState.values)


# --- moderation's callbacks and notifications ----------------------------------------


def test_an_open_idea_edited_and_approved_again_stays_as_it_was(author, moderator):
    idea = make_idea(author, stage=1)
    lifecycle.idea_moderated(idea=idea, action=ModerationAction.APPROVE)
    lifecycle.idea_moderated(idea=idea, action=ModerationAction.HIDE)
    idea.refresh_from_db()
    assert (idea.state, idea.stage) == (IdeaState.OPEN, 1)
    assert IdeaStateChange.objects.count() == 0


def test_a_step_told_twice_to_supporters_starts_one_job(author, supporter):
    from community.ideas import notify
    from comptoir.models import BackgroundJob

    idea = make_idea(author, state=IdeaState.EXPIRED)
    IdeaSupport.objects.create(idea=idea, member=supporter)
    notify.idea_expired_notify(idea, reason="Trop tard.")
    notify.idea_expired_notify(idea, reason="Trop tard.")
    assert BackgroundJob.objects.filter(key=f"idea-{idea.pk}-expired-0").count() == 1
    # the author is told in the app and by e-mail, supporters in the app
    assert Notification.objects.filter(recipient=author, kind="idea_expired").exists()


def test_the_author_is_e_mailed_the_boards_public_reason(
    author, board, mailoutbox, django_capture_on_commit_callbacks
):
    idea = in_review_idea(author)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.idea_review_decide(
            idea=idea, by=board, decision="declined", reason="Déjà au catalogue."
        )
    [mail] = [m for m in mailoutbox if author.email in m.to]
    assert "The review board declined “Coffre à outils ventilé”" in mail.subject
    assert "The board's reason: Déjà au catalogue." in mail.body
