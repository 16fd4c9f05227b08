"""Helpful votes and idea supports in place: a click changes the count and the
button without loading the page again, focus stays on the button and the
sentence is announced; without JavaScript the same forms post and lead back to
the item, which a page with JavaScript then focuses."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import log_in

PASSWORD = "des-votes-sur-place-2026"

DEMO_ITEMS = (
    "from django.db.models import Count, Q\n"
    "from community.ideas.models import Idea\n"
    "from marketplace.catalog.models import Product\n"
    "product = (Product.objects.annotate(n=Count('reviews', "
    "filter=Q(reviews__status='published'))).filter(n__gte=1, n__lte=10)"
    ".order_by('pk').first())\n"
    "idea = Idea.objects.filter(state='open', status='published')"
    ".order_by('supporter_count', 'pk')"
    ".first()\n"
    "print('URL', product.get_absolute_url())\n"
    "print('URL', idea.get_absolute_url())\n"
)


@pytest.fixture(scope="module")
def demo_urls(live_site):
    """A demo product with published reviews (all on its first page), an open idea."""
    output = live_site.manage("shell", "-c", DEMO_ITEMS)
    # The shell may say more (its automatic imports): only the marked lines count.
    product_url, idea_url = re.findall(r"^URL (\S+)$", output, flags=re.M)
    return {"product": product_url, "idea": idea_url}


@pytest.fixture
def member(browser, live_site):
    """A new member's logged-in page (they wrote nothing, supported nothing)."""
    email = f"vote-{uuid.uuid4().hex[:8]}@exemple.fr"
    live_site.member_create(
        email=email,
        display_name=f"Votant {uuid.uuid4().hex[:5]}",
        password=PASSWORD,
        trust_level=1,
    )
    context = browser.new_context(base_url=live_site.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, email, PASSWORD)
    yield page, email
    context.close()


def _count(text: str) -> int:
    return int(re.search(r"\((\d+)\)", text).group(1))


def _mark_page(page) -> None:
    """A value that lives as long as this page does: gone after any navigation."""
    page.evaluate("window.__sameDocument = true")


