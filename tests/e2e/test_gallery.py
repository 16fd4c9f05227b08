"""A product's pictures: open large, move with the arrows or a swipe, close with
Escape back where one was; without JavaScript the pictures are plain links."""

import re

import pytest
from playwright.sync_api import expect

# The demo's first product has three photographs (comptoir/demo/products.py).
PRODUCT = "/p/OUT-00001/"


def focused_is(page, selector: str) -> bool:
    return page.evaluate(
        "(selector) => document.activeElement.matches(selector)", selector
    )


def focus_in_dialog(page) -> bool:
    return page.evaluate(
        "() => document.activeElement.closest('dialog.gallery-dialog') !== null"
    )


def position(page):
    return page.locator("dialog.gallery-dialog .gallery-caption")


def test_gallery_opens_moves_with_the_arrows_and_escape_gives_focus_back(page):
    page.goto(PRODUCT)
    thumbs = page.locator(".gallery-thumb")
    expect(thumbs).to_have_count(3)
    stage = page.locator(".gallery-stage")

    # when a shopper clicks the big picture
    stage.click()

    # then it opens large in a dialog, on the first of three pictures
    dialog = page.locator("dialog.gallery-dialog")
    expect(dialog).to_be_visible()
    large = dialog.locator("img.gallery-large")
    expect(large).to_have_attribute("src", re.compile(r"max-1600x1200"))
    expect(position(page)).to_have_text(re.compile(r"\b1\b.*\b3\b"))
    first = large.get_attribute("src")
    assert large.get_attribute("width") and large.get_attribute("height")
    assert focus_in_dialog(page)

    # when they press the right arrow, the next picture shows, then wraps around
    page.keyboard.press("ArrowRight")
    expect(position(page)).to_have_text(re.compile(r"\b2\b.*\b3\b"))
    assert large.get_attribute("src") != first
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(position(page)).to_have_text(re.compile(r"\b3\b.*\b3\b"))

    # Tab and Shift+Tab never leave the dialog
    for key in ["Tab"] * 4 + ["Shift+Tab"] * 4:
        page.keyboard.press(key)
        assert focus_in_dialog(page), key

    # when they press Escape, the dialog closes and focus is back on the picture
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert focused_is(page, ".gallery-stage")


def test_keyboard_only_opens_a_thumbnail_and_returns_to_it(page):
    page.goto(PRODUCT)
    second = page.locator(".gallery-thumb").nth(1)

    second.focus()
    page.keyboard.press("Enter")

    expect(position(page)).to_have_text(re.compile(r"\b2\b.*\b3\b"))
    page.keyboard.press("Escape")
    expect(page.locator("dialog.gallery-dialog")).to_be_hidden()
    assert page.evaluate(
        "() => document.activeElement"
        " === document.querySelectorAll('.gallery-thumb')[1]"
    )


def test_a_swipe_moves_to_the_next_picture_and_the_close_button_closes(page):
    page.goto(PRODUCT)
    page.locator(".gallery-stage").click()
    large = page.locator("dialog.gallery-dialog img.gallery-large")
    expect(large).to_be_visible()
    box = large.bounding_box()
    y = box["y"] + box["height"] / 2

    # a drag to the left (pointer events, as a finger on a phone)
    page.mouse.move(box["x"] + box["width"] * 0.8, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.2, y, steps=5)
    page.mouse.up()
    expect(position(page)).to_have_text(re.compile(r"\b2\b.*\b3\b"))

    # a drag to the right goes back
    page.mouse.move(box["x"] + box["width"] * 0.2, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.8, y, steps=5)
    page.mouse.up()
    expect(position(page)).to_have_text(re.compile(r"\b1\b.*\b3\b"))

    page.locator("dialog.gallery-dialog .gallery-close").click()
    expect(page.locator("dialog.gallery-dialog")).to_be_hidden()


@pytest.mark.parametrize("width", [390, 1280])
def test_gallery_fits_the_screen(browser, live_site, width):
    context = browser.new_context(
        base_url=live_site.url, viewport={"width": width, "height": 800}
    )
    try:
        page = context.new_page()
        page.goto(PRODUCT)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.locator(".gallery-stage").click()
        large = page.locator("dialog.gallery-dialog img.gallery-large")
        expect(large).to_be_visible()
        box = large.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        for name in ("gallery-close", "gallery-next", "gallery-previous"):
            button = page.locator(f"dialog.gallery-dialog .{name}").bounding_box()
            assert button["width"] >= 44 and button["height"] >= 44, name
    finally:
        context.close()


def test_without_javascript_a_picture_is_a_link_to_its_large_version(
    browser, live_site
):
    context = browser.new_context(base_url=live_site.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(PRODUCT)
        href = page.locator(".gallery-stage").get_attribute("href")

        with page.expect_response(lambda r: href in r.url) as answer:
            page.locator(".gallery-stage").click()

        assert answer.value.status == 200
        assert answer.value.headers["content-type"] == "image/jpeg"
        assert page.locator("dialog").count() == 0
    finally:
        context.close()
