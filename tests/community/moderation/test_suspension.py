"""member_suspend / suspension_lift: logged, notified, only by moderators."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community.moderation.models import ModerationAction, ModerationDecision
from community.moderation.posting import member_active_suspension
from community.moderation.services import member_suspend, suspension_lift
from community.notifications.models import Notification

from .conftest import member

pytestmark = pytest.mark.django_db


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def test_suspension_is_logged_and_the_member_told_why_and_until_when(
    moderator, django_capture_on_commit_callbacks
):
    target = member(1)

    with django_capture_on_commit_callbacks(execute=True):
        suspension = member_suspend(
            moderator=moderator,
            member=target,
            until=in_days(7),
            reason="Insultes répétées envers d'autres membres.",
        )

    assert member_active_suspension(member=target) == suspension
    assert timezone.localtime(suspension.until).date() == in_days(7)
    decision = ModerationDecision.objects.get(author=target)
    assert decision.action == ModerationAction.SUSPEND
    assert decision.moderator == moderator
    assert decision.note == "Insultes répétées envers d'autres membres."
    notification = Notification.objects.get(recipient=target)
    assert notification.kind == "suspended"
    assert "Insultes répétées" in notification.body
    assert mail.outbox and mail.outbox[0].to == [target.email]


def test_suspension_needs_a_reason_and_a_future_end(moderator):
    target = member(1)
    with pytest.raises(ValidationError, match="why"):
        member_suspend(moderator=moderator, member=target, until=in_days(3), reason=" ")
    with pytest.raises(ValidationError, match="future"):
        member_suspend(
            moderator=moderator, member=target, until=in_days(-1), reason="x"
        )
    assert member_active_suspension(member=target) is None


def test_members_cannot_suspend():
    with pytest.raises(PermissionDenied):
        member_suspend(
            moderator=member(4), member=member(1), until=in_days(3), reason="x"
        )


def test_lifting_ends_it_now_and_is_logged(moderator):
    target = member(1)
    suspension = member_suspend(
        moderator=moderator, member=target, until=in_days(30), reason="Spam."
    )

    suspension_lift(moderator=moderator, suspension=suspension, note="Erreur.")

    assert member_active_suspension(member=target) is None
    assert list(
        ModerationDecision.objects.filter(author=target).values_list(
            "action", flat=True
        )
    ) == [ModerationAction.LIFT_SUSPENSION, ModerationAction.SUSPEND]
    with pytest.raises(ValidationError, match="already over"):
        suspension_lift(moderator=moderator, suspension=suspension)
