"""What every visitor sees of a store's stock while reservations hold some of it:
the catalog's figures, the product page, the live socket, the cached pages and the
desk's shortfall when the shelf holds less than was reserved."""

import datetime as dt

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from comptoir.asgi import application
from comptoir.page_cache import STATUS_HEADER
from marketplace.catalog.selectors import product_stock
from marketplace.catalog.services import stock_level_set
from marketplace.reservations.models import Reservation, ReservationStatus
from marketplace.reservations.selectors import free_units, store_desk_reservations
from marketplace.reservations.services import (
    ReservationRefused,
    reservation_cancel,
    reservation_collect,
    reservation_mark_ready,
    reservations_refresh,
)
from tests.marketplace.catalog.conftest import fresh_channel_layer  # noqa: F401

from .conftest import NEXT_OPEN_DAY, NOW, TODAY, make_reservation

ORIGIN = [(b"origin", b"http://testserver")]


def lyon_stock(product) -> tuple[int, int, int]:
    store = product_stock(product_id=product.pk).get(code="lyon-part-dieu")
    return store.on_hand, store.held, store.quantity


def page(client, product) -> str:
    return client.get(product.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_reserving_and_cancelling_move_the_free_stock(
    client, member, product, store, django_capture_on_commit_callbacks
):
    assert lyon_stock(product) == (5, 0, 5)
    # The page's stock lines are kept until the product's tag is forgotten, when
    # each change commits: the callbacks run here as a commit runs them.
    with django_capture_on_commit_callbacks(execute=True):
        reservation = make_reservation(
            member=member, product=product, store=store, quantity=2
        )
    assert lyon_stock(product) == (5, 2, 3)
    assert free_units(product=product, store=store) == 3
    assert "In stock at Lyon Part-Dieu now: 3" in page(client, product)
    # Nantes is untouched
    assert "In stock at Nantes Centre now: 3" in page(client, product)

    with django_capture_on_commit_callbacks(execute=True):
        reservation_cancel(reservation=reservation, member=member)
    assert lyon_stock(product) == (5, 0, 5)
    assert "In stock at Lyon Part-Dieu now: 5" in page(client, product)


@pytest.mark.django_db
def test_ready_still_holds_and_collected_leaves_the_held_count(
    client, reservation, staff, product
):
    reservation_mark_ready(reservation=reservation, by=staff)
    assert lyon_stock(product) == (5, 2, 3)

    reservation_collect(reservation=reservation, by=staff, code=reservation.code)

    # The till's sale lowers what is on hand; until then the shelf holds 5 again.
    assert lyon_stock(product) == (5, 0, 5)
    assert "In stock at Lyon Part-Dieu now: 5" in page(client, product)


@pytest.mark.django_db
def test_a_released_reservation_gives_its_units_back(client, reservation, product):
    # Tuesday's pick-up plus 2 days: released on Friday's run
    reservations_refresh(now=dt.datetime(2026, 11, 27, 3, 0, tzinfo=dt.UTC))

    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.RELEASED
    assert lyon_stock(product) == (5, 0, 5)
    assert "In stock at Lyon Part-Dieu now: 5" in page(client, product)


@pytest.mark.django_db
def test_everything_reserved_shows_out_of_stock(client, member, product, store):
    make_reservation(member=member, product=product, store=store, quantity=5)
    assert "Out of stock at Lyon Part-Dieu" in page(client, product)


@pytest.mark.django_db
def test_stock_from_the_api_below_what_is_reserved_keeps_the_reservations(
    client, member, other_member, product, store, staff
):
    # given 4 of Lyon's 5 reserved, 2 of them for today
    today = make_reservation(
        member=member, product=product, store=store, quantity=2, pickup_day=TODAY
    )
    later = make_reservation(
        member=other_member, product=product, store=store, quantity=2
    )

    # when the retailer's systems say only 1 is on the shelf
    stock_level_set(product=product, store=store, quantity=1)

    # then both reservations stand, nothing is free, never a negative figure
    assert set(
        Reservation.objects.filter(store=store).values_list("status", flat=True)
    ) == {ReservationStatus.CONFIRMED}
    assert lyon_stock(product) == (1, 4, 0)
    assert "Out of stock at Lyon Part-Dieu" in page(client, product)
    with pytest.raises(ReservationRefused, match="None left free"):
        make_reservation(member=member, product=product, store=store)
    # and the desk sees what is missing, next to what to prepare
    desk = store_desk_reservations(store=store, day=TODAY)
    assert desk["shortfall"] == {product.pk: 3}
    assert list(desk["to_prepare"]) == [today]
    assert list(desk["upcoming"]) == [later]
    assert list(desk["ready"]) == []
    # back on the shelf: nothing missing
    stock_level_set(product=product, store=store, quantity=6)
    assert store_desk_reservations(store=store, day=TODAY)["shortfall"] == {}
    assert lyon_stock(product) == (6, 4, 2)


@pytest.mark.django_db
def test_the_desk_lists_each_open_reservation_once(
    member, other_member, product, store, other_store, staff
):
    overdue = make_reservation(
        member=member,
        product=product,
        store=store,
        pickup_day=TODAY,
        now=NOW - dt.timedelta(days=3),
    )
    tomorrow = make_reservation(member=other_member, product=product, store=store)
    ready = make_reservation(member=member, product=product, store=store)
    reservation_mark_ready(reservation=ready, by=staff)
    cancelled = make_reservation(member=member, product=product, store=store)
    reservation_cancel(reservation=cancelled, member=member)
    make_reservation(member=member, product=product, store=other_store)

    desk = store_desk_reservations(store=store, day=NEXT_OPEN_DAY)

    assert list(desk["to_prepare"]) == [overdue, tomorrow]
    assert list(desk["ready"]) == [ready]
    assert list(desk["upcoming"]) == []
    assert desk["shortfall"] == {}


@pytest.mark.django_db
def test_the_cached_product_page_shows_the_new_figure_once_committed(
    client, settings, member, product, store, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_ENABLED = True
    url = product.get_absolute_url()
    client.get(url)
    assert client.get(url)[STATUS_HEADER] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        reservation = make_reservation(
            member=member, product=product, store=store, quantity=2
        )
    response = client.get(url)
    assert response[STATUS_HEADER] == "miss"
    assert "In stock at Lyon Part-Dieu now: 3" in response.content.decode()

    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        reservation_cancel(reservation=reservation, member=member)
    assert "In stock at Lyon Part-Dieu now: 5" in page(client, product)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_every_open_page_hears_the_new_free_quantity_after_commit(
    member, other_member, product, store
):
    def reserve(who, quantity):
        return make_reservation(
            member=who, product=product, store=store, quantity=quantity
        )

    def refused():
        with pytest.raises(ReservationRefused):
            reserve(other_member, 4)

    async def scenario():
        socket = WebsocketCommunicator(
            application,
            f"/ws/products/{product.pk}/stock/",
            headers=ORIGIN,
        )
        connected, _ = await socket.connect()
        assert connected
        first = await socket.receive_json_from(timeout=5)
        reservation = await database_sync_to_async(reserve)(member, 2)
        second = await socket.receive_json_from(timeout=5)
        # a refusal rolls back: it sends nothing, the next message is the cancel's
        await database_sync_to_async(refused)()
        await database_sync_to_async(reservation_cancel)(
            reservation=reservation, member=member
        )
        third = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return first, second, third

    first, second, third = async_to_sync(scenario)()

    def lines(message):
        return {line["store"]: line["quantity"] for line in message["stock"]}

    assert lines(first) == {"lyon-part-dieu": 5, "nantes-centre": 3}
    assert lines(second) == {"lyon-part-dieu": 3, "nantes-centre": 3}
    assert lines(third) == {"lyon-part-dieu": 5, "nantes-centre": 3}
