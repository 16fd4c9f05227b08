"""notification_send: the row at once, the live count and e-mail only after commit."""

import pytest
from django.core import mail
from django.db import transaction

from community.notifications.models import Notification
from community.notifications.services import notification_send

pytestmark = pytest.mark.django_db


def send(member, **kwargs):
    defaults = {
        "recipient": member,
        "kind": "content_approved",
        "title": "Your review of the watering can is published",
        "body": "Thank you for sharing your experience.",
        "url": "/products/arrosoir/#review-12",
    }
    return notification_send(**(defaults | kwargs))


def test_notification_is_stored_unread_for_its_recipient(member):
    notification = send(member)

    stored = Notification.objects.get(pk=notification.pk)
    assert stored.recipient == member
    assert stored.kind == "content_approved"
    assert stored.read_at is None


def test_email_leaves_only_after_commit_with_an_absolute_link(
    member, django_capture_on_commit_callbacks, settings
):
    settings.WAGTAILADMIN_BASE_URL = "https://comptoir.example"

    with django_capture_on_commit_callbacks() as callbacks:
        send(member, email=True)
        # Inside the transaction nothing has left yet.
        assert mail.outbox == []
    for callback in callbacks:
        callback()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert "Your review of the watering can is published" in message.subject
    assert "Thank you for sharing your experience." in message.body
    assert "https://comptoir.example/products/arrosoir/#review-12" in message.body


def test_no_email_unless_asked(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send(member)

    assert mail.outbox == []


def test_without_a_url_the_email_links_to_the_notifications_page(
    member, django_capture_on_commit_callbacks, settings
):
    settings.WAGTAILADMIN_BASE_URL = "https://comptoir.example/"

    with django_capture_on_commit_callbacks(execute=True):
        send(member, url="", email=True)

    assert "https://comptoir.example/me/notifications/" in mail.outbox[0].body


def test_rolled_back_notification_sends_nothing(
    member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            send(member, email=True)
            transaction.set_rollback(True)

    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.filter(recipient=member).exists()


def test_a_failing_mail_server_does_not_break_the_committed_work(
    member, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)

    with django_capture_on_commit_callbacks(execute=True):
        notification = send(member, email=True)

    assert Notification.objects.filter(pk=notification.pk).exists()
