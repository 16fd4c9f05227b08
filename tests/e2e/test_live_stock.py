"""A product page updates its stock lines when the retailer's systems push stock."""

import re
import uuid

from playwright.sync_api import expect


def test_product_page_shows_new_stock_pushed_through_the_api(page, live_site):
    sku = f"E2E-{uuid.uuid4().hex[:8].upper()}"
    answer = live_site.api_post(
        "/api/v1/products/bulk",
        {
            "products": [
                {
                    "sku": sku,
                    "name": f"Arrosoir {sku}",
                    "price_cents": 1490,
                    "description": "Arrosoir de 10 litres.",
                    "tags": ["arrosage"],
                    "active": True,
                }
            ]
        },
    )
    assert answer["created"] == 1, answer
    page.goto("/stores/")
    store_href = page.locator("main a[href^='/stores/']").first.get_attribute("href")
    store_code = store_href.strip("/").split("/")[-1]

    page.goto(f"/p/{sku}/")
    expect(page).to_have_url(re.compile(r"/products/[\w-]+/$"))
    line = page.locator(f"#stock-line-{store_code} [data-stock-text]")
    expect(line).not_to_contain_text("37")
    # The socket is open once the page says it is live; pushing before would race.
    page.wait_for_function(
        "() => document.querySelector('#stock-lines')?.dataset.live === 'open'"
    )

    answer = live_site.api_post(
        "/api/v1/stock/bulk",
        {"stock": [{"sku": sku, "store": store_code, "quantity": 37}]},
    )
    assert answer["errors"] == [], answer

    expect(line).to_contain_text("37", timeout=5_000)
    expect(page.locator(f"#stock-line-{store_code}")).to_have_class(
        re.compile("in-stock")
    )
