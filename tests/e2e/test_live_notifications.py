"""The header's notification count follows the member's notifications live."""

import re

from playwright.sync_api import expect

# A demo member the demo's trust step leaves with an unread notification.
EMAIL = "lea.dubois@exemple.fr"
PASSWORD = "Jardin-demo-2026"


def log_in(page):
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(EMAIL)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.account-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/me/$"))


def test_reading_in_another_tab_updates_the_count_live(page):
    log_in(page)
    page.goto("/stores/")
    count = page.locator("#notification-count")
    expect(count).not_to_have_attribute("data-unread", "0")
    # The socket is open once the badge says it is live; acting before would race.
    page.wait_for_function(
        "() => document.querySelector('#notification-count')?.dataset.live === 'open'"
    )

    other_tab = page.context.new_page()
    other_tab.goto("/me/notifications/")
    expect(other_tab.locator(".notification-unread").first).to_be_visible()
    other_tab.locator("form[action$='/read-all/'] button").click()
    expect(other_tab.locator(".notification-unread")).to_have_count(0)

    expect(count).to_have_attribute("data-unread", "0", timeout=5_000)
    expect(count).to_have_text("0")
    expect(page.locator("#notification-link")).not_to_have_class(
        re.compile("has-unread")
    )
