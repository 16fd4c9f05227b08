"""What members see and do: reserve through the form, their list, one reservation
with its code and QR, cancel with a confirmation; and nobody else's."""

import datetime as dt
from urllib.parse import parse_qs, urlencode

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.page_cache import STATUS_HEADER
from marketplace.catalog.models import StockLevel
from marketplace.reservations.models import (
    Reservation,
    ReservationsSettings,
    ReservationStatus,
)
from marketplace.reservations.selectors import pickup_code_display
from marketplace.reservations.services import (
    reservation_cancel,
    reservation_collect,
    reservation_mark_ready,
)
from tests.factories import ProductFactory, StoreFactory

from .conftest import NEXT_OPEN_DAY, SUNDAY, TODAY, make_reservation, stock_set

pytestmark = pytest.mark.django_db


def new_url(product, store) -> str:
    query = urlencode({"product": product.sku, "store": store.code})
    return f"{reverse('reservations:new')}?{query}"


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def member_client(member):
    client = Client()
    client.force_login(member)
    return client


def reserve(client, product, store, **fields):
    data = {
        "quantity": "2",
        "pickup_day": NEXT_OPEN_DAY.isoformat(),
        "request_key": "form-key-1",
    }
    data.update(fields)
    return client.post(new_url(product, store), data)


# --- Reserve ---------------------------------------------------------------------


def test_the_form_shows_the_product_the_store_and_its_open_days(
    member_client, product, store
):
    page = text(member_client.get(new_url(product, store)))

    assert "Arrosoir galvanisé 10 L" in page
    assert "€24.90" in page
    assert "17 rue du Docteur Bouchut" in page and "Lun–Sam 9h–20h" in page
    assert "5 units free to reserve at Lyon Part-Dieu now" in page
    # Today (a Monday) and the next open days, never Sunday 29 November.
    assert 'value="2026-11-23" selected' in page
    assert "Today, Monday 23 November" in page
    assert 'value="2026-11-28"' in page
    assert 'value="2026-11-29"' not in page
    # Within the 14 days ahead, not beyond.
    assert 'value="2026-12-07"' in page and 'value="2026-12-08"' not in page
    assert 'name="quantity" value="1"' in page
    assert 'type="hidden" name="request_key"' in page


