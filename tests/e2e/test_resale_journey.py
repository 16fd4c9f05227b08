"""A second-hand sale's whole path, in three browsers: a member lists an item with a
photo; another finds it by searching, contacts the seller and reads the reply live;
reserves it at a store for a day and gets the code; the store's staff hand it over
at the desk with that code and record what was paid; the seller reads the sale,
explained, in the wallet, pending for the hold period; both rate each other,
double-blind, and the seller's rating shows on the listing."""

import io
import re
import uuid

import pytest
from PIL import Image
from playwright.sync_api import expect

from .conftest import log_in

PASSWORD = "je-revends-ma-grelinette-2026"
STORE = "lyon-part-dieu"
STORE_NAME = "Lyon Part-Dieu"
# The demo's staff account of that store (comptoir/demo/reservations.py).
STAFF = ("magasin-lyon@comptoir.example", "Jardin-demo-2026")
QUESTION = "Bonjour, les dents sont-elles droites ? Je peux passer samedi."
REPLY = "Oui, toutes droites, et le manche en frêne est comme neuf."
BUYER_COMMENT = "Acheteur ponctuel et aimable."
SELLER_COMMENT = "Grelinette conforme à l'annonce, vendeuse de bon conseil."


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


def _photo(tmp_path):
    path = tmp_path / "grelinette.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (120, 90, 40)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def _member(live_site, name: str, trust_level: int) -> str:
    email = f"{name.lower()}-{uuid.uuid4().hex[:8]}@exemple.fr"
    live_site.member_create(
        email=email,
        display_name=f"{name} {uuid.uuid4().hex[:4]}",
        password=PASSWORD,
        trust_level=trust_level,
    )
    return email


def _rate(card, stars: int, comment: str) -> None:
    """Rate the other side from a hand-off's card, with the keyboard-usable radios."""
    form = card.locator("form.rating-form")
    form.locator(f"input[name=stars][value='{stars}']").check()
    form.locator("textarea[name=comment]").fill(comment)
    form.locator("button[type=submit]").click()
    # Rated, the page comes back without that card's form.
    expect(card.locator("form.rating-form")).to_have_count(0)


def _wait_live(page, selector: str) -> None:
    # A socket is open once its element says so; acting before would race.
    page.wait_for_function(
        f"() => document.querySelector({selector!r})?.dataset.live === 'open'"
    )


