"""Notifications in a member's data: exported oldest first, deleted on erasure."""

import pytest

from community.members.member_data import member_data_erase, member_data_export
from community.notifications.models import EmailPreference, Notification
from community.notifications.services import (
    email_preferences_update,
    notification_mark_read,
    notification_send,
)

pytestmark = pytest.mark.django_db


def test_the_export_lists_the_member_s_notifications_oldest_first(member, other_member):
    # given two notifications for the member, the first one read, and one for another
    first = notification_send(
        recipient=member, kind="review_approved", title="Avis publié", url="/p/"
    )
    notification_mark_read(notification=first)
    notification_send(recipient=member, kind="trust_promoted", title="Niveau 1")
    notification_send(recipient=other_member, kind="welcome", title="Bienvenue Paul")
    # when the member's data is exported
    notifications = member_data_export(member=member)["sections"]["notifications"]
    # then only theirs are listed, with when they were read
    assert [(n["kind"], n["title"]) for n in notifications] == [
        ("review_approved", "Avis publié"),
        ("trust_promoted", "Niveau 1"),
    ]
    assert notifications[0]["read_at"] is not None
    assert notifications[1]["read_at"] is None
    assert notifications[0]["url"] == "/p/"


def test_erasure_deletes_the_member_s_notifications_only(member, other_member):
    # given notifications for the member and for someone else
    for title in ["Un", "Deux"]:
        notification_send(recipient=member, kind="info", title=title)
    notification_send(recipient=other_member, kind="info", title="Trois")
    # when the member's data is erased
    erased = member_data_erase(member=member)
    # then theirs are gone, the other member's stays
    assert erased["notifications"] == 2
    assert not Notification.objects.filter(recipient=member).exists()
    assert Notification.objects.filter(recipient=other_member).count() == 1


def test_the_export_has_the_member_s_email_choices_and_erasure_forgets_them(member):
    # given a member who turned off digests
    email_preferences_update(member=member, choices={"digests": False})
    # when their data is exported, then erased
    exported = member_data_export(member=member)["sections"]["email_preferences"]
    erased = member_data_erase(member=member)
    # then the export says every choice, and erasure deletes the stored one
    assert exported["digests"] is False
    assert exported["replies"] is True
    assert erased["email_preferences"] == 1
    assert not EmailPreference.objects.filter(member=member).exists()
