"""One-click unsubscribe (RFC 8058): headers, a signed link, no login needed."""

import re

import pytest
from django.core import mail, signing
from django.test import Client

from community.notifications.selectors import email_preferences_get
from community.notifications.services import notification_send
from community.notifications.unsubscribe import unsubscribe_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def emailed(member, django_capture_on_commit_callbacks, settings):
    """The e-mail a member got about a moderator's decision."""
    settings.WAGTAILADMIN_BASE_URL = "https://comptoir.example"
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(
            recipient=member,
            kind="content_approved",
            title="Votre avis est publié",
            email=True,
        )
    return mail.outbox[-1]


def link_path(message) -> str:
    """The unsubscribe path from the List-Unsubscribe header."""
    url = re.fullmatch(
        r"<(https://comptoir\.example(/\S+))>",
        message.extra_headers["List-Unsubscribe"],
    )
    return url[2]


@pytest.fixture
def anonymous():
    # CSRF checks on, as in production: a mail client's POST has no token.
    return Client(enforce_csrf_checks=True)


def test_an_email_carries_the_rfc_8058_headers_and_the_link(emailed):
    message = emailed.message()

    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = message["List-Unsubscribe"]
    assert re.fullmatch(r"<https://comptoir\.example/emails/unsubscribe/\S+/>", header)
    # the same link is written in the mail for people to click
    assert header.strip("<>") in emailed.body


def test_opening_the_link_logged_out_asks_and_changes_nothing(
    emailed, member, anonymous
):
    # when the link is opened (a person, or a mail scanner prefetching it)
    response = anonymous.get(link_path(emailed))
    # then a page asks for confirmation with a button, and nothing changed
    html = response.content.decode()
    assert response.status_code == 200
    assert '<form method="post">' in html
    assert "Decisions on what I post" in html
    assert email_preferences_get(member_id=member.pk)["decisions"] is True


def test_the_button_unsubscribes_from_that_category_only(
    emailed, member, other_member, anonymous
):
    # when the member presses the button, logged out
    response = anonymous.post(link_path(emailed))
    # then decisions are off for them alone, their other choices untouched
    assert response.status_code == 200
    assert "you will no longer get" in response.content.decode()
    choices = email_preferences_get(member_id=member.pk)
    assert choices["decisions"] is False
    assert [category for category, on in choices.items() if not on] == ["decisions"]
    assert all(email_preferences_get(member_id=other_member.pk).values())


def test_a_mail_client_s_one_click_post_unsubscribes(
    emailed, member, anonymous, django_capture_on_commit_callbacks
):
    # when the mail client posts RFC 8058's body, without cookie or CSRF token
    response = anonymous.post(
        link_path(emailed),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    # then the member no longer gets that kind of e-mail, and posting again is fine
    assert response.status_code == 200
    assert anonymous.post(link_path(emailed)).status_code == 200
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(
            recipient=member, kind="content_rejected", title="Refusé", email=True
        )
    assert len(mail.outbox) == sent


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_gets_a_clear_page_and_changes_nothing(
    emailed, member, other_member, anonymous, method
):
    # given the member's link with another member's payload under its signature
    own = link_path(emailed)
    own_payload = own.split("/")[-2].split(":")[0]
    other_path = unsubscribe_path(member_id=other_member.pk, category="decisions")
    other_payload = other_path.split("/")[-2].split(":")[0]
    forged = own.replace(own_payload, other_payload)
    for path in (forged, own[:-6] + "xxxxx/", "/emails/unsubscribe/n'importe-quoi/"):
        # when it is opened
        response = getattr(anonymous, method)(path)
        # then a readable page says so, and nobody's choice changed
        assert response.status_code == 400
        assert "This unsubscribe link is incomplete or was changed" in (
            response.content.decode()
        )
    assert all(email_preferences_get(member_id=member.pk).values())
    assert all(email_preferences_get(member_id=other_member.pk).values())


def test_a_link_signed_for_something_else_is_refused(anonymous, member):
    token = signing.dumps({"m": member.pk, "c": "decisions"})  # no unsubscribe salt

    response = anonymous.post(f"/emails/unsubscribe/{token}/")

    assert response.status_code == 400
    assert email_preferences_get(member_id=member.pk)["decisions"] is True


def test_security_mails_carry_no_unsubscribe(client, member):
    # given the account's own mails: a password reset and a sign-up verification
    client.post("/accounts/password/reset/", {"email": member.email})
    Client().post(
        "/accounts/signup/",
        {
            "email": "lucie@example.com",
            "display_name": "Lucie Jardine",
            "password1": "Un-potager-en-2026!",
            "password2": "Un-potager-en-2026!",
        },
    )
    # then neither can be unsubscribed from
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "List-Unsubscribe" not in message.message()
        assert "/emails/unsubscribe/" not in message.body
