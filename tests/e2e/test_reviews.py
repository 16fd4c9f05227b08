"""A review's whole path: written with a photo, approved in the admin queue, shown
with its badges, and the author's notification count updated live."""

import io
import uuid

from PIL import Image
from playwright.sync_api import expect

from .conftest import log_in
from .hostile import HOSTILE_MARKUP

PASSWORD = "un-avis-bien-ecrit-2026"
MODERATOR = ("moderation@comptoir.example", "Jardin-demo-2026")


def _photo(tmp_path):
    path = tmp_path / "arrosoir.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 120, 60)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def _new_product(live_site, tag: str) -> tuple[str, str]:
    sku = f"E2E-{tag}-{uuid.uuid4().hex[:6].upper()}"
    name = f"Arrosoir test {sku}"
    answer = live_site.api_post(
        "/api/v1/products/bulk",
        {
            "products": [
                {
                    "sku": sku,
                    "name": name,
                    "price_cents": 1990,
                    "description": "Arrosoir de 10 litres.",
                    "active": True,
                }
            ]
        },
    )
    assert answer["created"] == 1, answer
    return sku, name


def test_review_with_photo_is_approved_and_shows_with_badges(
    browser, live_site, tmp_path
):
    email = f"ines-{uuid.uuid4().hex[:8]}@exemple.fr"
    display_name = f"Ines {uuid.uuid4().hex[:5]}"
    live_site.member_create(email=email, display_name=display_name, password=PASSWORD)
    sku, _ = _new_product(live_site, "REV")
    # The member bought it in store: the review will be a verified purchase.
    answer = live_site.api_post(
        "/api/v1/sales/bulk",
        {
            "events": [
                {
                    "id": f"S-{sku}",
                    "type": "sale",
                    "sku": sku,
                    "quantity": 1,
                    "amount_cents": 1990,
                    "store": None,
                    "channel": "online",
                    "customer_ref": email,
                    "occurred_at": "2026-11-02T10:00:00+01:00",
                }
            ]
        },
    )
    assert answer["created"] == 1, answer
    title = f"Solide et pratique {uuid.uuid4().hex[:4]}"

    member = browser.new_context(base_url=live_site.url, locale="fr-FR").new_page()
    log_in(member, email, PASSWORD)
    member.goto(f"/p/{sku}/")
    member.locator("a[href$='/reviews/new/']").first.click()
    member.locator("input[name=rating][value='4']").check()
    member.locator("input[name=title]").fill(title)
    member.locator("textarea[name=body]").fill(
        "Bec verseur fin, poignée confortable. **Je recommande** pour les semis."
    )
    member.locator("input[name=photos]").set_input_files(str(_photo(tmp_path)))
    member.locator("form.review-form button[type=submit]").click()
    expect(member.locator(".messages")).to_be_visible()

    member.goto("/me/reviews/")
    expect(member.locator("main")).to_contain_text(title)
    count = member.locator("#notification-count")
    member.wait_for_function(
        "() => document.querySelector('#notification-count')?.dataset.live === 'open'"
    )
    unread_before = int(count.get_attribute("data-unread"))

    moderator = browser.new_context(base_url=live_site.url, locale="fr-FR").new_page()
    moderator.goto("/admin/login/")
    moderator.locator("input[name=username]").fill(MODERATOR[0])
    moderator.locator("input[name=password]").fill(MODERATOR[1])
    moderator.locator("form button[type=submit]").first.click()
    moderator.goto("/admin/moderation/?reason=pending")
    item = moderator.locator(".moderation-item").filter(has_text=title)
    expect(item.locator(".moderation-preview img")).to_have_count(1)
    item.locator("button[data-approve]").click()
    expect(moderator.locator(".moderation-item").filter(has_text=title)).to_have_count(
        0
    )

    # The author's header counts the approval without a reload.
    expect(count).to_have_attribute(
        "data-unread", str(unread_before + 1), timeout=5_000
    )

    member.goto(f"/p/{sku}/")
    review = member.locator(".review").filter(has_text=title)
    expect(review).to_be_visible()
    expect(review.locator(".badge-verified")).to_be_visible()
    expect(review.locator("img")).not_to_have_count(0)
    expect(review).to_contain_text(display_name)


def test_hostile_markup_in_a_review_never_runs_in_the_browser(browser, live_site):
    email = f"hostile-{uuid.uuid4().hex[:8]}@exemple.fr"
    live_site.member_create(
        email=email,
        display_name=f"Test {uuid.uuid4().hex[:6]}",
        password=PASSWORD,
        trust_level=2,  # publishes without premoderation, links allowed
    )
    sku, _ = _new_product(live_site, "XSS")
    page = browser.new_context(base_url=live_site.url, locale="fr-FR").new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, email, PASSWORD)
    page.goto(f"/p/{sku}/")
    page.locator("a[href$='/reviews/new/']").first.click()
    page.locator("input[name=rating][value='2']").check()
    page.locator("input[name=title]").fill(HOSTILE_MARKUP[0][:120])
    page.locator("textarea[name=body]").fill("\n\n".join(HOSTILE_MARKUP))
    page.locator("form.review-form button[type=submit]").click()

    page.goto(f"/p/{sku}/")
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)  # let any injected handler fire, if one slipped in

    assert dialogs == []
    assert page.evaluate("() => window.__xss === undefined")
    injected = page.evaluate(
        """() => {
            const reviews = document.querySelectorAll('.review');
            let bad = [];
            reviews.forEach(r => r.querySelectorAll('*').forEach(el => {
                for (const a of el.attributes) {
                    if (a.name.startsWith('on')) bad.push(el.tagName + ' ' + a.name);
                    if (/^\\s*(javascript|data):/i.test(a.value)) bad.push(a.value);
                }
                if (['SCRIPT', 'IFRAME', 'SVG', 'OBJECT', 'EMBED', 'STYLE'].includes(
                    el.tagName.toUpperCase())) bad.push(el.tagName);
            }));
            return bad;
        }"""
    )
    assert injected == []
    expect(page.locator(".review").first).to_be_visible()
