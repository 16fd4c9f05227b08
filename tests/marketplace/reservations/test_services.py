"""The rules of reservations (services.py): making one, every move of its status,
the limits and what bad input is answered."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from community.notifications.models import Notification
from marketplace.reservations.models import (
    ALLOWED_MOVES,
    Reservation,
    ReservationsSettings,
    ReservationStatus,
)
from marketplace.reservations.selectors import (
    CODE_ALPHABET,
    member_paused_until,
    pickup_code_display,
)
from marketplace.reservations.services import (
    ReservationRefused,
    reservation_cancel,
    reservation_collect,
    reservation_credit_apply,
    reservation_make,
    reservation_mark_ready,
)
from tests.factories import ProductFactory, StoreFactory

from .conftest import (
    NEXT_OPEN_DAY,
    NOW,
    SUNDAY,
    TODAY,
    make_reservation,
    request_key,
    stock_set,
)

pytestmark = pytest.mark.django_db


def refusal(**kwargs) -> ReservationRefused:
    with pytest.raises(ReservationRefused) as caught:
        make_reservation(**kwargs)
    return caught.value


def message(error: ValidationError) -> str:
    return " ".join(error.messages)


def rules(**changes) -> None:
    settings = ReservationsSettings.load()
    for name, value in changes.items():
        setattr(settings, name, value)
    settings.save()


# --- Making one -------------------------------------------------------------------


def test_a_reservation_is_confirmed_with_a_code_and_told_in_app_and_by_email(
    member, product, store, django_capture_on_commit_callbacks
):
    # when Camille reserves 2 watering cans for Tuesday
    with django_capture_on_commit_callbacks(execute=True):
        reservation = make_reservation(
            member=member, product=product, store=store, quantity=2
        )

    # then it is confirmed at today's price, with a code easy to read out
    assert reservation.status == ReservationStatus.CONFIRMED
    assert (reservation.quantity, reservation.unit_price_cents) == (2, 2490)
    assert reservation.created_at == NOW
    assert len(reservation.code) == 8
    assert set(reservation.code) <= set(CODE_ALPHABET)
    assert not set(reservation.code) & set("01IO")
    shown = pickup_code_display(reservation.code)
    assert shown == f"{reservation.code[:4]}-{reservation.code[4:]}"
    # and she is told in the app and by e-mail, with all she needs to collect it
    [note] = Notification.objects.filter(recipient=member)
    assert note.kind == "reservation_confirmed"
    assert note.title == "Your reservation at Lyon Part-Dieu is confirmed"
    [email] = mail.outbox
    assert email.to == ["camille@example.com"]
    for needed in (
        shown,
        "2 × Arrosoir galvanisé 10 L",
        "€49.80",
        "Tuesday 24 November 2026",
        "17 rue du Docteur Bouchut, 69003 Lyon",
        "Lun–Sam 9h–20h",
    ):
        assert needed in email.body
    # in the "trades" category: its unsubscribe link turns off just those
    assert "Reservations and resale messages" in email.body


def test_codes_differ_between_reservations(member, product, store):
    codes = {
        make_reservation(member=member, product=product, store=store).code
        for _ in range(5)
    }
    assert len(codes) == 5


def test_the_same_form_posted_twice_makes_one_reservation(member, product, store):
    key = request_key()

    def post():
        return reservation_make(
            member=member,
            product=product,
            store=store,
            quantity=2,
            pickup_day=NEXT_OPEN_DAY,
            request_key=key,
            now=NOW,
        )

    first, second = post(), post()

    assert first.pk == second.pk
    assert Reservation.objects.count() == 1
    assert Notification.objects.filter(kind="reservation_confirmed").count() == 1


def test_the_same_key_of_another_member_is_their_own(
    member, other_member, product, store
):
    key = request_key()
    for who in (member, other_member):
        reservation_make(
            member=who,
            product=product,
            store=store,
            quantity=1,
            pickup_day=NEXT_OPEN_DAY,
            request_key=key,
            now=NOW,
        )
    assert Reservation.objects.count() == 2


def test_today_may_be_the_pick_up_day_when_the_store_is_open(member, product, store):
    reservation = make_reservation(
        member=member, product=product, store=store, pickup_day=TODAY
    )
    assert reservation.pickup_day == TODAY


def test_today_is_the_local_day_in_paris(member, product, store):
    # 23:30 UTC on Monday is already Tuesday in Paris: Monday has passed there.
    late = dt.datetime(2026, 11, 23, 23, 30, tzinfo=dt.UTC)
    error = refusal(
        member=member, product=product, store=store, pickup_day=TODAY, now=late
    )
    assert message(error) == "That day has passed: choose today or a later day."


# --- Bad input --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "words"),
    [
        (0, "Choose from 1 to 10 units."),
        (-1, "Choose from 1 to 10 units."),
        (11, "Choose from 1 to 10 units."),
        (1000, "Choose from 1 to 10 units."),
        ("2", "Choose from 1 to 10 units."),
        (None, "Choose from 1 to 10 units."),
    ],
)
def test_a_quantity_out_of_bounds_is_refused(member, product, store, quantity, words):
    error = refusal(member=member, product=product, store=store, quantity=quantity)
    assert error.message_dict == {"quantity": [words]}
    assert not Reservation.objects.exists()


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (
            TODAY - dt.timedelta(days=1),
            "That day has passed: choose today or a later day.",
        ),
        (SUNDAY, "Lyon Part-Dieu is closed on Sundays: choose another day."),
        (
            TODAY + dt.timedelta(days=15),
            "Choose a pick-up day within the next 14 days, by 7 December.",
        ),
    ],
)
def test_a_pick_up_day_that_cannot_be_is_refused(member, product, store, day, words):
    error = refusal(member=member, product=product, store=store, pickup_day=day)
    assert error.message_dict == {"pickup_day": [words]}
    assert not Reservation.objects.exists()


def test_the_last_day_ahead_is_allowed(member, product, store):
    # Monday 7 December, 14 days from today
    day = TODAY + dt.timedelta(days=14)
    assert make_reservation(member=member, product=product, store=store, pickup_day=day)


def test_a_store_closed_on_mondays_says_so(member, product):
    garden = StoreFactory(code="annecy", name="Annecy", opening_days="234567")
    stock_set(product, garden, 4)
    error = refusal(member=member, product=product, store=garden, pickup_day=TODAY)
    assert message(error) == "Annecy is closed on Mondays: choose another day."


def test_a_product_the_store_does_not_sell_is_refused_with_the_stores_that_do(
    member, product, other_store
):
    # given a store that never held the product
    village = StoreFactory(code="village", name="Villeurbanne")
    error = refusal(member=member, product=product, store=village, quantity=2)
    assert error.message_dict == {
        "store": ["Villeurbanne does not sell this product: choose another store."]
    }
    assert [s.name for s in error.other_stores] == ["Lyon Part-Dieu", "Nantes Centre"]


def test_an_inactive_product_cannot_be_reserved(member, product, store):
    product.active = False
    product.save(update_fields=["active"])
    error = refusal(member=member, product=product, store=store)
    assert message(error) == "This product is no longer sold: it cannot be reserved."


def test_an_empty_form_key_is_refused(member, product, store):
    with pytest.raises(ReservationRefused, match="This form has expired"):
        reservation_make(
            member=member,
            product=product,
            store=store,
            quantity=1,
            pickup_day=NEXT_OPEN_DAY,
            request_key="",
            now=NOW,
        )


# --- Stock ------------------------------------------------------------------------


def test_more_than_is_free_is_refused_with_the_stores_that_have_enough(
    member, other_member, product, store, other_store, reservation
):
    # given 5 on hand at Lyon, 2 of them reserved: 3 free; Nantes has 3
    error = refusal(member=other_member, product=product, store=store, quantity=4)

    assert error.message_dict == {
        "quantity": ["Only 3 left free at Lyon Part-Dieu: choose 3, or another store."]
    }
    assert error.other_stores == []
    # six fit nowhere, until Nantes has six
    error = refusal(member=other_member, product=product, store=store, quantity=6)
    assert error.other_stores == []
    stock_set(product, other_store, 6)
    error = refusal(member=other_member, product=product, store=store, quantity=6)
    assert [(s.name, s.quantity) for s in error.other_stores] == [("Nantes Centre", 6)]


def test_one_left_says_one(member, other_member, product, store):
    make_reservation(member=member, product=product, store=store, quantity=4)
    error = refusal(member=other_member, product=product, store=store, quantity=2)
    assert message(error) == (
        "Only 1 left free at Lyon Part-Dieu: choose 1, or another store."
    )


def test_none_left_offers_other_stores(member, other_member, product, store):
    make_reservation(member=member, product=product, store=store, quantity=5)
    error = refusal(member=other_member, product=product, store=store, quantity=1)
    assert message(error) == "None left free at Lyon Part-Dieu: choose another store."
    assert [s.code for s in error.other_stores] == ["nantes-centre"]


def test_the_whole_free_stock_may_be_reserved(member, product, store):
    reservation = make_reservation(
        member=member, product=product, store=store, quantity=5
    )
    assert reservation.quantity == 5


# --- Limits -----------------------------------------------------------------------


def test_at_most_five_open_reservations_then_one_more_once_one_ends(
    member, product, store
):
    stock_set(product, store, 100)
    made = [
        make_reservation(member=member, product=product, store=store) for _ in range(5)
    ]

    error = refusal(member=member, product=product, store=store)
    assert message(error) == (
        "You already have 5 reservations open: collect or cancel one first."
    )

    reservation_cancel(reservation=made[0], member=member)
    assert make_reservation(member=member, product=product, store=store)


def test_the_limits_follow_the_settings(member, product, store):
    stock_set(product, store, 100)
    rules(max_open_per_member=2, max_units_per_line=3)

    error = refusal(member=member, product=product, store=store, quantity=4)
    assert error.message_dict == {"quantity": ["Choose from 1 to 3 units."]}
    make_reservation(member=member, product=product, store=store, quantity=3)
    make_reservation(member=member, product=product, store=store, quantity=3)
    error = refusal(member=member, product=product, store=store)
    assert message(error) == (
        "You already have 2 reservations open: collect or cancel one first."
    )


def test_days_ahead_follow_the_settings(member, product, store):
    rules(days_ahead=3)
    error = refusal(
        member=member,
        product=product,
        store=store,
        pickup_day=TODAY + dt.timedelta(days=4),
    )
    assert message(error) == (
        "Choose a pick-up day within the next 3 days, by 26 November."
    )


# --- Lapses -----------------------------------------------------------------------


def lapsed(member, product, store, *, days_ago: int) -> Reservation:
    reservation = make_reservation(member=member, product=product, store=store)
    Reservation.objects.filter(pk=reservation.pk).update(
        status=ReservationStatus.RELEASED,
        ended_at=NOW - dt.timedelta(days=days_ago),
    )
    return reservation


def test_three_lapses_in_ninety_days_pause_the_member(member, product, store):
    # given three reservations released 60, 20 and 2 days ago (last: 21 November)
    for days_ago in (60, 20, 2):
        lapsed(member, product, store, days_ago=days_ago)

    # then reserving waits until 30 days after the latest
    error = refusal(member=member, product=product, store=store)
    assert message(error) == (
        "You let 3 reservations lapse recently: you can reserve again from 21 December."
    )
    assert member_paused_until(member=member, today=TODAY) == dt.date(2026, 12, 21)
    # and that day they may
    then = dt.datetime(2026, 12, 21, 9, 0, tzinfo=dt.UTC)
    assert make_reservation(
        member=member,
        product=product,
        store=store,
        pickup_day=dt.date(2026, 12, 22),
        now=then,
    )


def test_two_lapses_or_old_ones_do_not_pause(member, product, store):
    lapsed(member, product, store, days_ago=2)
    lapsed(member, product, store, days_ago=3)
    lapsed(member, product, store, days_ago=95)  # outside the 90-day window
    assert member_paused_until(member=member, today=TODAY) is None
    assert make_reservation(member=member, product=product, store=store)


def test_cancelled_ones_are_no_lapses(member, product, store):
    for _ in range(3):
        reservation = make_reservation(member=member, product=product, store=store)
        reservation_cancel(reservation=reservation, member=member)
    assert member_paused_until(member=member, today=TODAY) is None


def test_the_lapse_rules_follow_the_settings(member, product, store):
    rules(lapse_limit=1, lapse_pause_days=7)
    lapsed(member, product, store, days_ago=1)
    error = refusal(member=member, product=product, store=store)
    assert message(error) == (
        "You let 1 reservation lapse recently: you can reserve again from 29 November."
    )


# --- Moves ------------------------------------------------------------------------


def test_staff_make_it_ready_and_the_member_is_told(
    reservation, staff, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ready = reservation_mark_ready(reservation=reservation, by=staff)
        again = reservation_mark_ready(reservation=reservation, by=staff)

    assert ready.status == again.status == ReservationStatus.READY
    assert ready.ready_by == staff and ready.ready_at is not None
    assert again.ready_at == ready.ready_at
    [note] = Notification.objects.filter(recipient=member, kind="reservation_ready")
    assert note.title == "Your reservation is ready at Lyon Part-Dieu"
    [email] = mail.outbox
    assert "Your reservation is ready at Lyon Part-Dieu" in email.subject
    # collected by the end of Thursday, the pick-up day (Tuesday) plus 2 days
    assert "It waits for you until Thursday 26 November 2026." in email.body
    assert pickup_code_display(reservation.code) in email.body


def test_only_the_stores_staff_make_it_ready(reservation, other_staff, member):
    for somebody in (other_staff, member, None):
        with pytest.raises(PermissionDenied):
            reservation_mark_ready(reservation=reservation, by=somebody)
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CONFIRMED


def test_a_desk_for_every_store_may_make_it_ready(reservation, other_staff):
    from django.contrib.auth.models import Permission

    other_staff.user_permissions.add(Permission.objects.get(codename="view_every_desk"))
    other_staff = type(other_staff).objects.get(pk=other_staff.pk)
    ready = reservation_mark_ready(reservation=reservation, by=other_staff)
    assert ready.status == ReservationStatus.READY


@pytest.mark.parametrize(
    "typed", ["{code}", "{shown}", "{lower}", " {half1} {half2} ", "{half1}-{half2}"]
)
def test_staff_collect_it_with_the_members_code_however_typed(
    reservation, staff, member, typed, django_capture_on_commit_callbacks
):
    code = reservation.code
    typed = typed.format(
        code=code,
        shown=pickup_code_display(code),
        lower=pickup_code_display(code).lower(),
        half1=code[:4].lower(),
        half2=code[4:],
    )
    later = NOW + dt.timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        collected = reservation_collect(
            reservation=reservation, by=staff, code=typed, now=later
        )

    assert collected.status == ReservationStatus.COLLECTED
    assert (collected.collected_by, collected.ended_at) == (staff, later)
    # told in the app only: they were there
    [note] = Notification.objects.filter(recipient=member, kind="reservation_collected")
    assert note.title == "You collected Arrosoir galvanisé 10 L at Lyon Part-Dieu"
    assert mail.outbox == []


def test_a_wrong_code_is_refused_in_words(reservation, staff, member):
    other = make_reservation(
        member=member, product=reservation.product, store=reservation.store
    )
    for typed, words in [
        ("", "Type the member's pick-up code."),
        (
            other.code,
            f"The code {pickup_code_display(other.code)} is not this reservation's: "
            "check it with the member.",
        ),
    ]:
        with pytest.raises(ValidationError) as caught:
            reservation_collect(reservation=reservation, by=staff, code=typed)
        assert caught.value.message_dict == {"code": [words]}
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CONFIRMED


def test_another_stores_staff_cannot_collect(reservation, other_staff):
    with pytest.raises(PermissionDenied):
        reservation_collect(
            reservation=reservation, by=other_staff, code=reservation.code
        )


def test_collecting_again_changes_nothing(reservation, staff):
    first = reservation_collect(
        reservation=reservation, by=staff, code=reservation.code, now=NOW
    )
    again = reservation_collect(
        reservation=reservation,
        by=staff,
        code=reservation.code,
        now=NOW + dt.timedelta(hours=3),
    )
    assert again.ended_at == first.ended_at == NOW
    assert Notification.objects.filter(kind="reservation_collected").count() == 1


def test_the_till_collects_without_a_code(reservation):
    collected = reservation_collect(reservation=reservation, now=NOW)
    assert collected.status == ReservationStatus.COLLECTED
    assert collected.collected_by is None


def test_the_member_cancels_and_the_units_are_free(reservation, member, product, store):
    cancelled = reservation_cancel(reservation=reservation, member=member)
    again = reservation_cancel(reservation=reservation, member=member)

    assert cancelled.status == again.status == ReservationStatus.CANCELLED
    assert again.ended_at == cancelled.ended_at is not None
    # all 5 free again
    assert make_reservation(member=member, product=product, store=store, quantity=5)


def test_nobody_else_cancels_it(reservation, other_member, staff):
    for somebody in (other_member, staff, None):
        with pytest.raises(PermissionDenied):
            reservation_cancel(reservation=reservation, member=somebody)
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CONFIRMED


def test_a_collected_one_cannot_be_cancelled(reservation, member, staff):
    reservation_collect(
        reservation=reservation,
        by=staff,
        code=reservation.code,
        now=dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.UTC),
    )
    with pytest.raises(ValidationError) as caught:
        reservation_cancel(reservation=reservation, member=member)
    assert (
        message(caught.value) == "This reservation was collected on 24 November 2026."
    )


# Every status against every action: what ALLOWED_MOVES allows goes through (or
# is a replay of the same state), anything else is refused in words.
ACTIONS = {
    ReservationStatus.READY: "ready",
    ReservationStatus.COLLECTED: "collect",
    ReservationStatus.CANCELLED: "cancel",
}


def act(action, reservation, *, member, staff):
    if action == "ready":
        return reservation_mark_ready(reservation=reservation, by=staff)
    if action == "collect":
        return reservation_collect(
            reservation=reservation, by=staff, code=reservation.code
        )
    return reservation_cancel(reservation=reservation, member=member)


@pytest.mark.parametrize("start", list(ReservationStatus))
@pytest.mark.parametrize("target", list(ACTIONS))
def test_every_move_follows_allowed_moves(reservation, member, staff, start, target):
    # given a reservation in `start` (released, collected… as the services leave it)
    ended = start not in {ReservationStatus.CONFIRMED, ReservationStatus.READY}
    Reservation.objects.filter(pk=reservation.pk).update(
        status=start, ended_at=NOW if ended else None
    )
    reservation.refresh_from_db()

    if (start, target) in ALLOWED_MOVES or start == target:
        moved = act(ACTIONS[target], reservation, member=member, staff=staff)
        assert moved.status == target
    else:
        with pytest.raises(ValidationError) as caught:
            act(ACTIONS[target], reservation, member=member, staff=staff)
        assert message(caught.value).startswith("This reservation was ")
        reservation.refresh_from_db()
        assert reservation.status == start


def test_a_sale_linked_to_another_reservation_is_refused(member, product, store):
    from marketplace.sales.models import SaleEvent

    first = make_reservation(member=member, product=product, store=store)
    second = make_reservation(member=member, product=product, store=store)
    sale = SaleEvent.objects.create(
        external_id="S-1",
        kind="sale",
        product=product,
        quantity=1,
        amount_cents=2490,
        net_cents=2490,
        store=store,
        channel="store",
        occurred_at=NOW,
    )
    reservation_collect(reservation=first, sale_event=sale)
    with pytest.raises(ValidationError, match="already linked to another reservation"):
        reservation_collect(reservation=second, sale_event=sale)


def test_a_reservation_keeps_the_price_it_was_made_at(reservation, product):
    product.price_cents = 2990
    product.save(update_fields=["price_cents"])
    reservation.refresh_from_db()
    assert (reservation.unit_price_cents, reservation.total_cents) == (2490, 4980)


def test_a_product_stocked_nowhere_is_refused_by_store(member, store):
    lonely = ProductFactory(sku="SOLO-1")
    error = refusal(member=member, product=lonely, store=store)
    assert error.message_dict == {
        "store": ["Lyon Part-Dieu does not sell this product: choose another store."]
    }
    assert error.other_stores == []


# --- Store credit at the till -----------------------------------------------------


def credit(member, cents: int) -> None:
    """Money the member may spend, as a release after the hold period leaves it."""
    from rewards.ledger import member_account_ids, system_account_id, transactions_write
    from rewards.models import Account, LedgerTransaction

    available = member_account_ids([member.pk], Account.Kind.AVAILABLE)[member.pk]
    expense = system_account_id(Account.Kind.EXPENSE)
    transactions_write(
        [
            (
                LedgerTransaction(
                    idempotency_key=f"test-credit:{member.pk}:{cents}",
                    kind=LedgerTransaction.Kind.RELEASE,
                ),
                [(expense, -cents, None), (available, cents, None)],
            )
        ]
    )


def test_store_credit_pays_part_of_the_reservation_once(reservation, member, staff):
    from django.db.models import Sum

    from rewards.models import Entry, LedgerTransaction

    credit(member, 10_000)

    paid = reservation_credit_apply(
        reservation=reservation, amount_cents=1_500, by=staff, request_key="k1"
    )
    again = reservation_credit_apply(
        reservation=reservation, amount_cents=1_500, by=staff, request_key="k1"
    )

    assert paid.credit_applied_cents == again.credit_applied_cents == 1_500
    assert LedgerTransaction.objects.filter(kind="till").count() == 1
    assert Entry.objects.aggregate(total=Sum("amount_cents"))["total"] == 0
    # €49.80 in all: €34.80 is left to pay
    with pytest.raises(ValidationError) as caught:
        reservation_credit_apply(
            reservation=reservation, amount_cents=3_481, by=staff, request_key="k2"
        )
    assert caught.value.message_dict == {
        "amount": ["At most €34.80 of this reservation is left to pay."]
    }
    done = reservation_credit_apply(
        reservation=reservation, amount_cents=3_480, by=staff, request_key="k3"
    )
    assert done.credit_applied_cents == 4_980


def test_store_credit_is_refused_beyond_the_balance_and_to_other_stores(
    reservation, member, staff, other_staff
):
    credit(member, 1_000)
    with pytest.raises(ValidationError, match="store credit available"):
        reservation_credit_apply(
            reservation=reservation, amount_cents=1_001, by=staff, request_key="k1"
        )
    with pytest.raises(PermissionDenied):
        reservation_credit_apply(
            reservation=reservation, amount_cents=100, by=other_staff, request_key="k2"
        )
    for amount in (0, -5, "10"):
        with pytest.raises(ValidationError, match="above zero"):
            reservation_credit_apply(
                reservation=reservation, amount_cents=amount, by=staff, request_key="k3"
            )
    reservation.refresh_from_db()
    assert reservation.credit_applied_cents == 0


def test_no_store_credit_on_a_cancelled_reservation(reservation, member, staff):
    credit(member, 10_000)
    reservation_cancel(reservation=reservation, member=member)
    with pytest.raises(ValidationError, match="was cancelled on"):
        reservation_credit_apply(
            reservation=reservation, amount_cents=100, by=staff, request_key="k1"
        )
