"""Wrong passwords sent from elsewhere never lock a member out of the browser they
usually log in from; the per-IP limit still holds for everyone."""

import pytest
from django.test import Client

from community.members.known_devices import COOKIE_NAME, COOKIE_PATH

from .conftest import PASSWORD

LOGIN_URL = "/accounts/login/"

pytestmark = pytest.mark.django_db


def log_in(client, email, password):
    return client.post(LOGIN_URL, {"login": email, "password": password})


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def owners_browser(member):
    """The member's own browser: they logged in from it once, then logged out."""
    browser = Client()
    log_in(browser, member.email, PASSWORD)
    assert is_logged_in(browser)
    browser.post("/accounts/logout/")
    return browser


def guess(client, email, times):
    for _ in range(times):
        log_in(client, email, "wrong guess")


def test_a_successful_login_marks_the_browser_as_known_to_the_account_pages_only(
    client, member
):
    response = log_in(client, member.email, PASSWORD)

    cookie = response.cookies[COOKIE_NAME]
    assert cookie["path"] == COOKIE_PATH
    assert cookie["httponly"]
    assert member.email not in cookie.value


def test_guesses_from_elsewhere_do_not_lock_the_owner_out_of_their_browser(
    owners_browser, member
):
    # Given someone else sends five wrong passwords for the member's account…
    attacker = Client()
    guess(attacker, member.email, 5)
    # …the account is locked for them…
    refused = log_in(attacker, member.email, PASSWORD)
    assert "Too many failed login attempts" in refused.content.decode()

    # …but the owner, in the browser they logged in from before, gets in.
    response = log_in(owners_browser, member.email, PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(owners_browser)


def test_a_known_browser_has_its_own_limit_of_wrong_passwords(owners_browser, member):
    guess(owners_browser, member.email, 5)

    response = log_in(owners_browser, member.email, PASSWORD)

    assert "Too many failed login attempts" in response.content.decode()
    assert not is_logged_in(owners_browser)
    # Its lockout is its own: a new browser may still try.
    assert log_in(Client(), member.email, PASSWORD).status_code == 302


def test_a_forged_known_device_cookie_counts_as_an_unknown_browser(client, member):
    guess(Client(), member.email, 5)
    client.cookies[COOKIE_NAME] = "device-of-the-owner:forged"

    response = log_in(client, member.email, PASSWORD)

    assert "Too many failed login attempts" in response.content.decode()
    assert not is_logged_in(client)


def test_a_browser_known_to_one_account_is_a_stranger_to_another(
    owners_browser, member
):
    from allauth.account.models import EmailAddress

    from tests.factories import MemberFactory

    other = MemberFactory(email="paul@example.com")
    other.set_password(PASSWORD)
    other.save()
    EmailAddress.objects.create(
        user=other, email=other.email, verified=True, primary=True
    )
    guess(Client(), other.email, 5)

    response = log_in(owners_browser, other.email, PASSWORD)

    assert "Too many failed login attempts" in response.content.decode()


def test_the_per_address_limit_still_applies_to_known_browsers(owners_browser, member):
    # Ten failures a minute from one address lock that address, whoever it is.
    guess(owners_browser, "someone-else@example.com", 10)

    response = log_in(owners_browser, member.email, PASSWORD)

    assert "Too many failed login attempts" in response.content.decode()
    assert not is_logged_in(owners_browser)
