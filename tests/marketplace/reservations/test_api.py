"""The tills' side of reservations: GET /api/v1/reservations/ and
POST /api/v1/reservations/{id}/collected."""

import datetime as dt
import json
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.integrations.services import api_client_create
from marketplace.reservations.models import Reservation, ReservationStatus
from marketplace.reservations.selectors import free_units
from marketplace.reservations.services import reservation_cancel
from marketplace.sales.models import SaleEvent
from tests.conftest import SUITE_NOW
from tests.factories import MemberFactory, ProductFactory, StoreFactory

TODAY = SUITE_NOW.date()  # a Monday
_codes = count(1)


def reservation_in_state(
    *, member, product, store, day=0, status="confirmed", quantity=1
):
    """A reservation in the given state, as the services leave it.

    The tills read whatever state the other services left, so the listing's data is
    set down directly; the transitions the API makes go through the real service.
    """
    number = next(_codes)
    ended = status in {"collected", "cancelled", "released"}
    return Reservation.objects.create(
        member=member,
        product=product,
        store=store,
        quantity=quantity,
        unit_price_cents=product.price_cents,
        pickup_day=TODAY + dt.timedelta(days=day),
        status=status,
        code=f"R{number:07d}",
        request_key=f"key-{number}",
        created_at=SUITE_NOW - dt.timedelta(hours=number),
        ready_at=SUITE_NOW if status == "ready" else None,
        ended_at=SUITE_NOW if ended else None,
    )


@pytest.fixture
def make_token(db):
    names = count(1)

    def make(scopes="reservations:write"):
        return api_client_create(name=f"till-{next(names)}", scopes=scopes)[1]

    return make


@pytest.fixture
def token(make_token):
    return make_token()


@pytest.fixture
def get(client, token):
    def send(path="/reservations/", *, bearer=None, **params):
        return client.get(
            f"/api/v1{path}",
            params,
            HTTP_AUTHORIZATION=f"Bearer {bearer or token}",
        )

    return send


@pytest.fixture
def collect(client, token):
    """collect(id) posts an empty body, as `curl -X POST` does; collect(id, {...})
    posts that JSON."""

    def send(reservation_id, body=None, *, bearer=None):
        extra = {"HTTP_AUTHORIZATION": f"Bearer {bearer or token}"}
        path = f"/api/v1/reservations/{reservation_id}/collected"
        data = "" if body is None else json.dumps(body)
        return client.post(path, data=data, content_type="application/json", **extra)

    return send


@pytest.fixture
def lyon(db):
    return StoreFactory(code="lyon-part-dieu", name="Lyon Part-Dieu")


@pytest.fixture
def paris(db):
    return StoreFactory(code="paris-bercy", name="Paris Bercy")


@pytest.fixture
def can(db):
    return ProductFactory(sku="ARR-010", name="Arrosoir 10 L", price_cents=1499)


@pytest.fixture
def member(db):
    """The shared fixtures' Camille, with a loyalty card: the tills see its number."""
    return MemberFactory(
        email="camille@example.com",
        display_name="Camille",
        slug="camille",
        loyalty_card_number="CARD1234",
    )


@pytest.fixture
def open_one(member, can, lyon):
    return reservation_in_state(member=member, product=can, store=lyon, quantity=2)


# --- who may call --------------------------------------------------------------


@pytest.mark.django_db
def test_without_a_token_both_endpoints_answer_401_in_words(client, open_one):
    listing = client.get("/api/v1/reservations/")
    collected = client.post(f"/api/v1/reservations/{open_one.pk}/collected")

    for response in (listing, collected):
        assert response.status_code == 401
        assert "Authorization" in response.json()["detail"]
    open_one.refresh_from_db()
    assert open_one.status == ReservationStatus.CONFIRMED


@pytest.mark.django_db
def test_a_token_without_the_scope_answers_403_and_collects_nothing(
    make_token, get, collect, open_one
):
    # given a till token that may push sales and the catalog, not reservations
    other = make_token("catalog:write,sales:write")

    listing = get(bearer=other)
    collected = collect(open_one.pk, bearer=other)

    for response in (listing, collected):
        assert response.status_code == 403
        assert "reservations:write" in response.json()["detail"]
    open_one.refresh_from_db()
    assert open_one.status == ReservationStatus.CONFIRMED


