"""The header's socket tells the server the member is still looking at the site:
{"type": "presence"} every minute while the page is visible, and when it becomes
visible again; nothing while it is hidden."""

import re

from playwright.sync_api import expect

# A demo member (the same as test_live_notifications.py's).
EMAIL = "lea.dubois@exemple.fr"
PASSWORD = "Jardin-demo-2026"
PRESENCE = '{"type":"presence"}'

# Records what the page's scripts send on any websocket, before they run.
RECORD_SENDS = """
window.__sent = [];
const realSend = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  window.__sent.push(String(data));
  return realSend.call(this, data);
};
"""


def log_in(page):
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(EMAIL)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.account-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/me/$"))


def open_live_page(page):
    page.add_init_script(RECORD_SENDS)
    log_in(page)
    page.goto("/stores/")
    page.wait_for_function(
        "() => document.querySelector('#notification-count')?.dataset.live === 'open'"
    )


def presences(page) -> int:
    return page.evaluate(f"() => window.__sent.filter(s => s === '{PRESENCE}').length")


def test_a_visible_page_says_present_every_minute(page):
    page.clock.install()
    open_live_page(page)
    assert presences(page) == 0

    page.clock.run_for(61_000)
    assert presences(page) == 1
    page.clock.run_for(60_000)
    assert presences(page) == 2
    expect(page.locator("#notification-count")).to_have_attribute("data-live", "open")


def test_a_page_says_present_when_it_becomes_visible_and_not_while_hidden(page):
    page.clock.install()
    open_live_page(page)

    page.evaluate(
        """() => {
          Object.defineProperty(document, "visibilityState",
            {configurable: true, get: () => "hidden"});
          document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    page.clock.run_for(121_000)
    assert presences(page) == 0

    page.evaluate(
        """() => {
          Object.defineProperty(document, "visibilityState",
            {configurable: true, get: () => "visible"});
          document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    assert presences(page) == 1
