"""Sign-up with e-mail verification, then logging out and in again."""

import re
import uuid

from playwright.sync_api import expect

PASSWORD = "un-jardin-bien-arrose-2026"


def test_sign_up_confirm_email_log_out_and_log_in(page, live_site):
    email = f"camille-{uuid.uuid4().hex[:8]}@exemple.fr"
    display_name = f"Camille {uuid.uuid4().hex[:6]}"

    page.goto("/accounts/signup/")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=display_name]").fill(display_name)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("form.account-form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/"))
    link = live_site.last_link_sent_to(
        email, r"http://[^\s]+/accounts/confirm-email/[^\s]+"
    )
    page.goto(link.replace("http://testserver", live_site.url))
    page.locator("form.account-form button[type=submit]").click()

    # Confirming logs the new member in: the header names them.
    expect(page.locator(".account-nav")).to_contain_text(display_name)

    # "Log out" is in the member menu, under their name.
    page.locator(".member-menu > summary").click()
    page.locator(".account-nav button[type=submit]").click()
    expect(page.locator(".account-nav")).not_to_contain_text(display_name)

    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.account-form button[type=submit]").click()
    expect(page.locator(".account-nav")).to_contain_text(display_name)


def test_wrong_password_says_so_and_keeps_the_email(page):
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill("nobody@exemple.fr")
    page.locator("input[name=password]").fill("not-the-password")
    page.locator("form.account-form button[type=submit]").click()

    expect(page.locator("input[name=login]")).to_have_value("nobody@exemple.fr")
    expect(page.locator(".errorlist, .form-errors, [role=alert]").first).to_be_visible()