# --- the listing ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_reservation_carries_what_the_till_needs_and_never_the_email(
    get, member, can, lyon
):
    # given one reservation of a member with a loyalty card, one of a member without
    carded = reservation_in_state(
        member=member, product=can, store=lyon, quantity=2, day=1
    )
    no_card = MemberFactory(email="dominique@example.com", loyalty_card_number=None)
    reservation_in_state(member=no_card, product=can, store=lyon, day=2, status="ready")

    response = get(store="lyon-part-dieu")

    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    first, second = body["results"]
    assert first == {
        "id": carded.pk,
        "code": carded.code,
        "status": "confirmed",
        "store": "lyon-part-dieu",
        "sku": "ARR-010",
        "product_name": "Arrosoir 10 L",
        "quantity": 2,
        "unit_price_cents": 1499,
        "total_cents": 2998,
        "pickup_day": "2026-11-24",
        "customer_ref": "CARD1234",
        "credit_applied_cents": 0,
        "created_at": first["created_at"],
        "ready_at": None,
        "ended_at": None,
    }
    assert dt.datetime.fromisoformat(first["created_at"]) == carded.created_at
    assert second["status"] == "ready" and second["customer_ref"] is None
    assert second["ready_at"] is not None
    assert b"@example.com" not in response.content


@pytest.mark.django_db
def test_pages_of_a_store_and_status_follow_the_cursor_without_repeats(
    get, member, can, lyon, paris
):
    # given confirmed reservations at Lyon over several days, in shuffled order,
    # and others at Lyon in other states and at Paris
    days = [3, 0, 5, 0, 1, 3, 2, 0, 4, 1, 5, 2]
    wanted = [
        reservation_in_state(member=member, product=can, store=lyon, day=day)
        for day in days
    ]
    reservation_in_state(member=member, product=can, store=lyon, status="ready")
    reservation_in_state(member=member, product=can, store=lyon, status="collected")
    reservation_in_state(member=member, product=can, store=paris)
    expected = [r.pk for r in sorted(wanted, key=lambda r: (r.pickup_day, r.pk))]

    # when the till reads them five at a time
    seen, pages, after = [], 0, None
    while True:
        params = {"store": "lyon-part-dieu", "status": "confirmed", "limit": 5}
        if after:
            params["after"] = after
        body = get(**params).json()
        pages += 1
        assert len(body["results"]) <= 5
        seen += [row["id"] for row in body["results"]]
        assert {row["store"] for row in body["results"]} <= {"lyon-part-dieu"}
        assert {row["status"] for row in body["results"]} <= {"confirmed"}
        after = body["next"]
        if after is None:
            break
        assert pages < 10

    # then it got each one once, oldest pick-up day first
    assert pages == 3
    assert seen == expected


@pytest.mark.django_db
def test_without_filters_every_store_and_status_is_listed(
    get, member, can, lyon, paris
):
    here = reservation_in_state(
        member=member, product=can, store=lyon, status="cancelled"
    )
    there = reservation_in_state(member=member, product=can, store=paris, day=1)

    ids = [row["id"] for row in get().json()["results"]]

    assert ids == [here.pk, there.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params, words",
    [
        ({"store": "atlantis"}, "Unknown store code 'atlantis'"),
        ({"status": "lost"}, "Unknown status 'lost'"),
        ({"limit": 0}, "limit must be a whole number from 1 to 200"),
        ({"limit": 201}, "limit must be a whole number from 1 to 200"),
        ({"limit": "ten"}, "limit must be a whole number from 1 to 200"),
        ({"after": "not-a-cursor"}, "cursor `after` cannot be read"),
    ],
)
def test_bad_parameters_answer_400_in_words(get, open_one, params, words):
    response = get(**params)

    assert response.status_code == 400
    assert words in response.json()["detail"]


