"""Two members reserving the last unit at once: one gets it, the other a clear
answer with the stores that still have it (SQLite and PostgreSQL: run once with
DATABASE_URL=postgres://…)."""

import threading

import pytest
from django.db import connections

from marketplace.reservations.models import Reservation, ReservationsSettings
from marketplace.reservations.selectors import free_units
from marketplace.reservations.services import ReservationRefused, reservation_make
from tests.community.reviews.conftest import with_retry
from tests.factories import MemberFactory

from .conftest import NEXT_OPEN_DAY, NOW, stock_set


def run_at_once(actions):
    """Start every action on its own thread at the same moment; the errors."""
    barrier = threading.Barrier(len(actions))
    failures = []

    def run(action):
        try:
            barrier.wait()
            action()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def reserve(member, product, store, quantity=1):
    def action():
        with_retry(
            lambda: reservation_make(
                member=member,
                product=product,
                store=store,
                quantity=quantity,
                pickup_day=NEXT_OPEN_DAY,
                request_key=f"race-{member.pk}",
                now=NOW,
            )
        )

    return action


@pytest.mark.django_db(transaction=True)
def test_two_members_reserving_the_last_unit_at_once(
    member, other_member, product, store, other_store
):
    # given one unit left free at Lyon (Nantes has 3)
    ReservationsSettings.load()  # the rules' row exists before the threads read it
    stock_set(product, store, 1)

    # when Camille and Dominique reserve it at the same moment
    failures = run_at_once(
        [reserve(member, product, store), reserve(other_member, product, store)]
    )

    # then exactly one holds it, and the other is told where else to go
    assert Reservation.objects.filter(store=store).count() == 1
    [refused] = failures
    assert isinstance(refused, ReservationRefused)
    assert refused.messages == [
        "None left free at Lyon Part-Dieu: choose another store."
    ]
    assert [(s.name, s.quantity) for s in refused.other_stores] == [
        ("Nantes Centre", 3)
    ]
    assert free_units(product=product, store=store) == 0


@pytest.mark.django_db(transaction=True)
def test_a_crowd_never_reserves_more_than_the_shelf_holds(product, store):
    # given 5 on hand at Lyon and 12 members asking for 1 or 2 each at once
    ReservationsSettings.load()
    members = [MemberFactory() for _ in range(12)]

    failures = run_at_once(
        [
            reserve(member, product, store, quantity=1 + n % 2)
            for n, member in enumerate(members)
        ]
    )

    # then what is reserved never exceeds the 5, and every refusal is in words
    reserved = sum(
        Reservation.objects.filter(store=store).values_list("quantity", flat=True)
    )
    assert reserved <= 5
    assert reserved >= 4  # a refusal only when too few were left for its ask
    assert failures and all(isinstance(f, ReservationRefused) for f in failures)
    assert all("left free at Lyon Part-Dieu" in str(f) for f in failures)
    assert free_units(product=product, store=store) == 5 - reserved
