"""Second-hand activity in a member's data: exported in full; on erasure what is
under way ends (the other side told), unsold listings go, sold ones stay blank in
the buyer's history, messages are blanked, the ledger still balances."""

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Sum

from community.members.member_data import (
    member_data_erase,
    member_data_erase_summary,
    member_data_export,
)
from community.notifications.models import Notification
from marketplace.resale.conversations import conversation_open, message_send
from marketplace.resale.models import (
    Conversation,
    Handoff,
    HandoffStatus,
    Listing,
    ListingState,
)
from marketplace.resale.services import handoff_confirm, listing_reserve
from rewards.models import Entry

from .fixtures import HANDOFF_DAY, NOW, PRICE, make_listing


@pytest.fixture
def history(listing, seller, buyer, other_buyer, store, staff):
    """Sacha sold one listing to Bao, has another reserved by Inès, a draft, and a
    conversation with Bao."""
    sold = make_listing(seller=seller, stores=[store], title="Taille-haie")
    handed = listing_reserve(
        listing=sold, buyer=buyer, store=store, day=HANDOFF_DAY, now=NOW
    )
    handoff_confirm(store=store, code=handed.code, by=staff, paid_cents=PRICE, now=NOW)
    reserved = listing_reserve(
        listing=listing, buyer=other_buyer, store=store, day=HANDOFF_DAY, now=NOW
    )
    draft = make_listing(seller=seller, stores=[store], title="Bêche", submit=False)
    talk = conversation_open(listing=listing, member=buyer, now=NOW)
    message_send(conversation=talk, sender=seller, body="Toujours disponible.", now=NOW)
    message_send(conversation=talk, sender=buyer, body="Super, merci !", now=NOW)
    return {"sold": sold, "reserved": reserved, "draft": draft, "talk": talk}


def test_the_export_holds_listings_hand_offs_and_messages(history, seller):
    data = member_data_export(member=seller)["sections"]["resale"]
    json.dumps(data, cls=DjangoJSONEncoder)
    titles = {listing["title"] for listing in data["listings"]}
    assert titles == {"Sécateur Pro à lame franche", "Taille-haie", "Bêche"}
    assert {h["status"] for h in data["handoffs"]} == {"handed_over", "reserved"}
    assert [m["body"] for m in data["messages_sent"]] == ["Toujours disponible."]


def test_erasure_ends_what_is_under_way_and_keeps_the_buyer_s_history(
    history, seller, buyer, other_buyer
):
    summary = member_data_erase_summary(member=seller)
    [resale] = [section for section in summary if section["name"] == "resale"]
    assert any(
        "hand-off still to come is cancelled" in line for line in resale["lines"]
    )

    member_data_erase(member=seller)

    # Inès' reservation is cancelled (she is told), then goes with its listing
    assert Notification.objects.filter(
        recipient=other_buyer, title__icontains="cancel"
    ).exists()
    assert not Handoff.objects.filter(pk=history["reserved"].pk).exists()
    # the unsold listings are gone; the sold one stays for Bao, without its text
    assert list(Listing.objects.filter(seller=seller)) == [history["sold"]]
    sold = Listing.objects.get(pk=history["sold"].pk)
    assert sold.state == ListingState.SOLD and sold.description == ""
    assert Handoff.objects.filter(
        buyer=buyer, status=HandoffStatus.HANDED_OVER
    ).exists()
    # the conversation on a deleted listing went with it
    assert not Conversation.objects.filter(pk=history["talk"].pk).exists()
    # the ledger still sums to zero
    assert (Entry.objects.aggregate(total=Sum("amount_cents"))["total"] or 0) == 0


def test_a_buyer_s_erasure_blanks_their_messages_only(history, seller, buyer):
    member_data_erase(member=buyer)
    bodies = list(
        history["talk"].messages.order_by("id").values_list("body", flat=True)
    )
    assert bodies == ["Toujours disponible.", "—"]