@pytest.mark.django_db
def test_fifty_by_default_and_a_page_costs_the_same_at_5_and_50(get, member, can, lyon):
    for day in range(60):
        reservation_in_state(member=member, product=can, store=lyon, day=day % 7)
    get(limit=1)  # the token's first use is recorded once, not on every call

    assert len(get().json()["results"]) == 50
    with CaptureQueriesContext(connection) as five:
        assert len(get(store="lyon-part-dieu", limit=5).json()["results"]) == 5
    with CaptureQueriesContext(connection) as fifty:
        assert len(get(store="lyon-part-dieu", limit=50).json()["results"]) == 50

    assert len(fifty) == len(five)


# --- collecting ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("body", [None, {}, {"sale_id": None}])
def test_the_till_collects_and_a_replay_changes_nothing(collect, open_one, body):
    first = collect(open_one.pk, body)

    assert first.status_code == 200
    assert first.json()["status"] == "collected"
    assert first.json()["id"] == open_one.pk
    assert first.json()["ended_at"] is not None
    open_one.refresh_from_db()
    assert open_one.status == ReservationStatus.COLLECTED
    assert open_one.collected_by is None  # the till, not a member of staff
    ended_at = open_one.ended_at

    again = collect(open_one.pk, body)

    assert again.status_code == 200
    assert again.json() == first.json()
    open_one.refresh_from_db()
    assert open_one.ended_at == ended_at


@pytest.mark.django_db
def test_a_ready_reservation_is_collected_too(collect, member, can, lyon):
    ready = reservation_in_state(member=member, product=can, store=lyon, status="ready")

    response = collect(ready.pk)

    assert response.status_code == 200
    assert response.json()["status"] == "collected"


