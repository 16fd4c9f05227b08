"""The daily pass (`manage.py reservations_refresh`): reservations not collected
in time are released and their members told, tomorrow's are reminded; twice, or
twice at once, does it once."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from community.notifications.models import Notification
from marketplace.reservations.models import (
    Reservation,
    ReservationsSettings,
    ReservationStatus,
)
from marketplace.reservations.selectors import free_units, pickup_code_display
from marketplace.reservations.services import (
    ReservationRefused,
    reservation_cancel,
    reservation_collect,
    reservation_mark_ready,
    reservations_refresh,
)
from tests.community.reviews.conftest import with_retry
from tests.factories import MemberFactory

from .conftest import NOW, make_reservation, stock_set
from .test_last_unit_race import run_at_once

# The reservation fixture's pick-up day is Tuesday 24 November; with 2 days of
# grace it may be collected until Thursday 26, and is released from Friday 27.
THURSDAY_NIGHT = dt.datetime(2026, 11, 26, 22, 30, tzinfo=dt.UTC)  # 23:30 in Paris
FRIDAY_NIGHT = dt.datetime(2026, 11, 26, 23, 30, tzinfo=dt.UTC)  # 00:30 in Paris


def kinds(kind: str) -> int:
    return Notification.objects.filter(kind=kind).count()


@pytest.mark.django_db
def test_not_collected_by_the_end_of_the_grace_days_is_released(
    reservation, member, product, store, django_capture_on_commit_callbacks
):
    # on Thursday evening it still waits
    assert reservations_refresh(now=THURSDAY_NIGHT)["released"] == 0
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CONFIRMED

    # once Friday has begun in Paris it is released
    with django_capture_on_commit_callbacks(execute=True):
        counts = reservations_refresh(now=FRIDAY_NIGHT)

    assert counts["released"] == 1
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.RELEASED
    assert reservation.ended_at == FRIDAY_NIGHT
    assert free_units(product=product, store=store) == 5
    [note] = Notification.objects.filter(recipient=member, kind="reservation_released")
    assert note.title == "Your reservation at Lyon Part-Dieu was released"
    [email] = mail.outbox
    assert email.to == [member.email]
    assert "was not collected by Thursday 26 November 2026" in email.body


@pytest.mark.django_db
def test_ready_ones_are_released_too_but_never_ended_ones(
    member, other_member, product, store, staff
):
    ready = make_reservation(member=member, product=product, store=store)
    reservation_mark_ready(reservation=ready, by=staff)
    collected = make_reservation(member=member, product=product, store=store)
    reservation_collect(reservation=collected, by=staff, code=collected.code)
    cancelled = make_reservation(member=other_member, product=product, store=store)
    reservation_cancel(reservation=cancelled, member=other_member)

    assert reservations_refresh(now=FRIDAY_NIGHT)["released"] == 1

    statuses = dict(Reservation.objects.values_list("pk", "status"))
    assert statuses == {
        ready.pk: ReservationStatus.RELEASED,
        collected.pk: ReservationStatus.COLLECTED,
        cancelled.pk: ReservationStatus.CANCELLED,
    }


@pytest.mark.django_db
def test_the_grace_days_follow_the_settings(reservation):
    rules = ReservationsSettings.load()
    rules.grace_days = 0
    rules.save()
    # Tuesday's pick-up, no grace: released from Wednesday
    wednesday = dt.datetime(2026, 11, 25, 6, 0, tzinfo=dt.UTC)
    assert reservations_refresh(now=wednesday)["released"] == 1


@pytest.mark.django_db
def test_the_day_before_the_member_is_reminded_once(
    reservation, member, product, store, django_capture_on_commit_callbacks
):
    # given one for Tuesday (tomorrow) and one for Wednesday
    wednesday = make_reservation(
        member=member, product=product, store=store, pickup_day=dt.date(2026, 11, 25)
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = reservations_refresh(now=NOW)
        second = reservations_refresh(now=NOW + dt.timedelta(hours=2))

    assert (first["reminded"], second["reminded"]) == (1, 0)
    reservation.refresh_from_db()
    wednesday.refresh_from_db()
    assert reservation.reminded_at == NOW and wednesday.reminded_at is None
    [note] = Notification.objects.filter(kind="reservation_reminder")
    assert note.title == "Tomorrow: your reservation at Lyon Part-Dieu"
    [email] = mail.outbox
    assert pickup_code_display(reservation.code) in email.body
    assert "Tuesday 24 November 2026" in email.body


@pytest.mark.django_db
def test_a_cancelled_one_is_not_reminded(reservation, member):
    reservation_cancel(reservation=reservation, member=member)
    assert reservations_refresh(now=NOW)["reminded"] == 0


@pytest.mark.django_db
def test_running_twice_releases_and_tells_once(
    reservation, other_member, product, store
):
    make_reservation(member=other_member, product=product, store=store)

    first = reservations_refresh(now=FRIDAY_NIGHT)
    second = reservations_refresh(now=FRIDAY_NIGHT + dt.timedelta(hours=1))

    assert first == {"released": 2, "reminded": 0}
    assert second == {"released": 0, "reminded": 0}
    assert kinds("reservation_released") == 2


@pytest.mark.django_db
def test_three_lapses_pause_the_member(member, product, store):
    # given three reservations Camille let lapse, released by the daily pass
    stock_set(product, store, 20)
    for _ in range(3):
        make_reservation(member=member, product=product, store=store)
    assert reservations_refresh(now=FRIDAY_NIGHT)["released"] == 3

    # then on Saturday she cannot reserve until 30 days after
    saturday = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)
    with pytest.raises(ReservationRefused) as caught:
        make_reservation(
            member=member,
            product=product,
            store=store,
            pickup_day=dt.date(2026, 11, 30),
            now=saturday,
        )
    assert caught.value.messages == [
        "You let 3 reservations lapse recently: you can reserve again from 27 December."
    ]


@pytest.mark.django_db
def test_the_command_prints_its_counts(reservation):
    out = io.StringIO()
    call_command("reservations_refresh", "--now", "2026-11-27T08:00", stdout=out)
    assert "1 released, 0 reminded." in out.getvalue()
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.RELEASED


@pytest.mark.django_db
def test_the_command_refuses_a_moment_it_cannot_read():
    with pytest.raises(CommandError, match="Write --now as an ISO date and time"):
        call_command("reservations_refresh", "--now", "friday")


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_release_and_remind_each_once(product, store):
    # given 8 reservations past their day and 4 for tomorrow, 12 members
    ReservationsSettings.load()
    stock_set(product, store, 50)
    members = [MemberFactory() for _ in range(12)]
    for member in members[:8]:
        make_reservation(member=member, product=product, store=store)
    friday = dt.datetime(2026, 11, 27, 7, 0, tzinfo=dt.UTC)
    for member in members[8:]:
        make_reservation(
            member=member,
            product=product,
            store=store,
            pickup_day=dt.date(2026, 11, 28),
            now=NOW,
        )
    counts = []

    def run():
        counts.append(with_retry(lambda: reservations_refresh(now=friday)))

    # when the daily job starts twice at the same moment
    failures = run_at_once([run, run])

    # then each reservation was released, or reminded, by one of them only (a
    # run SQLite turned away half-way is run again by `with_retry`: what it had
    # committed stays done, so its counts are the rest's)
    assert failures == []
    assert sum(c["released"] for c in counts) <= 8
    assert sum(c["reminded"] for c in counts) <= 4
    assert kinds("reservation_released") == 8
    assert kinds("reservation_reminder") == 4
    assert Reservation.objects.filter(status=ReservationStatus.RELEASED).count() == 8
