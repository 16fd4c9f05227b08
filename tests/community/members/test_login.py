import re

import pytest
from django.core import mail

from .conftest import PASSWORD

LOGIN_URL = "/accounts/login/"
LOGOUT_URL = "/accounts/logout/"

pytestmark = pytest.mark.django_db


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_member_logs_in_with_email_and_password_and_lands_on_their_profile(
    client, member
):
    response = client.post(LOGIN_URL, {"login": member.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/me/"
    assert is_logged_in(client)
    assert "Marie Dupont" in client.get("/me/").content.decode()


def test_wrong_password_is_refused_with_a_clear_message(client, member):
    response = client.post(LOGIN_URL, {"login": member.email, "password": "nope"})

    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert f'value="{member.email}"' in response.content.decode()
    assert not is_logged_in(client)


def test_logout_ends_the_session(member_client):
    response = member_client.post(LOGOUT_URL)

    assert response.status_code == 302
    assert not is_logged_in(member_client)
    assert member_client.get("/me/").status_code == 302


def test_password_reset_sends_a_link_that_sets_a_new_password(client, member):
    response = client.post("/accounts/password/reset/", {"email": member.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(
        r"https?://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body
    )[1]

    # allauth moves the key out of the address before showing the form.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    client.post(
        set_url,
        {"password1": "Nouveau-mot-2-passe", "password2": "Nouveau-mot-2-passe"},
    )

    client.logout()
    old = client.post(LOGIN_URL, {"login": member.email, "password": PASSWORD})
    assert not is_logged_in(client)
    assert old.status_code == 200
    client.post(LOGIN_URL, {"login": member.email, "password": "Nouveau-mot-2-passe"})
    assert is_logged_in(client)


def test_eleventh_failed_login_in_a_minute_from_one_address_is_refused(client, member):
    for n in range(10):
        client.post(LOGIN_URL, {"login": f"guess{n}@example.com", "password": "x"})

    # Even the right password is refused now: the address is locked out.
    response = client.post(LOGIN_URL, {"login": member.email, "password": PASSWORD})

    assert "Too many failed login attempts" in response.content.decode()
    assert not is_logged_in(client)


def test_sixth_failed_login_on_one_account_is_refused(client, member):
    for _ in range(5):
        client.post(LOGIN_URL, {"login": member.email, "password": "wrong"})

    response = client.post(LOGIN_URL, {"login": member.email, "password": PASSWORD})

    assert "Too many failed login attempts" in response.content.decode()
    assert not is_logged_in(client)


def test_too_many_login_requests_get_the_friendly_429_page(client, member):
    for _ in range(30):
        client.post(LOGIN_URL, {"login": "", "password": ""})

    response = client.post(LOGIN_URL, {"login": member.email, "password": PASSWORD})

    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many attempts" in html
    assert 'class="site-header"' in html
    assert not is_logged_in(client)


@pytest.mark.parametrize(
    "url", ["/accounts/email/", "/accounts/password/change/", "/accounts/logout/"]
)
def test_account_management_pages_use_the_site_layout(member_client, url):
    response = member_client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in html
    assert "<label" in html or url.endswith("logout/")