def _push_sale(client, make_token, *, sale_id, sku="ARR-010", customer_ref=None):
    # Without customer_ref the sale names no member, so nothing collects the
    # reservation but the call under test.
    event = {
        "id": sale_id,
        "type": "sale",
        "sku": sku,
        "quantity": 2,
        "amount_cents": 2998,
        "store": "lyon-part-dieu",
        "channel": "store",
        "customer_ref": customer_ref,
        "occurred_at": "2026-11-23T10:15:00+01:00",
    }
    response = client.post(
        "/api/v1/sales/bulk",
        data=json.dumps({"events": [event]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {make_token('sales:write')}",
    )
    assert response.json()["created"] == 1, response.json()
    return SaleEvent.objects.get(external_id=str(sale_id))


@pytest.mark.django_db
@pytest.mark.parametrize("sale_id", ["T-1001", 1001])
def test_collecting_with_the_sale_links_it(
    client, make_token, collect, open_one, sale_id
):
    sale = _push_sale(client, make_token, sale_id=sale_id)

    response = collect(open_one.pk, {"sale_id": sale_id})

    assert response.status_code == 200
    open_one.refresh_from_db()
    assert open_one.status == ReservationStatus.COLLECTED
    assert open_one.sale_event == sale
    # a replay with the same sale answers the same and links nothing new
    assert collect(open_one.pk, {"sale_id": sale_id}).json() == response.json()
    assert Reservation.objects.filter(sale_event=sale).count() == 1


@pytest.mark.django_db
def test_a_sale_with_the_members_card_collected_it_so_the_call_after_is_a_replay(
    client, make_token, collect, open_one
):
    # given the till sent the sale with the reference the listing gave it
    sale = _push_sale(client, make_token, sale_id="T-5", customer_ref="CARD1234")
    open_one.refresh_from_db()
    assert open_one.status == ReservationStatus.COLLECTED
    ended_at = open_one.ended_at

    response = collect(open_one.pk, {"sale_id": "T-5"})

    assert response.status_code == 200
    assert response.json()["status"] == "collected"
    open_one.refresh_from_db()
    assert open_one.sale_event == sale
    assert open_one.ended_at == ended_at


@pytest.mark.django_db
def test_an_unknown_sale_id_is_400_and_collects_nothing(collect, open_one):
    response = collect(open_one.pk, {"sale_id": "T-404"})

    assert response.status_code == 400
    assert "Unknown sale id 'T-404'" in response.json()["detail"]
    open_one.refresh_from_db()
    assert open_one.status == ReservationStatus.CONFIRMED


@pytest.mark.django_db
def test_a_sale_of_another_product_is_400(client, make_token, collect, open_one):
    ProductFactory(sku="SEC-100", name="Sécateur")
    _push_sale(client, make_token, sale_id="T-2", sku="SEC-100")

    response = collect(open_one.pk, {"sale_id": "T-2"})

    assert response.status_code == 400
    assert "not of this reservation's product" in response.json()["detail"]
    open_one.refresh_from_db()
    assert open_one.status == ReservationStatus.CONFIRMED


@pytest.mark.django_db
def test_a_sale_already_linked_to_another_reservation_is_409(
    client, make_token, collect, member, can, lyon
):
    first = reservation_in_state(member=member, product=can, store=lyon)
    second = reservation_in_state(member=member, product=can, store=lyon)
    _push_sale(client, make_token, sale_id="T-3")
    assert collect(first.pk, {"sale_id": "T-3"}).status_code == 200

    response = collect(second.pk, {"sale_id": "T-3"})

    assert response.status_code == 409
    assert f"already linked to reservation {first.pk}" in response.json()["detail"]
    second.refresh_from_db()
    assert second.status == ReservationStatus.CONFIRMED


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["cancelled", "released"])
def test_a_cancelled_or_released_one_is_409_in_words(
    collect, member, can, lyon, status
):
    ended = reservation_in_state(member=member, product=can, store=lyon, status=status)

    response = collect(ended.pk)

    assert response.status_code == 409
    assert f"was {status}" in response.json()["detail"]
    ended.refresh_from_db()
    assert ended.status == status


def test_made_through_the_services_listed_then_collected_frees_its_units(
    get, collect, reservation, product, store
):
    # given Camille reserved 2 of the 5 on hand at the store
    assert free_units(product=product, store=store) == 3
    listed = get(store=store.code, status="confirmed").json()["results"]
    assert [row["code"] for row in listed] == [reservation.code]

    response = collect(reservation.pk)

    assert response.status_code == 200
    # the units are no longer held (the till's sale lowers the stock itself)
    assert free_units(product=product, store=store) == 5
    assert get(store=store.code, status="confirmed").json()["results"] == []


def test_cancelled_by_the_member_through_the_service_is_409(
    collect, reservation, member, product, store
):
    reservation_cancel(reservation=reservation, member=member)

    response = collect(reservation.pk)

    assert response.status_code == 409
    assert "was cancelled" in response.json()["detail"]
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CANCELLED
    assert free_units(product=product, store=store) == 5


@pytest.mark.django_db
@pytest.mark.parametrize("reservation_id", [987654, 2**70])
def test_an_unknown_id_is_404_in_words(collect, reservation_id):
    response = collect(reservation_id)

    assert response.status_code == 404
    assert response.json() == {"detail": f"No reservation with id {reservation_id}."}


@pytest.mark.django_db
def test_a_malformed_body_is_refused_with_a_detail(collect, open_one):
    response = collect(open_one.pk, {"sale_id": {"nested": 1}})

    assert response.status_code == 422
    assert "sale_id" in response.json()["detail"]
    open_one.refresh_from_db()
    assert open_one.status == ReservationStatus.CONFIRMED


# --- docs ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_docs_render_and_describe_both_endpoints(client):
    assert client.get("/api/v1/docs").status_code == 200

    schema = client.get("/api/v1/openapi.json").json()

    listing = schema["paths"]["/api/v1/reservations/"]["get"]
    collected = schema["paths"]["/api/v1/reservations/{reservation_id}/collected"]
    collected = collected["post"]
    for operation in (listing, collected):
        assert operation["summary"] and operation["description"]
        assert operation["security"]
        assert operation["tags"] == ["reservations"]
    params = {p["name"]: p for p in listing["parameters"]}
    assert set(params) == {"store", "status", "after", "limit"}
    assert params["limit"]["schema"]["maximum"] == 200
    assert "released" in params["status"]["schema"]["enum"]
    assert {"200", "404", "409"} <= set(collected["responses"])
