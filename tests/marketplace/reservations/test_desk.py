"""Reservations at the store's hand-off desk: the lists of the day, the shortfall,
the code box, a reservation's admin page (mark ready, collect by code); and
nothing of another store's."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.notifications.models import Notification
from marketplace.reservations.models import Reservation, ReservationStatus
from marketplace.reservations.selectors import pickup_code_display
from marketplace.reservations.services import reservation_cancel
from tests.factories import MemberFactory

from .conftest import NEXT_OPEN_DAY, NOW, TODAY, make_reservation, stock_set

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(staff):
    return client_for(staff)


@pytest.fixture
def other_staff_client(other_staff):
    return client_for(other_staff)


def desk(store, day=None) -> str:
    url = reverse("catalog_desk:store", kwargs={"code": store.code})
    return f"{url}?day={day.isoformat()}" if day else url


def page(reservation, action="detail") -> str:
    return reverse(f"reservations_admin:{action}", args=[reservation.pk])


def find(client, store, code):
    return client.post(
        reverse("catalog_desk:find", kwargs={"code": store.code}), {"code": code}
    )


def messages_of(response) -> list[str]:
    """The messages this request added (not those still waiting from before)."""
    return [str(m) for m in response.wsgi_request._messages._queued_messages]


def text(response) -> str:
    return response.content.decode()


def section(html: str, heading: str) -> str:
    """The part of the desk under one heading, up to the next."""
    start = html.index(heading)
    ends = [
        html.find(other, start + 1)
        for other in ("To prepare", "Ready for pick-up", "Coming days", "</main>")
        if html.find(other, start + 1) != -1
    ]
    return html[start : min(ends)] if ends else html[start:]


# --- The desk's lists ----------------------------------------------------------


def test_the_desk_lists_what_to_prepare_what_is_ready_and_the_coming_days(
    staff_client, staff, member, other_member, product, store
):
    # given one for today, one ready, and one for tomorrow
    today = make_reservation(
        member=member, product=product, store=store, pickup_day=TODAY
    )
    ready = make_reservation(member=other_member, product=product, store=store)
    staff_client.post(page(ready, "ready"))
    later = make_reservation(member=member, product=product, store=store, quantity=2)

    # when staff open today's desk
    html = text(staff_client.get(desk(store)))

    # then each is where it belongs, with code, member, product, quantity, day
    to_prepare = section(html, "To prepare")
    assert pickup_code_display(today.code) in to_prepare
    assert "Camille" in to_prepare and "Arrosoir galvanisé 10 L" in to_prepare
    assert "Mark ready" in to_prepare
    assert pickup_code_display(ready.code) in section(html, "Ready for pick-up")
    assert "Dominique" in section(html, "Ready for pick-up")
    coming = section(html, "Coming days")
    assert pickup_code_display(later.code) in coming
    assert "Tue 24 Nov" in coming
    assert pickup_code_display(later.code) not in to_prepare


def test_an_overdue_one_is_still_to_prepare(staff_client, reservation, store):
    # the next open day's desk shows it; the day after, it is overdue
    day_after = NEXT_OPEN_DAY + dt.timedelta(days=1)

    on_its_day = section(
        text(staff_client.get(desk(store, NEXT_OPEN_DAY))), "To prepare"
    )
    late = section(text(staff_client.get(desk(store, day_after))), "To prepare")

    assert pickup_code_display(reservation.code) in on_its_day
    assert "overdue" not in on_its_day
    assert pickup_code_display(reservation.code) in late and "overdue" in late


def test_a_cancelled_one_leaves_the_desk(staff_client, reservation, member, store):
    reservation_cancel(reservation=reservation, member=member)

    html = text(staff_client.get(desk(store, NEXT_OPEN_DAY)))

    assert pickup_code_display(reservation.code) not in html


def test_a_stock_update_below_what_is_reserved_shows_the_shortfall(
    staff_client, member, product, store
):
    make_reservation(member=member, product=product, store=store, quantity=2)
    assert "1 on the shelf" not in text(staff_client.get(desk(store)))

    # when the till's stock says only 1 is left
    stock_set(product, store, 1)

    html = text(staff_client.get(desk(store)))
    assert "Arrosoir galvanisé 10 L (ARR-0042): 2 reserved, 1 on the shelf." in html


def test_another_stores_reservations_are_not_on_this_desk(
    staff_client, other_member, product, other_store, store
):
    theirs = make_reservation(member=other_member, product=product, store=other_store)

    html = text(staff_client.get(desk(store, NEXT_OPEN_DAY)))

    assert pickup_code_display(theirs.code) not in html


def test_the_desk_costs_the_same_queries_with_3_or_20_open_reservations(
    staff_client, product, store
):
    stock_set(product, store, 100)

    def reservations(n):
        for k in range(n):
            buyer = MemberFactory(email=f"buyer{k}@example.com")
            made = make_reservation(
                member=buyer,
                product=product,
                store=store,
                pickup_day=TODAY if k % 2 else NEXT_OPEN_DAY,
            )
            if k % 3 == 0:
                Reservation.objects.filter(pk=made.pk).update(
                    status=ReservationStatus.READY
                )

    def queries():
        staff_client.get(desk(store))  # sessions and caches warm
        with CaptureQueriesContext(connection) as captured:
            response = staff_client.get(desk(store))
        assert response.status_code == 200
        return len(captured)

    # three: one in each list (an empty list costs no query)
    reservations(3)
    few = queries()
    reservations(17)
    many = queries()

    assert Reservation.objects.filter(store=store).count() == 20
    assert few == many


def test_a_busy_desk_shows_its_lists_by_pages_of_50_and_counts_them_all(
    staff_client, product, store
):
    # given 55 reservations to prepare for the next open day
    stock_set(product, store, 100)
    Reservation.objects.bulk_create(
        Reservation(
            member=MemberFactory(email=f"busy{k}@example.com"),
            product=product,
            store=store,
            quantity=1,
            unit_price_cents=product.price_cents,
            pickup_day=NEXT_OPEN_DAY,
            code=f"BUSY{k:04d}",
            created_at=NOW,
            status=ReservationStatus.CONFIRMED,
        )
        for k in range(55)
    )

    # when staff open the desk on that day, then the second page of the list
    first = text(staff_client.get(desk(store, NEXT_OPEN_DAY)))
    second = text(staff_client.get(f"{desk(store, NEXT_OPEN_DAY)}&to_prepare_page=2"))

    # then the heading counts all 55, each page shows its part, the day is kept
    prepare = section(first, "To prepare")
    assert '<span class="w-status">55</span>' in prepare
    assert prepare.count('class="desk-reservation"') == 50
    assert "Page 1 of 2" in prepare
    assert f"day={NEXT_OPEN_DAY.isoformat()}&amp;to_prepare_page=2" in prepare
    assert section(second, "To prepare").count('class="desk-reservation"') == 5


# --- The code box --------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: f"  {code[:4].lower()} - {code[4:].lower()} ",
        lambda code: code.lower(),
        lambda code: f"https://comptoir.example/me/reservations/{code}/",
        lambda code: f"http://testserver/me/reservations/{code[:4]}-{code[4:]}",
    ],
    ids=["lower-case-spaces", "lower-case", "qr-url", "url-grouped"],
)
def test_a_members_code_leads_to_the_reservation(
    staff_client, reservation, store, typed
):
    response = find(staff_client, store, typed(reservation.code))

    assert response.status_code == 302
    assert response["Location"] == page(reservation)


def test_an_unknown_code_is_told(staff_client, store, reservation):
    response = find(staff_client, store, "zzzz-zzzz")

    assert response["Location"] == desk(store)
    assert messages_of(response) == ["No hand-off with code ZZZZ-ZZZZ at this store."]


def test_another_stores_code_is_not_found_here(
    staff, staff_client, other_member, product, store, other_store
):
    theirs = make_reservation(member=other_member, product=product, store=other_store)
    other_store.staff.add(staff)  # even for who works both desks

    response = find(staff_client, store, theirs.code)

    assert response["Location"] == desk(store)
    assert messages_of(response) == [
        f"No hand-off with code {theirs.code} at this store."
    ]


# --- The reservation's admin page ----------------------------------------------


def test_the_page_shows_the_reservation_and_the_members_credit(
    staff_client, reservation
):
    html = text(staff_client.get(page(reservation)))

    assert pickup_code_display(reservation.code) in html
    assert "Camille" in html and "Arrosoir galvanisé 10 L" in html
    assert "2 × €24.90 = €49.80" in html
    assert 'id="desk-credit-available">€0.00<' in html
    assert "Mark ready" in html and "Confirm the hand-over" in html


def test_mark_ready_from_the_desk_tells_the_member(
    staff_client, reservation, member, store, django_capture_on_commit_callbacks
):
    back = desk(store, NEXT_OPEN_DAY)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(page(reservation, "ready"), {"next": back})

    assert response.status_code == 302 and response["Location"] == back
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.READY
    [note] = Notification.objects.filter(recipient=member, kind="reservation_ready")
    assert "ready at Lyon Part-Dieu" in note.title
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "ready at Lyon Part-Dieu" in mail.outbox[0].subject
    assert messages_of(response) == [
        f"{pickup_code_display(reservation.code)} is ready: Camille is told."
    ]
    # and it now waits in "Ready for pick-up"
    html = text(staff_client.get(back))
    assert pickup_code_display(reservation.code) in section(html, "Ready for pick-up")


def test_mark_ready_never_leaves_the_site(staff_client, reservation):
    response = staff_client.post(
        page(reservation, "ready"), {"next": "https://evil.example/"}
    )

    assert response["Location"] == page(reservation)


def test_collect_with_the_members_code(staff_client, staff, reservation):
    code = f"{reservation.code[:4].lower()} {reservation.code[4:].lower()}"

    response = staff_client.post(page(reservation, "collect"), {"code": code})

    assert response["Location"] == page(reservation)
    assert messages_of(response) == [
        "Handed over: 2 × Arrosoir galvanisé 10 L to Camille."
    ]
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.COLLECTED
    assert reservation.collected_by == staff
    html = text(staff_client.get(page(reservation)))
    assert "Collected on" in html and "Confirm the hand-over" not in html


def test_a_wrong_code_is_refused_in_words(staff_client, reservation):
    response = staff_client.post(page(reservation, "collect"), {"code": "ABCD-EFGH"})

    assert response.status_code == 302
    assert messages_of(response) == [
        "The code ABCD-EFGH is not this reservation's: check it with the member."
    ]
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CONFIRMED


def test_an_empty_code_is_asked_for(staff_client, reservation):
    response = staff_client.post(page(reservation, "collect"), {"code": ""})

    assert messages_of(response) == ["Type the member's pick-up code."]


def test_a_code_used_again_says_when_it_was_collected(staff_client, reservation):
    staff_client.post(page(reservation, "collect"), {"code": reservation.code})

    again = staff_client.post(page(reservation, "collect"), {"code": reservation.code})

    assert again.status_code == 302
    assert messages_of(again) == [
        "This reservation was already collected on Nov. 23, 2026."
    ]
    assert Reservation.objects.get(pk=reservation.pk).status == "collected"


def test_a_cancelled_one_cannot_be_handed_over(staff_client, reservation, member):
    reservation_cancel(reservation=reservation, member=member)

    html = text(staff_client.get(page(reservation)))
    response = staff_client.post(
        page(reservation, "collect"), {"code": reservation.code}
    )
    ready = staff_client.post(page(reservation, "ready"))

    assert "Cancelled by the member" in html and "Confirm the hand-over" not in html
    assert response.status_code == ready.status_code == 302
    assert messages_of(response) and "cancelled" in messages_of(response)[0]
    assert "cancelled" in messages_of(ready)[0]


# --- Privacy -------------------------------------------------------------------


def test_another_stores_staff_get_404_on_its_desk_pages_and_posts(
    other_staff_client, reservation, store, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        responses = [
            other_staff_client.get(desk(store)),
            other_staff_client.get(page(reservation)),
            other_staff_client.post(page(reservation, "ready")),
            other_staff_client.post(
                page(reservation, "collect"), {"code": reservation.code}
            ),
            other_staff_client.post(
                page(reservation, "credit"), {"amount": "1.00", "request_key": "k"}
            ),
            find(other_staff_client, store, reservation.code),
        ]

    assert [r.status_code for r in responses] == [404] * 6
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CONFIRMED
    assert mail.outbox == []


def test_members_get_no_desk(member, reservation, store):
    member_client = client_for(member)

    responses = [
        member_client.get(desk(store)),
        member_client.get(page(reservation)),
        member_client.post(page(reservation, "collect"), {"code": reservation.code}),
    ]

    assert all(r.status_code == 302 and "/login/" in r["Location"] for r in responses)
    assert Reservation.objects.get(pk=reservation.pk).status == "confirmed"


def test_an_unknown_reservation_is_not_found(staff_client):
    assert staff_client.get("/admin/reservations/999999/").status_code == 404


def test_a_superuser_works_every_stores_reservations(reservation):
    boss = MemberFactory(email="boss@example.com", is_superuser=True, is_staff=True)

    response = client_for(boss).get(page(reservation))

    assert response.status_code == 200