def _same_document(page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def test_a_click_on_helpful_updates_the_count_in_place(member, demo_urls):
    page, _email = member
    page.goto(demo_urls["product"])
    form = page.locator("form.review-vote[data-in-place]").first
    review_id = re.search(r"/reviews/(\d+)/vote/", form.get_attribute("action"))[1]
    helpful = page.locator(f"#review-{review_id}-vote-buttons button[value=yes]")
    before = _count(helpful.inner_text())
    _mark_page(page)

    helpful.click()

    helpful = page.locator(f"#review-{review_id}-vote-buttons button[value=yes]")
    expect(helpful).to_have_text(re.compile(rf"\({before + 1}\)"))
    expect(helpful).to_have_attribute("aria-pressed", "true")
    expect(helpful).to_be_focused()
    status = page.locator(f"#review-{review_id}-vote-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).not_to_have_text("")
    # The card's own line changed too, and the page was never loaded again.
    expect(page.locator(f"#review-{review_id}-helpful")).to_contain_text(
        str(before + 1)
    )
    assert _same_document(page)
    assert "#" not in page.url

    # Changing one's mind, from the keyboard: the other button is now pressed.
    page.keyboard.press("Tab")
    not_helpful = page.locator(f"#review-{review_id}-vote-buttons button[value=no]")
    expect(not_helpful).to_be_focused()
    page.keyboard.press("Enter")

    not_helpful = page.locator(f"#review-{review_id}-vote-buttons button[value=no]")
    expect(not_helpful).to_have_attribute("aria-pressed", "true")
    expect(not_helpful).to_be_focused()
    helpful = page.locator(f"#review-{review_id}-vote-buttons button[value=yes]")
    expect(helpful).to_have_text(re.compile(rf"\({before}\)"))
    expect(helpful).to_have_attribute("aria-pressed", "false")
    assert _same_document(page)

    # What was counted is what the next visit shows.
    page.reload()
    expect(
        page.locator(f"#review-{review_id}-vote-buttons button[value=no]")
    ).to_have_attribute("aria-pressed", "true")


def test_a_vote_that_cannot_be_sent_is_said_by_the_button(member, demo_urls):
    page, _email = member
    page.goto(demo_urls["product"])
    form = page.locator("form.review-vote[data-in-place]").first
    review_id = re.search(r"/reviews/(\d+)/vote/", form.get_attribute("action"))[1]
    helpful = page.locator(f"#review-{review_id}-vote-buttons button[value=yes]")
    before = helpful.inner_text()
    page.route("**/reviews/*/vote/", lambda route: route.abort())
    _mark_page(page)

    helpful.click()

    status = page.locator(f"#review-{review_id}-vote-status")
    expect(status).to_have_text(form.get_attribute("data-in-place-error"))
    expect(status).to_have_class(re.compile(r"\bis-error\b"))
    expect(helpful).to_have_text(before)
    assert _same_document(page)


def test_supporting_an_idea_in_place(member, demo_urls):
    page, _email = member
    page.goto(demo_urls["idea"])
    supporters = page.locator("#support-body .idea-supporters")
    before = int(re.search(r"\d+", supporters.inner_text())[0])
    support = page.locator("#support-body form[data-in-place] button")
    _mark_page(page)

    support.click()

    expect(supporters).to_contain_text(str(before + 1))
    withdraw = page.locator("#support-body form[data-in-place] button")
    expect(withdraw).to_be_focused()
    expect(page.locator("#support-body input[name=action]")).to_have_value("withdraw")
    expect(page.locator("#support-status")).not_to_have_text("")
    assert _same_document(page)

    withdraw.click()

    expect(supporters).to_contain_text(str(before))
    expect(page.locator("#support-body input[name=action]")).to_have_count(0)
    expect(page.locator("#support-body form[data-in-place] button")).to_be_focused()
    assert _same_document(page)


def test_without_javascript_the_vote_posts_and_leads_back_to_the_review(
    browser, live_site, member, demo_urls
):
    _page, email = member
    plain = browser.new_context(
        base_url=live_site.url, locale="fr-FR", java_script_enabled=False
    )
    page = plain.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, email, PASSWORD)
        page.goto(demo_urls["product"])
        form = page.locator("form.review-vote").first
        review_id = re.search(r"/reviews/(\d+)/vote/", form.get_attribute("action"))[1]
        helpful = page.locator(f"#review-{review_id}-vote-buttons button[value=yes]")
        before = _count(helpful.inner_text())

        with page.expect_navigation():
            helpful.click()

        assert page.url.endswith(f"#review-{review_id}")
        expect(page.locator(".messages")).to_be_visible()
        helpful = page.locator(f"#review-{review_id}-vote-buttons button[value=yes]")
        expect(helpful).to_have_text(re.compile(rf"\({before + 1}\)"))
        expect(helpful).to_have_attribute("aria-pressed", "true")
        landed = page.url
    finally:
        plain.close()

    # The same address with JavaScript: the review it leads back to has the focus.
    with_js, _ = member
    with_js.goto(landed)
    expect(with_js.locator(f"#review-{review_id}")).to_be_focused()


def test_without_javascript_a_support_leads_back_to_the_support_part(
    browser, live_site, member, demo_urls
):
    _page, email = member
    plain = browser.new_context(
        base_url=live_site.url, locale="fr-FR", java_script_enabled=False
    )
    page = plain.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, email, PASSWORD)
        page.goto(demo_urls["idea"])

        with page.expect_navigation():
            page.locator("#support-body form button").click()

        assert page.url.endswith("#support")
        expect(page.locator("#support-body input[name=action]")).to_have_value(
            "withdraw"
        )
        landed = page.url
    finally:
        plain.close()

    with_js, _ = member
    with_js.goto(landed)
    expect(with_js.locator("#support")).to_be_focused()