def test_a_member_reserves_and_the_stock_drops_for_visitors_too(
    member_client, member, product, store, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_ENABLED = True
    visitor = Client()
    # Given a visitor's copy of the product page is in the page cache
    assert "In stock at Lyon Part-Dieu now: 5" in text(
        visitor.get(product.get_absolute_url())
    )
    assert visitor.get(product.get_absolute_url())[STATUS_HEADER] == "hit"

    # When the member reserves 2 units through the form
    with django_capture_on_commit_callbacks(execute=True):
        answer = reserve(member_client, product, store)

    # Then they land on their reservation, told how to pick it up
    reservation = Reservation.objects.get(member=member)
    assert answer.status_code == 302
    assert answer["Location"] == reservation.get_absolute_url()
    page = text(member_client.get(answer["Location"]))
    code = pickup_code_display(reservation.code)
    assert f"Reserved! Show the code {code}" in page
    assert (reservation.quantity, reservation.pickup_day) == (2, NEXT_OPEN_DAY)
    # And the next visitor sees 3 free, not the cached 5
    fresh = visitor.get(product.get_absolute_url())
    assert fresh[STATUS_HEADER] == "miss"
    assert "In stock at Lyon Part-Dieu now: 3" in text(fresh)


def test_visitors_are_asked_to_log_in_first_and_come_back(
    client, member, product, store
):
    EmailAddress.objects.create(
        user=member, email=member.email, verified=True, primary=True
    )
    url = new_url(product, store)

    answer = client.get(url)

    assert answer.status_code == 302
    login, _, query = answer["Location"].partition("?")
    assert login == reverse("account_login")
    assert parse_qs(query)["next"] == [url]
    back = client.post(
        answer["Location"],
        {"login": member.email, "password": "correct horse battery staple"},
    )
    assert back.status_code == 302 and back["Location"] == url


@pytest.mark.parametrize(
    "query",
    [
        {"product": "NOPE-1", "store": "lyon-part-dieu"},
        {"product": "ARR-0042", "store": "atlantis"},
        {"product": "ARR-0042"},
        {},
    ],
)
def test_an_unknown_product_or_store_is_not_found(member_client, product, query):
    answer = member_client.get(f"{reverse('reservations:new')}?{urlencode(query)}")
    assert answer.status_code == 404


def test_an_inactive_product_is_not_found(member_client, product, store):
    product.active = False
    product.save(update_fields=["active"])
    assert member_client.get(new_url(product, store)).status_code == 404


@pytest.mark.parametrize(
    "fields, words",
    [
        ({"pickup_day": "2026-11-20"}, "That day has passed"),
        ({"pickup_day": SUNDAY.isoformat()}, "Lyon Part-Dieu is closed on Sundays"),
        ({"pickup_day": "2027-01-15"}, "Choose a pick-up day within the next 14 days"),
        ({"pickup_day": "next tuesday"}, "Choose a pick-up day from the list."),
        ({"quantity": "0"}, "Choose from 1 to 10 units."),
        ({"quantity": "1000"}, "Choose from 1 to 10 units."),
        ({"quantity": "-3"}, "Choose from 1 to 10 units."),
        ({"quantity": "abc"}, "Give the quantity as a whole number, e.g. 2."),
        ({"quantity": ""}, "Say how many units to reserve."),
        ({"request_key": ""}, "This form has expired"),
    ],
)
def test_bad_input_is_answered_in_words_and_the_form_kept(
    member_client, product, store, fields, words
):
    answer = reserve(member_client, product, store, **fields)

    assert answer.status_code == 200
    page = text(answer)
    assert words in page
    sent = {"quantity": "2", "pickup_day": NEXT_OPEN_DAY.isoformat(), **fields}
    assert f'name="quantity" value="{sent["quantity"]}"' in page or not sent["quantity"]
    if sent["pickup_day"][:4].isdigit():
        # The day sent stays chosen, even one not on the list
        assert f'value="{sent["pickup_day"]}" selected' in page
    assert not Reservation.objects.exists()


def test_a_product_not_stocked_at_a_store_is_said_and_other_stores_offered(
    member_client, product, store
):
    # Given a third store that never held the product
    empty_store = StoreFactory(code="grenoble", name="Grenoble Europole")

    page = text(member_client.get(new_url(product, empty_store)))

    assert "Grenoble Europole has no Arrosoir galvanisé 10 L free to reserve" in page
    assert 'name="quantity"' not in page
    assert "Reserve at Lyon Part-Dieu" in page
    assert f'href="{new_url(product, store).replace("&", "&amp;")}"' in page
    assert "5 units free" in page

    # And a form posted anyway is refused in words, what was sent kept
    answer = reserve(member_client, product, empty_store)
    assert answer.status_code == 200
    assert "Grenoble Europole does not sell this product" in text(answer)
    assert 'name="quantity" value="2"' in text(answer)
    assert not Reservation.objects.exists()


def test_too_few_free_units_lists_the_stores_that_have_enough(
    member_client, product, store, other_store
):
    answer = reserve(member_client, product, other_store, quantity="4")

    page = text(answer)
    assert answer.status_code == 200
    assert "Only 3 left free at Nantes Centre" in page
    assert "Free to reserve in other stores" in page
    assert f'href="{new_url(product, store).replace("&", "&amp;")}"' in page
    assert 'name="quantity" value="4"' in page
    assert not Reservation.objects.exists()


def test_the_same_form_sent_twice_reserves_once(member_client, member, product, store):
    first = reserve(member_client, product, store, request_key="double-click")
    second = reserve(member_client, product, store, request_key="double-click")

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Reservation.objects.filter(member=member).count() == 1
    assert StockLevel.objects.get(product=product, store=store).quantity == 5


def test_a_member_at_the_limit_is_told_why(member_client, member, product, store):
    rules = ReservationsSettings.load()
    rules.max_open_per_member = 1
    rules.save()
    make_reservation(member=member, product=product, store=store)

    answer = reserve(member_client, product, store)

    assert answer.status_code == 200
    assert "You already have 1 reservation open" in text(answer)


# --- My reservations ---------------------------------------------------------------


def test_my_reservations_lists_open_ones_first_with_what_to_know(
    member_client, member, product, store, other_store
):
    older = make_reservation(
        member=member, product=product, store=other_store, quantity=1
    )
    reservation_cancel(reservation=older, member=member)
    current = make_reservation(member=member, product=product, store=store, quantity=2)

    page = text(member_client.get(reverse("reservations:mine")))

    assert page.index(current.code[:4]) < page.index(older.code[:4])
    assert "2 × Arrosoir galvanisé 10 L" in page
    assert "€49.80" in page
    assert "At Lyon Part-Dieu, pick-up on Tuesday 24 November 2026" in page
    assert pickup_code_display(current.code) in page
    assert "Confirmed" in page and "Cancelled" in page
    assert f'href="{current.get_absolute_url()}"' in page


def test_my_reservations_when_there_are_none(member_client, reservation):
    # Someone else's reservation never shows
    other = Client()
    from tests.factories import MemberFactory

    other.force_login(MemberFactory())
    page = text(other.get(reverse("reservations:mine")))

    assert "You have no reservation yet" in page
    assert f'href="{reverse("catalog:product_list")}"' in page
    assert reservation.code[:4] not in page


def test_my_reservations_costs_the_same_queries_for_2_or_20(
    member_client, member, product, store
):
    rules = ReservationsSettings.load()
    rules.max_open_per_member = 50
    rules.save()
    stock_set(product, store, 100)
    url = reverse("reservations:mine")

    def queries_for(count):
        while Reservation.objects.filter(member=member).count() < count:
            make_reservation(member=member, product=product, store=store)
        member_client.get(url)  # sessions, settings: warm like any later page
        with CaptureQueriesContext(connection) as queries:
            answer = member_client.get(url)
        assert text(answer).count('class="card reservation-card') == count
        return len(queries)

    assert queries_for(2) == queries_for(20)


def test_the_member_menu_links_to_my_reservations(member_client):
    page = text(member_client.get(reverse("reservations:mine")))
    assert f'<a href="{reverse("reservations:mine")}">My reservations</a>' in page


# --- One reservation -------------------------------------------------------------


def test_the_reservation_page_shows_the_code_the_store_and_what_to_do(
    member_client, reservation
):
    page = text(member_client.get(reservation.get_absolute_url()))

    first, second = pickup_code_display(reservation.code).split("-")
    assert (
        f'<span class="pickup-code-group">{first}</span>'
        f'<span class="pickup-code-group">{second}</span>'
    ) in page
    assert f'src="{reverse("reservations:qr", args=[reservation.code])}"' in page
    assert "17 rue du Docteur Bouchut" in page and "Lun–Sam 9h–20h" in page
    assert "Go to the hand-off desk of Lyon Part-Dieu on Tuesday 24 November." in page
    assert "Pay €49.80 at the till" in page
    # Kept until the pick-up day plus the 2 days' grace
    assert "Kept for you until the end of Thursday 26 November" in page
    assert f'href="{reverse("reservations:cancel", args=[reservation.code])}"' in page
    assert "Reserved" in page and "Confirmed" in page


def test_the_code_in_the_address_may_be_typed_in_lower_case(member_client, reservation):
    url = reverse("reservations:detail", args=[reservation.code.lower()])
    assert member_client.get(url).status_code == 200


def test_the_qr_code_is_an_svg_for_its_member_only_and_never_cached(
    member_client, reservation
):
    answer = member_client.get(reverse("reservations:qr", args=[reservation.code]))

    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/svg+xml"
    assert answer.content.lstrip().startswith(b"<?xml") or b"<svg" in answer.content
    cache_control = {part.strip() for part in answer["Cache-Control"].split(",")}
    assert cache_control == {"private", "no-store"}


def _pages_of(reservation):
    return [
        reverse("reservations:detail", args=[reservation.code]),
        reverse("reservations:qr", args=[reservation.code]),
        reverse("reservations:cancel", args=[reservation.code]),
    ]


def test_another_member_finds_nothing_of_a_reservation(other_member, reservation):
    other = Client()
    other.force_login(other_member)

    for url in _pages_of(reservation):
        assert other.get(url).status_code == 404
    assert other.post(_pages_of(reservation)[2]).status_code == 404

    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CONFIRMED


def test_an_unknown_code_is_not_found(member_client, reservation):
    assert (
        member_client.get(reverse("reservations:detail", args=["ZZZZZZZZ"])).status_code
        == 404
    )


def test_visitors_are_sent_to_log_in_for_every_reservation_page(client, reservation):
    for url in [reverse("reservations:mine"), *_pages_of(reservation)]:
        answer = client.get(url)
        assert answer.status_code == 302
        assert answer["Location"].startswith(reverse("account_login"))
    assert client.post(_pages_of(reservation)[2]).status_code == 302
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CONFIRMED


# --- Cancel ----------------------------------------------------------------------


def test_cancel_asks_first_then_cancels_and_frees_the_units(
    member_client, reservation, product, store
):
    cancel_url = reverse("reservations:cancel", args=[reservation.code])

    # Asking does not cancel
    question = member_client.get(cancel_url)
    assert question.status_code == 200
    assert "Cancel this reservation?" in text(question)
    assert "2 × Arrosoir galvanisé 10 L at Lyon Part-Dieu" in text(question)
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CONFIRMED

    # Confirming does
    answer = member_client.post(cancel_url)
    assert answer.status_code == 302
    assert answer["Location"] == reservation.get_absolute_url()
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CANCELLED
    page = text(member_client.get(reservation.get_absolute_url()))
    assert "Your reservation is cancelled; the units are back on sale." in page
    assert cancel_url not in page
    assert "pickup-code-group" not in page
    assert "Cancelled" in page
    stock = text(member_client.get(product.get_absolute_url()))
    assert "In stock at Lyon Part-Dieu now: 5" in stock

    # Asking again says there is nothing left to cancel
    again = member_client.get(cancel_url, follow=True)
    assert "This reservation is cancelled: there is nothing to cancel." in text(again)


def test_the_history_tells_when_it_was_reserved_and_ended(
    member_client, member, reservation
):
    reservation_cancel(reservation=reservation, member=member)

    page = text(member_client.get(reservation.get_absolute_url()))

    history = page[page.index("reservation-history") :]
    assert "Reserved" in history and "Cancelled" in history
    assert history.count("<time") == 2


def test_a_day_sent_from_an_old_page_after_midnight_is_refused_in_words(
    member_client, product, store
):
    # Given the form was loaded on Monday, and sent on Tuesday for Monday
    form = text(member_client.get(new_url(product, store)))
    assert 'value="2026-11-23" selected' in form
    with time_machine.travel(dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)):
        answer = reserve(member_client, product, store, pickup_day=TODAY.isoformat())

    assert answer.status_code == 200
    assert "That day has passed" in text(answer)