def test_list_converse_reserve_hand_over_see_the_money_and_rate(
    new_page, live_site, tmp_path
):
    # Given a seller trusted enough to publish at once, and a buyer
    word = f"grelinette{uuid.uuid4().hex[:6]}"
    title = f"Grelinette 5 dents {word}"
    seller_email = _member(live_site, "Odile", trust_level=2)
    buyer_email = _member(live_site, "Bastien", trust_level=1)
    seller = new_page()
    log_in(seller, seller_email, PASSWORD)

    # When the seller lists it with a photo, to hand over at one store
    seller.goto("/resale/new/")
    form = seller.locator("form.listing-form")
    form.locator("input[name=title]").fill(title)
    form.locator("textarea[name=description]").fill(
        "Grelinette **en acier**, manche en frêne. Servie deux saisons."
    )
    form.locator("input[name=price]").fill("34,50")
    form.locator("input[name=condition][value=very_good]").check()
    form.locator("input[name=photos]").set_input_files(_photo(tmp_path))
    form.locator("input[name=tags]").fill("jardin, outils")
    form.get_by_label(re.compile(STORE_NAME)).check()
    form.locator("button[name=publish]").click()

    # Then it is on sale at once, with its photo
    seller.wait_for_url(re.compile(r"/resale/\d+-[\w-]+/$"))
    listing_url = seller.url
    expect(seller.locator(".listing-detail h1")).to_have_text(title)
    expect(seller.locator(".listing-state-note")).to_have_count(0)
    expect(seller.locator(".listing-price")).to_contain_text("34,50")
    expect(seller.locator(".listing-photos img")).to_have_count(1)
    assert seller.locator(".listing-photos img").evaluate("img => img.naturalWidth") > 0

    # When the buyer searches the second-hand listings for it
    buyer = new_page()
    log_in(buyer, buyer_email, PASSWORD)
    buyer.goto("/resale/")
    buyer.locator("form.resale-filters input[name=q]").fill(word)
    buyer.locator("form.resale-filters button[type=submit]").click()
    cards = buyer.locator(".listing-card")
    expect(cards).to_have_count(1)
    expect(cards.first.locator("img")).to_have_count(1)

    # And contacts the seller from the listing
    cards.first.locator(".listing-card-title a").click()
    expect(buyer).to_have_url(listing_url)
    buyer.locator("#contact textarea[name=body]").fill(QUESTION)
    buyer.locator("#contact button[type=submit]").click()
    buyer.wait_for_url(re.compile(r"/me/conversations/\d+/"))
    conversation_path = re.sub(r"^https?://[^/]+|#.*$", "", buyer.url)
    expect(buyer.locator(".conversation-message-mine")).to_contain_text(QUESTION)
    _wait_live(buyer, "#conversation")

    # Then the seller finds the conversation and answers it
    seller.goto("/me/conversations/")
    seller.locator(f".conversation-card a[href='{conversation_path}']").click()
    expect(seller.locator(".conversation-message-theirs")).to_contain_text(QUESTION)
    _wait_live(seller, "#conversation")
    seller.locator("#conversation-form textarea[name=body]").fill(REPLY)
    seller.locator("#conversation-form button[type=submit]").click()
    expect(seller.locator(".conversation-message-mine")).to_contain_text(REPLY)

    # And the reply appears on the buyer's page without a reload
    expect(buyer.locator(".conversation-message-theirs")).to_contain_text(
        REPLY, timeout=5_000
    )
    expect(buyer.locator(".conversation-message")).to_have_count(2)

    # When the buyer reserves it at the store on the first day offered
    buyer.goto(listing_url)
    reserve = buyer.locator("form.reserve-form")
    slot = reserve.locator("select[name=slot]")
    slot.select_option(index=1)  # the first day, after "Choose a store and a day"
    day = re.search(r"\d{4}-\d{2}-\d{2}$", slot.input_value()).group(0)
    reserve.locator("button[type=submit]").click()

    # Then they get the hand-off code to show at the desk
    buyer.wait_for_url(re.compile(r"/me/listings/#handoff-\d+$"))
    handoff = buyer.locator("#bought .handoff-card")
    expect(handoff).to_contain_text(title)
    expect(handoff).to_contain_text(STORE_NAME)
    code = handoff.locator(".handoff-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]+-[A-Z0-9]+", code), code

    # When the store's staff open that day's desk, the hand-off is due there
    staff = new_page()
    log_in(staff, *STAFF)
    staff.goto(f"/admin/desk/{STORE}/?day={day}")
    expect(staff.locator("tr.desk-handoff", has_text=title)).to_contain_text(code)

    # And they type the buyer's code, record what was paid at the till and confirm
    desk_code = staff.locator("form[action$='/code/']")
    desk_code.locator("input[name=code]").fill(code.lower())
    desk_code.locator("button[type=submit]").click()
    expect(staff).to_have_url(re.compile(r"/admin/resale-desk/handoffs/\d+/"))
    expect(staff.locator("#handoff-price")).to_contain_text("34,50")
    confirm = staff.locator("form[action$='/confirm/']")
    expect(confirm.locator("input[name=code]")).to_have_value(code)
    confirm.locator("input[name=paid]").fill("34,50")
    confirm.locator("input[name=payout][value=cash]").check()
    confirm.locator("button[type=submit]").click()

    # Then the hand-off is done and its code used
    expect(staff.locator("form[action$='/confirm/']")).to_have_count(0)
    expect(staff.locator(".desk-facts")).to_contain_text("34,50")
    staff.goto(f"/admin/desk/{STORE}/?day={day}")
    expect(staff.locator("tr.desk-handoff", has_text=title)).to_have_count(0)

    # And the listing is sold, for its buyer as for anyone, and in the seller's list
    buyer.goto(listing_url)
    expect(buyer.locator(".listing-state-note")).to_be_visible()
    expect(buyer.locator("form.reserve-form")).to_have_count(0)
    seller.goto("/me/listings/")
    sold = seller.locator("section:has(#state-sold) .my-listing", has_text=title)
    expect(sold).to_contain_text("34,50")
    expect(sold.locator(".handoff-code")).to_have_count(0)

    # When the seller opens their wallet (joining the programme that pays it out)
    seller.goto("/me/wallet/")
    if seller.locator("input[name=accept_terms]").count():
        seller.locator("input[name=accept_terms]").check()
        seller.locator("form.account-form button[type=submit]").click()

    # Then the sale is there, pending for the hold period, each line explained
    expect(seller.locator("#wallet-pending")).to_contain_text("34,50")
    expect(seller.locator("#wallet-available")).to_contain_text("0,00")
    line = seller.locator(".statement-line", has_text=title)
    expect(line).to_have_count(1)
    # "Vente d'occasion de …" once the French catalogue is compiled.
    expect(line).to_contain_text(re.compile(r"Second-hand sale of|Vente d'occasion de"))
    expect(line).to_contain_text(STORE_NAME)
    expect(line.locator("td.num").first).to_contain_text("34,50")

    # When both rate the other, the seller first: double-blind, nothing shows yet
    seller.goto("/me/listings/")
    _rate(seller.locator(".my-listing", has_text=title), 4, BUYER_COMMENT)
    mine = seller.locator(".my-listing", has_text=title).locator(".rating-mine")
    expect(mine).to_be_visible()
    expect(mine).not_to_contain_text(BUYER_COMMENT)
    buyer.goto("/me/listings/")
    bought = buyer.locator("#bought .handoff-card", has_text=title)
    expect(bought.locator("form.rating-form")).to_be_visible()
    expect(bought.locator(".rating-theirs")).to_have_count(0)
    expect(bought).not_to_contain_text(BUYER_COMMENT)
    _rate(bought, 5, SELLER_COMMENT)

    # Then both ratings are published: each reads the other's
    bought = buyer.locator("#bought .handoff-card", has_text=title)
    expect(bought.locator(".rating-theirs")).to_contain_text("4/5")
    expect(bought.locator(".rating-theirs")).to_contain_text(BUYER_COMMENT)
    seller.reload()
    theirs = seller.locator(".my-listing", has_text=title).locator(".rating-theirs")
    expect(theirs).to_contain_text("5/5")

    # And the seller's rating shows on the listing, with the buyer's comment
    buyer.goto(listing_url)
    expect(buyer.locator(".seller-rating")).to_contain_text(
        re.compile(r"5([.,]0+)?/5\D+1\b")
    )
    expect(buyer.locator(".ratings-shown .rating").first).to_contain_text(
        SELLER_COMMENT
    )
