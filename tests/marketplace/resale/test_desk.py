"""Second-hand hand-offs at the store's desk: the lists of the day and the coming
days, the buyer's code found from the desk's box, the hand-off confirmed with
what the buyer paid and how the seller is paid; refusals in words; nothing of
another store's. And the buy-backs waiting for their inspection."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace.resale.buyback import buyback_accept
from marketplace.resale.models import (
    Buyback,
    BuybackStatus,
    Handoff,
    HandoffStatus,
    Listing,
    ListingState,
)
from marketplace.resale.selectors import handoff_code_display
from marketplace.resale.services import listing_reserve
from rewards.models import Payout as RewardsPayout

from .fixtures import HANDOFF_DAY, NOW, PRICE, make_listing

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def desk(store, day=None) -> str:
    url = reverse("catalog_desk:store", kwargs={"code": store.code})
    return f"{url}?day={day.isoformat()}" if day else url


def find(client, store, code):
    return client.post(
        reverse("catalog_desk:find", kwargs={"code": store.code}), {"code": code}
    )


def handoff_page(handoff) -> str:
    return reverse("resale_desk:handoff", kwargs={"handoff_id": handoff.pk})


def confirm(client, handoff, **data):
    values = {"code": handoff.code, "paid": "45.00", "payout": "cash"} | data
    return client.post(
        reverse("resale_desk:handoff_confirm", kwargs={"handoff_id": handoff.pk}),
        values,
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages._queued_messages]


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def handoff(listing, buyer, store):
    """Bao reserved Sacha's €45 listing at Lyon Part-Dieu, for tomorrow."""
    return listing_reserve(
        listing=listing, buyer=buyer, store=store, day=HANDOFF_DAY, now=NOW
    )


# --- The desk's lists -------------------------------------------------------------


def test_the_desk_lists_the_day_s_hand_offs_with_both_parties_and_the_price(
    handoff, staff, store
):
    html = text(client_for(staff).get(desk(store, HANDOFF_DAY)))

    assert "Second-hand hand-offs" in html
    part = html[html.index("To hand over") : html.index("Buy-backs to inspect")]
    assert handoff_code_display(handoff.code) in part
    assert "Sécateur Pro à lame franche" in part
    assert "Bao" in part and "Sacha" in part
    assert "45,00" in part or "45.00" in part


def test_today_s_desk_shows_tomorrow_s_hand_off_under_the_coming_days(
    handoff, staff, store
):
    html = text(client_for(staff).get(desk(store)))

    assert "No second-hand hand-off on this day." in html
    coming = html[html.index("Coming days", html.index("Second-hand hand-offs")) :]
    assert handoff_code_display(handoff.code) in coming


def test_another_store_s_desk_does_not_list_it(handoff, other_staff, other_store):
    html = text(client_for(other_staff).get(desk(other_store, HANDOFF_DAY)))

    assert handoff_code_display(handoff.code) not in html
    assert "No second-hand hand-off on this day." in html


def test_the_desk_costs_the_same_queries_with_one_or_many_hand_offs(
    staff, store, seller, other_buyer, handoff
):
    client = client_for(staff)
    client.get(desk(store, HANDOFF_DAY))
    with CaptureQueriesContext(connection) as one:
        client.get(desk(store, HANDOFF_DAY))
    for title in ("Bêche forgée", "Arrosoir 10 L", "Cisaille à haie"):
        more = make_listing(seller=seller, stores=[store], title=title)
        listing_reserve(
            listing=more, buyer=other_buyer, store=store, day=HANDOFF_DAY, now=NOW
        )
    with CaptureQueriesContext(connection) as many:
        html = text(client.get(desk(store, HANDOFF_DAY)))

    assert "Cisaille à haie" in html
    assert len(many) == len(one)


# --- The code box -----------------------------------------------------------------