def test_a_product_with_a_slash_in_its_sku_can_be_reserved(
    member_client, member, store
):
    product = ProductFactory(sku="JAR/0042", name="Bêche", slug="beche")
    stock_set(product, store, 2)

    answer = reserve(member_client, product, store, quantity="1")

    assert answer.status_code == 302
    assert Reservation.objects.get(member=member).product == product


def test_a_ready_then_collected_reservation_tells_its_story(
    member_client, reservation, staff
):
    reservation_mark_ready(reservation=reservation, by=staff)

    ready = text(member_client.get(reservation.get_absolute_url()))
    assert "It is ready: Lyon Part-Dieu has put it aside for you." in ready
    assert "Ready for pick-up" in ready[ready.index("reservation-history") :]

    reservation_collect(reservation=reservation, by=staff, code=reservation.code)

    page = text(member_client.get(reservation.get_absolute_url()))
    history = page[page.index("reservation-history") :]
    assert history.count("<time") == 3 and "Collected" in history
    assert "pickup-code-group" not in page
    cancel_url = reverse("reservations:cancel", args=[reservation.code])
    assert cancel_url not in page
    answer = member_client.post(cancel_url, follow=True)
    assert "This reservation is collected: there is nothing to cancel." in text(answer)
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.COLLECTED
