"""Reserve in a store, in two browsers and at the desk: a member reserves the last
units, another visitor's page shows them gone at once, the store's staff put them
aside (the member's header counts the news live) and hand them over by code."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import log_in
from .test_reviews import _new_product

PASSWORD = "je-reserve-mon-arrosoir-2026"
STORE = "lyon-part-dieu"
# The demo's staff account of that store (comptoir/demo/reservations.py).
STAFF = ("magasin-lyon@comptoir.example", "Jardin-demo-2026")


@pytest.fixture
def new_page(browser, live_site):
    """A page in a browser context of its own (its own cookies), closed after."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_site.url, locale="fr-FR")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


def _wait_live(page, selector: str) -> None:
    # A socket is open once its element says so; acting before would race.
    page.wait_for_function(
        f"() => document.querySelector({selector!r})?.dataset.live === 'open'"
    )


def test_reserve_the_last_units_watch_them_go_then_ready_and_collect(
    new_page, live_site
):
    # Given a product with two units at one store, and a member
    sku, _name = _new_product(live_site, "RES")
    answer = live_site.api_post(
        "/api/v1/stock/bulk", {"stock": [{"sku": sku, "store": STORE, "quantity": 2}]}
    )
    assert answer["errors"] == [], answer
    email = f"margot-{uuid.uuid4().hex[:8]}@exemple.fr"
    live_site.member_create(
        email=email, display_name=f"Margot {uuid.uuid4().hex[:4]}", password=PASSWORD
    )
    member = new_page()
    log_in(member, email, PASSWORD)
    member.goto(f"/p/{sku}/")
    expect(member).to_have_url(re.compile(r"/products/[\w-]+/$"))
    product_url = member.url

    # And another visitor watching the same product page
    visitor = new_page()
    visitor.goto(product_url)
    line = visitor.locator(f"#stock-line-{STORE}")
    expect(line).to_have_class(re.compile(r"\bin-stock\b"))
    expect(line.locator("[data-stock-text]")).to_contain_text("2")
    _wait_live(visitor, "#stock-lines")

    # When the member reserves both units there through the form
    member.locator(f"#stock-line-{STORE} a[href*='/reservations/new/']").click()
    form = member.locator("form.reserve-form")
    form.locator("input[name=quantity]").fill("2")
    form.locator("select[name=pickup_day]").select_option(index=0)  # today
    form.locator("button[type=submit]").click()
    member.wait_for_url(re.compile(r"/me/reservations/[A-Z0-9]+/$"))
    code = member.url.rstrip("/").rsplit("/", 1)[1]
    expect(member.locator(".reservation-status-confirmed")).to_be_visible()

    # Then the visitor's page shows none left there, without a reload
    expect(line).to_have_class(re.compile(r"\bout-of-stock\b"), timeout=5_000)

    # When the store's staff put it aside from the desk
    count = member.locator("#notification-count")
    _wait_live(member, "#notification-count")
    unread = int(count.get_attribute("data-unread"))
    staff = new_page()
    log_in(staff, *STAFF)
    staff.goto(f"/admin/desk/{STORE}/")
    staff.locator(
        f"tr.desk-reservation[data-code='{code}'] button[type=submit]"
    ).click()
    expect(
        staff.locator(f"tr.desk-reservation[data-code='{code}'] form")
    ).to_have_count(0)

    # Then the member's header counts the news at once
    expect(count).to_have_attribute("data-unread", str(unread + 1), timeout=5_000)

    # When the member shows the code and staff hand it over with it
    desk_code = staff.locator("form[action$='/code/']")
    desk_code.locator("input[name=code]").fill(code.lower())
    desk_code.locator("button[type=submit]").click()
    expect(staff).to_have_url(re.compile(r"/admin/"))
    collect = staff.locator("form[action$='/collect/']")
    collect.locator("input[name=code]").fill(code)
    collect.locator("button[type=submit]").click()
    expect(staff.locator("form[action$='/collect/']")).to_have_count(0)

    # Then the member's reservation says it was collected
    member.reload()
    expect(member.locator(".reservation-status-collected")).to_be_visible()
    expect(member.locator(".pickup-code")).to_have_count(0)
