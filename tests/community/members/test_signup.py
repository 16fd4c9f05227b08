import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from tests.factories import MemberFactory

User = get_user_model()
SIGNUP_URL = "/accounts/signup/"
LOGIN_URL = "/accounts/login/"
PASSWORD = "Un-potager-en-2026!"

pytestmark = pytest.mark.django_db


def signup(client, **overrides):
    data = {
        "email": "lucie@example.com",
        "display_name": "Lucie Jardine",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return client.post(SIGNUP_URL, data)


def confirmation_link(message) -> str:
    return re.search(
        r"https?://testserver(/accounts/confirm-email/\S+/)", message.body
    )[1]


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_signup_page_is_drawn_in_the_site_layout_with_labelled_fields(client):
    response = client.get(SIGNUP_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in html
    for field in ("email", "display_name", "password1", "password2"):
        assert f'<label for="id_{field}">' in html


def test_signup_sends_a_verification_email_and_sets_name_and_slug(client):
    response = signup(client)

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lucie@example.com"]
    assert mail.outbox[0].subject.startswith("Comptoir · ")
    assert "Hello from Comptoir!" in mail.outbox[0].body
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    member = User.objects.get(email="lucie@example.com")
    assert member.display_name == "Lucie Jardine"
    assert member.slug == "lucie-jardine"
    assert not is_logged_in(client)


def test_member_can_log_in_only_after_confirming_their_address(client):
    signup(client)
    link = confirmation_link(mail.outbox[0])
    newcomer = Client()

    # Before confirming: login is refused (a new link is sent at most every 3 min).
    before = newcomer.post(
        LOGIN_URL, {"login": "lucie@example.com", "password": PASSWORD}
    )
    assert not is_logged_in(newcomer)
    assert before["Location"].startswith("/accounts/confirm-email/")

    # Following the link from the e-mail confirms the address.
    page = newcomer.get(link)
    assert page.status_code == 200
    assert "lucie@example.com" in page.content.decode()
    newcomer.post(link)
    assert EmailAddress.objects.get(email="lucie@example.com").verified

    after = newcomer.post(
        LOGIN_URL, {"login": "lucie@example.com", "password": PASSWORD}
    )
    assert after.status_code == 302
    assert after["Location"] == "/me/"
    assert is_logged_in(newcomer)


def test_confirming_in_the_signup_session_logs_the_member_in(client):
    signup(client)
    link = confirmation_link(mail.outbox[0])

    response = client.post(link)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_display_name_taken_in_another_case_is_refused_with_a_clear_error(client):
    MemberFactory(display_name="Lucie Jardine", slug="lucie-jardine")

    response = signup(client, display_name="LUCIE jardine")

    assert response.status_code == 200
    assert "is already taken" in response.content.decode()
    assert not User.objects.filter(email="lucie@example.com").exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("display_name", "message"),
    [
        ("Lu", "between 3 and 40 characters"),
        ("x" * 41, "at most 40 characters"),
        ("<script>", "may only contain letters, digits"),
        ("lucie@example", "may only contain letters, digits"),
    ],
)
def test_badly_formed_display_names_are_refused(client, display_name, message):
    response = signup(client, display_name=display_name)

    assert response.status_code == 200
    assert message in response.content.decode()
    # What was typed stays in the form.
    assert 'value="lucie@example.com"' in response.content.decode()
    assert not User.objects.filter(email="lucie@example.com").exists()


def test_accented_display_name_is_accepted_and_slugified(client):
    signup(client, display_name="Élodie Bricole_42")

    member = User.objects.get(email="lucie@example.com")
    assert member.display_name == "Élodie Bricole_42"
    assert member.slug == "elodie-bricole_42"


def test_two_names_with_the_same_slug_get_distinct_slugs(client):
    MemberFactory(display_name="Lucie-Jardine", slug="lucie-jardine")

    signup(client, display_name="Lucie Jardine")

    assert User.objects.get(email="lucie@example.com").slug == "lucie-jardine-2"


def test_signup_is_rate_limited_per_address(client):
    for n in range(10):
        signup(client, email=f"bot{n}@example.com", display_name=f"Robot {n}")

    response = signup(client, email="bot99@example.com", display_name="Robot 99")

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not User.objects.filter(email="bot99@example.com").exists()


def test_display_name_taken_between_check_and_save_is_a_form_error(client, monkeypatch):
    # Another sign-up took the name after this form was validated.
    MemberFactory(display_name="Lucie Jardine", slug="lucie-1")
    monkeypatch.setattr(
        "community.members.services.display_name_clean",
        lambda name, member=None: name,
    )

    response = signup(client)

    assert response.status_code == 200
    assert "was just taken" in response.content.decode()
    assert not User.objects.filter(email="lucie@example.com").exists()
