"""A member's e-mail choices: per category, on /me/emails/, honoured when sending."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from community.notifications.email_categories import EmailCategory
from community.notifications.models import Notification
from community.notifications.selectors import email_preferences_get
from community.notifications.services import (
    email_preferences_update,
    notification_send,
)

pytestmark = pytest.mark.django_db

EMAILS_URL = "/me/emails/"


def send(member, kind, **kwargs):
    return notification_send(
        recipient=member, kind=kind, title=f"Au sujet de {kind}", email=True, **kwargs
    )


def test_every_category_is_on_until_the_member_turns_it_off(member):
    assert email_preferences_get(member_id=member.pk) == {
        category: True for category in EmailCategory.values
    }


def test_a_category_turned_off_stops_its_emails_but_keeps_the_notification(
    member, django_capture_on_commit_callbacks
):
    # given a member who does not want e-mails about decisions on their content
    email_preferences_update(member=member, choices={"decisions": False})
    # when a moderator's decision and a shop's answer are sent
    with django_capture_on_commit_callbacks(execute=True):
        send(member, "content_approved")
        send(member, "review_response")
    # then only the answer (replies) leaves by e-mail, both are on the site
    assert [message.subject for message in mail.outbox] == [
        "Comptoir · Au sujet de review_response"
    ]
    assert Notification.objects.filter(recipient=member).count() == 2


@pytest.mark.parametrize(
    ("kind", "category"),
    [
        ("content_rejected", "decisions"),
        ("content_hidden", "decisions"),
        ("suspended", "decisions"),
        ("review_response", "replies"),
        ("rewards_payout", "programme"),
        ("rewards_orphan_refunds", "programme"),
    ],
)
def test_today_s_kinds_follow_their_category(
    member, django_capture_on_commit_callbacks, kind, category
):
    # given every category off except this kind's
    email_preferences_update(
        member=member,
        choices={other: other == category for other in EmailCategory.values},
    )
    # when a notification of this kind is e-mailed
    with django_capture_on_commit_callbacks(execute=True):
        send(member, kind)
    # then it leaves; with its category off too it would not
    assert len(mail.outbox) == 1
    email_preferences_update(member=member, choices={category: False})
    with django_capture_on_commit_callbacks(execute=True):
        send(member, kind)
    assert len(mail.outbox) == 1


def test_a_later_app_s_kind_declares_its_category(
    member, other_member, django_capture_on_commit_callbacks
):
    # given one member who turned off reservation and resale messages
    email_preferences_update(member=member, choices={"trades": False})
    # when a kind unknown to the notifications app is sent with its category
    with django_capture_on_commit_callbacks(execute=True):
        for recipient in (member, other_member):
            send(recipient, "reservation_ready", email_category="trades")
    # then only the other member gets the e-mail
    assert [message.to for message in mail.outbox] == [[other_member.email]]


def test_an_emailed_kind_without_a_category_is_refused_before_anything_is_written(
    member,
):
    with pytest.raises(ValueError, match="email_category"):
        send(member, "garden_tip_liked")
    assert not Notification.objects.exists()


def test_the_profile_links_to_the_email_choices(member_client):
    html = member_client.get("/me/").content.decode()

    assert f'href="{EMAILS_URL}"' in html


def test_the_choices_page_shows_every_category_ticked_by_default(member_client):
    response = member_client.get(EMAILS_URL)

    html = response.content.decode()
    assert response.status_code == 200
    for category in EmailCategory:
        assert str(category.label) in html
    assert html.count("checked") == len(EmailCategory.values)


def test_the_member_saves_their_choices(member_client, member):
    # when the member keeps only replies and programme statements
    response = member_client.post(EMAILS_URL, {"replies": "on", "programme": "on"})
    # then they are back on the page with those saved
    assert response.status_code == 302
    assert response["Location"] == EMAILS_URL
    assert email_preferences_get(member_id=member.pk) == {
        "decisions": False,
        "replies": True,
        "digests": False,
        "trades": False,
        "programme": True,
    }
    html = member_client.get(EMAILS_URL).content.decode()
    assert html.count("checked") == 2


def test_the_choices_page_needs_a_login(client):
    response = client.get(EMAILS_URL)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_unknown_category_is_refused_with_a_message(member):
    with pytest.raises(ValidationError, match="Unknown kind of e-mail"):
        email_preferences_update(member=member, choices={"spam": True})