def test_the_buyer_s_code_leads_to_the_hand_off_page(handoff, staff, store):
    client = client_for(staff)

    response = find(client, store, handoff_code_display(handoff.code).lower())

    assert response.status_code == 302
    assert response.url.startswith(handoff_page(handoff))
    page = text(client.get(response.url))
    assert "Bao" in page and "Sacha" in page
    assert f'value="{handoff_code_display(handoff.code)}"' in page


def test_a_wrong_code_is_told_in_words(handoff, staff, store):
    client = client_for(staff)

    response = find(client, store, "ZZZZ-ZZZZ")

    assert response.status_code == 302
    assert messages_of(response) == ["No hand-off with code ZZZZ-ZZZZ at this store."]


def test_another_store_s_staff_do_not_find_the_code(handoff, other_staff, other_store):
    response = find(client_for(other_staff), other_store, handoff.code)

    assert response.status_code == 302
    assert "No hand-off with code" in messages_of(response)[0]


def test_another_store_s_staff_get_404_on_the_hand_off_page(handoff, other_staff):
    client = client_for(other_staff)

    assert client.get(handoff_page(handoff)).status_code == 404
    assert confirm(client, handoff).status_code == 404
    assert Handoff.objects.get(pk=handoff.pk).status == HandoffStatus.RESERVED


def test_a_member_who_works_no_desk_is_sent_back_to_the_admin_home(handoff, moderator):
    from django.contrib.auth.models import Permission

    moderator.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )

    response = client_for(moderator).get(handoff_page(handoff))

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


# --- Confirming -------------------------------------------------------------------


def test_staff_confirm_by_code_and_the_listing_is_sold(handoff, staff, seller):
    client = client_for(staff)

    response = confirm(client, handoff, code=handoff_code_display(handoff.code))

    assert response.status_code == 302
    assert messages_of(response) == [
        "Handed over: “Sécateur Pro à lame franche” to Bao for €45.00; "
        "€45.00 in Sacha's wallet."
    ]
    handoff.refresh_from_db()
    assert handoff.status == HandoffStatus.HANDED_OVER
    assert handoff.paid_cents == PRICE
    assert handoff.confirmed_by == staff
    assert Listing.objects.get(pk=handoff.listing_id).state == ListingState.SOLD
    page = text(client.get(response.url))
    assert "Handed over and paid" in page
    assert "Confirm the hand-over" not in page


def test_store_credit_pays_the_seller_with_the_bonus(handoff, staff, seller):
    response = confirm(client_for(staff), handoff, payout="store_credit")

    # 10 % bonus by default: €49.50 of store credit at once.
    assert "€49.50 of store credit for Sacha" in messages_of(response)[0]
    voucher = RewardsPayout.objects.get(member=seller)
    assert voucher.method == RewardsPayout.Method.VOUCHER
    assert voucher.amount_cents == 4950


def test_the_page_offers_both_payouts_with_their_amounts(handoff, staff):
    html = text(client_for(staff).get(handoff_page(handoff)))

    assert "Money in their wallet: €45.00, after the hold period" in html
    assert "Store credit: €49.50 at once, bonus included" in html


def test_a_wrong_code_on_the_page_is_refused_in_words(handoff, staff):
    response = confirm(client_for(staff), handoff, code="ABCD-EFGH")

    assert response.status_code == 400
    assert "No hand-off at Lyon Part-Dieu has the code ABCD-EFGH" in text(response)
    assert Handoff.objects.get(pk=handoff.pk).status == HandoffStatus.RESERVED


def test_another_amount_than_the_agreed_price_is_refused(handoff, staff):
    response = confirm(client_for(staff), handoff, paid="40")

    html = text(response)
    assert response.status_code == 400
    assert "The agreed price is €45.00; €40.00 was recorded." in html
    assert Handoff.objects.get(pk=handoff.pk).status == HandoffStatus.RESERVED


