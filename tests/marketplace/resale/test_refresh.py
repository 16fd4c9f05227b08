"""The daily pass (`manage.py resale_refresh`): reservations not handed over in
72 hours (configurable) lapse and the listing is on sale again with the
interested members told; listings expire after 60 days with a reminder 7 days
before; twice does it once."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from community.notifications.models import Notification
from marketplace.resale.models import (
    Conversation,
    HandoffStatus,
    ListingState,
    ResaleSettings,
)
from marketplace.resale.services import (
    handoff_confirm,
    listing_reserve,
    offer_make,
    resale_refresh,
)

from .fixtures import HANDOFF_DAY, NOW, PRICE


def count(kind, **filters):
    return Notification.objects.filter(kind=kind, **filters).count()


@pytest.fixture
def reserved(listing, buyer, other_buyer, store):
    """Bao reserved the listing; Inès had made an offer before."""
    offer_make(
        listing=listing,
        buyer=other_buyer,
        amount_cents=3500,
        store=store,
        day=HANDOFF_DAY,
        now=NOW,
    )
    return listing_reserve(
        listing=listing, buyer=buyer, store=store, day=HANDOFF_DAY, now=NOW
    )


def test_a_reservation_lapses_after_72_hours(
    reserved, listing, seller, buyer, other_buyer, django_capture_on_commit_callbacks
):
    # 71 hours on, it still waits
    assert resale_refresh(now=NOW + dt.timedelta(hours=71))["lapsed"] == 0
    reserved.refresh_from_db()
    assert reserved.status == HandoffStatus.RESERVED

    then = NOW + dt.timedelta(hours=72)
    with django_capture_on_commit_callbacks(execute=True):
        counts = resale_refresh(now=then)

    assert counts["lapsed"] == 1
    reserved.refresh_from_db()
    assert reserved.status == HandoffStatus.LAPSED
    assert reserved.ended_at == then
    listing.refresh_from_db()
    assert listing.state == ListingState.PUBLISHED
    assert listing.is_public
    assert listing.history.last().reason == (
        "The reservation lapsed: not handed over in time."
    )
    # both parties told; the member who had offered is told it is back on sale
    assert count("resale_lapsed", recipient=buyer) == 1
    assert count("resale_lapsed", recipient=seller) == 1
    assert count("resale_back_on_sale", recipient=other_buyer) == 1
    assert count("resale_back_on_sale", recipient=buyer) == 0
    assert count("resale_back_on_sale", recipient=seller) == 0
    assert "ines@example.com" in [m.to[0] for m in mail.outbox]


def test_members_in_conversation_are_told_it_is_back_on_sale(
    listing, seller, buyer, store
):
    from tests.factories import MemberFactory

    talker = MemberFactory(display_name="Camille")
    Conversation.objects.create(listing=listing, buyer=talker, seller=seller)
    listing_reserve(listing=listing, buyer=buyer, store=store, day=HANDOFF_DAY, now=NOW)

    resale_refresh(now=NOW + dt.timedelta(days=4))

    assert count("resale_back_on_sale", recipient=talker) == 1


def test_the_reservation_hours_are_configurable(listing, buyer, store):
    rules = ResaleSettings.load()
    rules.reservation_hours = 100
    rules.save()
    handoff = listing_reserve(
        listing=listing, buyer=buyer, store=store, day=HANDOFF_DAY, now=NOW
    )
    assert handoff.lapses_at == NOW + dt.timedelta(hours=100)

    assert resale_refresh(now=NOW + dt.timedelta(hours=99))["lapsed"] == 0
    assert resale_refresh(now=NOW + dt.timedelta(hours=100))["lapsed"] == 1


def test_a_handed_over_reservation_never_lapses(reserved, listing, staff, store):
    handoff_confirm(store=store, code=reserved.code, by=staff, paid_cents=PRICE)

    assert resale_refresh(now=NOW + dt.timedelta(days=5))["lapsed"] == 0
    listing.refresh_from_db()
    assert listing.state == ListingState.SOLD


def test_a_lapsed_code_is_refused_at_the_desk(reserved, staff, store):
    resale_refresh(now=NOW + dt.timedelta(hours=80))

    with pytest.raises(ValidationError, match="lapsed on") as refused:
        handoff_confirm(store=store, code=reserved.code, by=staff, paid_cents=PRICE)
    assert "code" in refused.value.message_dict


def test_a_listing_expires_after_60_days_with_a_reminder_7_days_before(listing, seller):
    assert listing.expires_at == NOW + dt.timedelta(days=60)

    # 52 days on: nothing yet
    assert resale_refresh(now=NOW + dt.timedelta(days=52)) == {
        "lapsed": 0,
        "expired": 0,
        "reminded": 0,
        "ratings": 0,
    }
    # 53 days on: reminded, once
    assert resale_refresh(now=NOW + dt.timedelta(days=53))["reminded"] == 1
    assert resale_refresh(now=NOW + dt.timedelta(days=54))["reminded"] == 0
    [note] = Notification.objects.filter(
        recipient=seller, kind="resale_expiry_reminder"
    )
    assert note.title == (
        "“Sécateur Pro à lame franche” comes off sale on Friday 22 January 2027"
    )
    listing.refresh_from_db()
    assert listing.state == ListingState.PUBLISHED

    # 60 days on: expired, off the public pages
    assert resale_refresh(now=NOW + dt.timedelta(days=60))["expired"] == 1
    listing.refresh_from_db()
    assert listing.state == ListingState.EXPIRED
    assert not listing.is_public
    assert count("resale_expired", recipient=seller) == 1


def test_refreshing_twice_does_it_once(reserved, listing, seller, buyer):
    then = NOW + dt.timedelta(days=61)

    first = resale_refresh(now=then)
    notes = Notification.objects.count()
    moves = listing.history.count()
    second = resale_refresh(now=then)

    # the lapse put it back on sale with at least 7 days to go, so it waits
    assert first == {"lapsed": 1, "expired": 0, "reminded": 1, "ratings": 0}
    assert second == {"lapsed": 0, "expired": 0, "reminded": 0, "ratings": 0}
    assert Notification.objects.count() == notes
    assert listing.history.count() == moves


def test_the_command_reports_what_it_did(reserved):
    out = io.StringIO()

    call_command("resale_refresh", "--now", "2026-11-27T09:00", stdout=out)

    assert "1 reservations lapsed, 0 listings expired, 0 sellers reminded" in (
        out.getvalue()
    )
    reserved.refresh_from_db()
    assert reserved.status == HandoffStatus.LAPSED


def test_the_command_refuses_a_moment_it_cannot_read(db):
    with pytest.raises(CommandError, match="ISO date and time"):
        call_command("resale_refresh", "--now", "tomorrow")
