"""Listings in the one moderation queue: a premoderated seller's listing waits;
approving puts it on sale (pending → published, expires_at set); refusing names
the prohibited things, from resale's own rejection reasons."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from community.moderation.models import ModerationDecision, QueueEntry
from community.moderation.registry import moderated_type_for
from community.moderation.services import moderation_decide
from community.notifications.models import Notification
from marketplace.resale.models import Listing, ListingState
from marketplace.resale.moderation import (
    ListingRejectionReason,
    listing_reject,
    refusal_labels,
)
from marketplace.resale.services import listing_submit, listing_update
from tests.factories import MemberFactory

from .fixtures import aged, make_listing, photo_upload


@pytest.fixture
def newcomer(db):
    """A level 1 member: premoderated, without the newcomers' pause between posts
    (so a test may post twice in a row)."""
    return aged(
        MemberFactory(
            email="basile@example.com",
            display_name="Basile",
            slug="basile",
            trust_level=1,
        )
    )


@pytest.fixture
def pending(newcomer, store):
    """Basile's listing with a photo, waiting for a moderator."""
    return make_listing(seller=newcomer, stores=[store], photos=[photo_upload()])


def decide(moderator, listing, action, reason=None, note=""):
    moderation_decide(
        moderator=moderator,
        entries_or_contents=[listing],
        action=action,
        reason=reason,
        note=note,
    )
    listing.refresh_from_db()
    return listing


def test_listings_are_a_moderated_type_with_the_prohibited_things():
    moderated_type = moderated_type_for(Listing)

    assert moderated_type.posting_kind == "listing"
    assert moderated_type.name(1) == "second-hand listing"
    codes = [code for code, _label in moderated_type.rejection_choices()]
    # the shared reasons first, resale's own, then duplicate and other last
    assert codes[0] == "spam"
    assert codes[-2:] == ["duplicate", "other"]
    assert set(ListingRejectionReason.values) <= set(codes)
    assert moderated_type.rejection_label("counterfeit") == "Counterfeit or replica"
    report_codes = [code for code, _label in moderated_type.report_choices()]
    assert {"prohibited", "scam"} <= set(report_codes)


def test_a_premoderated_seller_s_listing_is_in_the_queue(pending, newcomer):
    entry = QueueEntry.objects.get(object_id=pending.pk, closed_at__isnull=True)

    assert entry.content == pending
    assert entry.author == newcomer
    assert entry.reason == "pending"
    assert not pending.is_public
    assert not pending.photos.get().is_public


def test_approving_puts_the_listing_on_sale(pending, newcomer, moderator):
    listing = decide(moderator, pending, "approve")

    assert listing.state == ListingState.PUBLISHED
    assert listing.status == "published"
    assert listing.is_public
    assert listing.expires_at == listing.state_changed_at + dt.timedelta(days=60)
    assert listing.photos.get().is_public
    assert not QueueEntry.objects.filter(
        object_id=listing.pk, closed_at__isnull=True
    ).exists()
    assert list(
        listing.history.order_by("at", "id").values_list("from_state", "to_state")
    ) == [("draft", "pending"), ("pending", "published")]
    assert Notification.objects.filter(
        recipient=newcomer, kind="content_approved"
    ).exists()


def test_refusing_for_a_prohibited_thing_is_final(pending, newcomer, moderator):
    listing = decide(moderator, pending, "reject", reason="counterfeit")

    assert listing.state == ListingState.REJECTED
    assert listing.status == "rejected"
    assert listing.refusal_reasons == ["counterfeit"]
    assert refusal_labels(listing) == ["Counterfeit or replica"]
    assert not listing.is_public
    assert not listing.photos.get().is_public
    note = Notification.objects.get(recipient=newcomer, kind="content_rejected")
    assert "Reason: Counterfeit or replica" in note.body
    assert "It cannot be submitted again." in note.body

    with pytest.raises(ValidationError, match="cannot be submitted again"):
        listing_submit(listing=listing, by=newcomer)
    with pytest.raises(ValidationError, match="cannot be changed or sold again"):
        listing_update(
            listing=listing,
            editor=newcomer,
            title=listing.title,
            description=listing.description,
            price_cents=listing.price_cents,
            condition=listing.condition,
            store_ids=list(listing.handoff_stores.values_list("pk", flat=True)),
        )


def test_a_misleading_listing_is_fixed_and_submitted_again(
    pending, newcomer, moderator, store
):
    decide(moderator, pending, "reject", reason="misleading", note="Photo floue")

    listing_update(
        listing=pending,
        editor=newcomer,
        title="Sécateur Pro, photos nettes",
        description=pending.description,
        price_cents=pending.price_cents,
        condition="good",
        store_ids=[store.pk],
    )
    pending.refresh_from_db()
    assert pending.state == ListingState.DRAFT
    assert pending.refusal_reasons == []

    listing_submit(listing=pending, by=newcomer)

    pending.refresh_from_db()
    assert pending.state == ListingState.PENDING
    assert QueueEntry.objects.filter(
        object_id=pending.pk, closed_at__isnull=True
    ).exists()


def test_a_moderator_refuses_for_several_prohibited_things(pending, moderator):
    listing = listing_reject(
        moderator=moderator,
        listing=pending,
        reasons=["counterfeit", "weapon", "counterfeit"],
        note="Réplique d'arme",
    )

    assert listing.state == ListingState.REJECTED
    assert listing.refusal_reasons == ["counterfeit", "weapon"]
    assert refusal_labels(listing) == [
        "Counterfeit or replica",
        "Weapon, ammunition or explosive",
    ]
    decision = ModerationDecision.objects.get(object_id=listing.pk)
    assert (decision.action, decision.reason) == ("reject", "counterfeit")


@pytest.mark.parametrize(
    ("reasons", "message"),
    [
        ([], "Choose a reason for the rejection."),
        (["bogus"], "“bogus” is not a reason to refuse a listing."),
    ],
)
def test_a_refusal_needs_known_reasons(pending, moderator, reasons, message):
    with pytest.raises(ValidationError) as refused:
        listing_reject(moderator=moderator, listing=pending, reasons=reasons)

    assert refused.value.messages == [message]
    pending.refresh_from_db()
    assert pending.state == ListingState.PENDING


def test_a_listing_on_sale_refused_after_reports_leaves_the_pages(
    listing, moderator, buyer, store
):
    from marketplace.resale.services import offer_make

    from .fixtures import HANDOFF_DAY, NOW

    offer = offer_make(
        listing=listing,
        buyer=buyer,
        amount_cents=4000,
        store=store,
        day=HANDOFF_DAY,
        now=NOW,
    )

    refused = decide(moderator, listing, "reject", reason="stolen")

    assert refused.state == ListingState.REJECTED
    assert not refused.is_public
    offer.refresh_from_db()
    assert offer.status == "lapsed"


def test_the_queue_preview_shows_what_the_moderator_judges(pending):
    from django.template.loader import render_to_string

    pending.description = "**Lame** <script>alert(1)</script>"
    html = render_to_string("resale/moderation_preview.html", {"content": pending})

    assert "Sécateur Pro à lame franche" in html
    assert "€45.00" in html
    assert "Very good" in html
    assert "jardin" in html
    assert "Lyon Part-Dieu" in html
    assert "<strong>Lame</strong>" in html and "<script>" not in html
    assert "Photo 1" in html


def test_the_moderation_queue_lists_a_pending_listing(pending, moderator, client):
    from django.contrib.auth.models import Permission

    moderator.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    client.force_login(moderator)

    response = client.get("/admin/moderation/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Sécateur Pro à lame franche" in html
    assert "Counterfeit or replica" in html