@pytest.mark.parametrize(
    ("paid", "words"),
    [
        ("", "Type what the buyer paid at the till."),
        ("45.001", "at most two decimals"),
        ("-45", "cannot be negative"),
        ("quarante", "digits only"),
    ],
)
def test_bad_amounts_are_answered_in_words(handoff, staff, paid, words):
    response = confirm(client_for(staff), handoff, paid=paid)

    assert response.status_code == 400
    assert words in text(response)


def test_the_code_is_single_use(handoff, staff):
    client = client_for(staff)
    confirm(client, handoff)

    again = confirm(client, handoff)

    assert again.status_code == 302
    assert messages_of(again) == [
        "Nothing to hand over any more: this hand-off is “Handed over and paid”."
    ]
    assert Handoff.objects.filter(status=HandoffStatus.HANDED_OVER).count() == 1


# --- Buy-backs --------------------------------------------------------------------


@pytest.fixture
def buyback(listing, seller):
    """Sacha took the shop's buy-back of their very good Sécateur Pro: €35.96."""
    return buyback_accept(listing=listing, member=seller, now=NOW)


def buyback_page(store, buyback, action="buyback") -> str:
    return reverse(
        f"resale_desk:{action}",
        kwargs={"store_code": store.code, "buyback_id": buyback.pk},
    )


def test_every_desk_lists_the_buy_backs_to_inspect(
    buyback, staff, other_staff, store, other_store
):
    for user, where in ((staff, store), (other_staff, other_store)):
        html = text(client_for(user).get(desk(where)))
        part = html[html.index("Buy-backs to inspect") :]
        assert "Sécateur Pro à lame franche" in part
        assert "€35.96" in part
        assert buyback_page(where, buyback) in part


def test_an_inspection_that_lowers_the_condition_needs_a_reason(buyback, staff, store):
    client = client_for(staff)
    page = text(client.get(buyback_page(store, buyback)))
    assert "Good: €26.97 of store credit" in page

    refused = client.post(
        buyback_page(store, buyback, "buyback_inspect"), {"condition": "good"}
    )

    assert refused.status_code == 400
    assert "Say why the condition is lower than the member said." in text(refused)
    assert Buyback.objects.get(pk=buyback.pk).status == BuybackStatus.ACCEPTED


def test_staff_inspect_and_the_member_is_credited(buyback, staff, store, seller):
    response = client_for(staff).post(
        buyback_page(store, buyback, "buyback_inspect"),
        {"condition": "good", "reason": "Lame rayée"},
    )

    assert response.status_code == 302
    assert messages_of(response) == [
        "Inspected: €26.97 of store credit for Sacha, as a voucher."
    ]
    buyback.refresh_from_db()
    assert buyback.status == BuybackStatus.CREDITED
    assert buyback.store == store
    assert buyback.credited_cents == 2697


def test_a_better_condition_than_declared_is_not_offered(buyback, staff, store):
    response = client_for(staff).post(
        buyback_page(store, buyback, "buyback_inspect"), {"condition": "new_with_tags"}
    )

    assert response.status_code == 400
    assert "Choose the condition declared or a lower one." in text(response)


def test_a_store_one_does_not_work_is_a_404_for_buy_backs(buyback, staff, other_store):
    client = client_for(staff)

    assert client.get(buyback_page(other_store, buyback)).status_code == 404
    response = client.post(
        buyback_page(other_store, buyback, "buyback_inspect"), {"condition": "fair"}
    )
    assert response.status_code == 404


def _in_french(user):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "fr"
    profile.save()


def test_a_french_desk_shows_the_price_as_staff_type_it_and_takes_it_back(
    handoff, staff
):
    _in_french(staff)
    client = client_for(staff)

    page = text(client.get(handoff_page(handoff)))
    assert 'name="paid" value="45,00"' in page

    response = confirm(client, handoff, paid="45,00")
    assert response.status_code == 302
    handoff.refresh_from_db()
    assert handoff.paid_cents == PRICE


def test_an_english_desk_shows_the_price_with_a_point(handoff, staff):
    page = text(client_for(staff).get(handoff_page(handoff)))
    assert 'name="paid" value="45.00"' in page
