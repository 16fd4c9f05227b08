"""A shopper's paths through the served site, in a real browser."""

import re

from playwright.sync_api import expect


def test_home_to_article_to_product_card_to_product_page(page):
    page.goto("/")
    article_link = page.locator(".article-card-title a").first
    article_title = article_link.inner_text()

    article_link.click()

    expect(page.locator("h1")).to_have_text(article_title)
    card = page.locator(".product-card-block").first
    product_name = card.locator(".product-card-block-name a").inner_text()
    card.locator(".product-card-block-name a").click()

    expect(page).to_have_url(re.compile(r"/products/[\w-]+/$"))
    expect(page.locator("h1")).to_have_text(product_name)
    expect(page.locator(".stock-line").first).to_be_visible()
    expect(page.locator("img.qr-code")).to_be_visible()


def test_search_finds_a_product_by_a_word_of_its_name(page):
    page.goto("/products/")
    name = page.locator(".product-card a, .card a").filter(
        has_text=re.compile(r"\w{5,}")
    )
    product_name = name.first.inner_text().strip()
    word = max(re.findall(r"\w+", product_name), key=len)

    page.get_by_role("search").get_by_role("searchbox").fill(word)
    page.get_by_role("search").get_by_role("searchbox").press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q="))
    expect(page.locator("main")).to_contain_text(product_name)


def test_keyboard_user_reaches_content_through_the_skip_link(page):
    page.goto("/products/")

    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"#main$"))
