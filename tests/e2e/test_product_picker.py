"""The listing form's product picker, with the keyboard alone: a seller types part
of a demo product's name, goes down the list with the arrow key, picks with Enter
and sends the form; the listing then names that catalog product."""

import re
import uuid

from playwright.sync_api import expect

from .conftest import log_in

PASSWORD = "je-revends-mon-secateur-2026"
STORE_NAME = "Lyon Part-Dieu"
# Part of a demo product's name (comptoir/demo/catalog_data.py), accents left out
# as a hurried seller would.
TYPED = "secateur de jardin"
DEMO_NAME = "Sécateur de jardin à lames franches"


def test_a_seller_picks_the_catalog_product_with_the_keyboard(page, live_site):
    # Given a member trusted enough to publish at once, on the listing form
    email = f"picker-{uuid.uuid4().hex[:8]}@exemple.fr"
    live_site.member_create(
        email=email,
        display_name=f"Lison {uuid.uuid4().hex[:4]}",
        password=PASSWORD,
        trust_level=2,
    )
    log_in(page, email, PASSWORD)
    page.goto("/resale/new/")
    form = page.locator("form.listing-form")
    field = form.locator("input[name=product_sku]")
    expect(field).to_have_attribute("role", "combobox")
    expect(field).to_have_attribute("aria-expanded", "false")

    # When they type part of the product's name
    field.focus()
    page.keyboard.type(TYPED)

    # Then the list opens with it, and the live region says how many match
    listbox = page.locator("#" + field.get_attribute("aria-controls"))
    expect(field).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options.first).to_contain_text(DEMO_NAME)
    expect(page.locator(".product-picker-status")).to_have_text(re.compile(r"\S"))

    # When they go down to the first product and pick it with Enter
    page.keyboard.press("ArrowDown")
    first_id = options.first.get_attribute("id")
    expect(field).to_have_attribute("aria-activedescendant", first_id)
    expect(options.first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")

    # Then the list closes, the field holds the reference and the name shows beside
    expect(field).to_have_attribute("aria-expanded", "false")
    expect(listbox).to_be_hidden()
    chosen = page.locator(".product-picker-chosen")
    expect(chosen).to_be_visible()
    expect(chosen).to_contain_text(DEMO_NAME)
    sku = chosen.get_attribute("data-sku")
    assert sku and field.input_value() == sku
    expect(chosen).to_contain_text(sku)
    # Enter picked the product: it did not send the form.
    assert page.url.endswith("/resale/new/")

    # When they fill in the rest and send it, still from the keyboard
    form.locator("input[name=title]").fill("Sécateur servi une saison")
    form.locator("textarea[name=description]").fill(
        "Lames franches bien affûtées, ressort comme neuf."
    )
    form.locator("input[name=price]").fill("12,50")
    form.locator("input[name=condition][value=very_good]").check()
    form.get_by_label(re.compile(STORE_NAME)).check()
    form.locator("button[name=publish]").focus()
    page.keyboard.press("Enter")

    # Then the listing is on sale and names the catalog product
    page.wait_for_url(re.compile(r"/resale/\d+-[\w-]+/$"))
    summary = page.locator(".listing-summary")
    expect(summary.get_by_role("link", name=DEMO_NAME)).to_be_visible()


def test_a_click_picks_a_product_and_clear_empties_the_field(page, live_site):
    # Given a member on the listing form, the list open on a demo product
    email = f"picker-{uuid.uuid4().hex[:8]}@exemple.fr"
    live_site.member_create(
        email=email,
        display_name=f"Malo {uuid.uuid4().hex[:4]}",
        password=PASSWORD,
        trust_level=2,
    )
    log_in(page, email, PASSWORD)
    page.goto("/resale/new/")
    field = page.locator("input[name=product_sku]")
    field.press_sequentially(TYPED)
    option = page.get_by_role("option", name=re.compile(DEMO_NAME))
    expect(option).to_be_visible()

    # When they click it
    option.click()

    # Then it is chosen, and the focus stayed in the field
    chosen = page.locator(".product-picker-chosen")
    expect(chosen).to_contain_text(DEMO_NAME)
    expect(field).to_be_focused()
    assert field.input_value() == chosen.get_attribute("data-sku")

    # When they clear it
    chosen.get_by_role("button").click()

    # Then the field is empty, nothing is chosen and the focus is back in the field
    expect(field).to_have_value("")
    expect(chosen).to_be_hidden()
    expect(field).to_be_focused()
