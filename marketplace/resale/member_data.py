"""A member's second-hand activity, for the member-data export and erasure
(community/members/member_data.py).

Erasure policy:
- what is under way ends first through the services, so the other party is told:
  reserved hand-offs are cancelled (as buyer or seller), open offers withdrawn, an
  accepted buy-back not yet inspected cancelled;
- listings never sold are deleted with their photos; a sold one stays in the buyer's
  history (title, price, the hand-off), its description and photos deleted, signed by
  the "former member" the account becomes;
- the member's messages in conversations are blanked (the other party keeps theirs);
- ratings stay, signed "former member", so sellers' averages do not change;
- tax details stay while the year's DAC7 report (this year or last) still needs them,
  and are deleted otherwise;
- money already paid into the wallet is rewards' (its own section settles it).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import dac7
from .models import (
    Buyback,
    BuybackStatus,
    Handoff,
    HandoffStatus,
    Listing,
    ListingState,
    Message,
    Offer,
    OfferStatus,
    Rating,
    SellerTaxDetails,
)

ERASED_MESSAGE = "—"


def resale_export(member) -> dict[str, list[dict[str, Any]]]:
    """Everything resale holds about the member, oldest first."""
    listings = (
        Listing.objects.filter(seller=member)
        .select_related("product")
        .prefetch_related("handoff_stores")
        .order_by("created_at", "id")
    )
    handoffs = Handoff.objects.filter(
        Q(buyer=member) | Q(seller=member)
    ).select_related("listing", "store")
    tax = SellerTaxDetails.objects.filter(member=member).first()
    return {
        "listings": [
            {
                "id": listing.pk,
                "title": listing.title,
                "description": listing.description,
                "price_cents": listing.price_cents,
                "condition": listing.condition,
                "state": listing.state,
                "product": listing.product.sku if listing.product else None,
                "verified_owner": listing.is_verified_owner,
                "stores": [store.code for store in listing.handoff_stores.all()],
                "created_at": listing.created_at,
                "published_at": listing.published_at,
                "sold_at": listing.sold_at,
                "sold_price_cents": listing.sold_price_cents,
            }
            for listing in listings
        ],
        "offers": [
            {
                "listing": offer.listing_id,
                "amount_cents": offer.amount_cents,
                "status": offer.status,
                "made_at": offer.created_at,
            }
            for offer in Offer.objects.filter(made_by=member).order_by(
                "created_at", "id"
            )
        ],
        "handoffs": [
            {
                "listing": handoff.listing.title,
                "as": "buyer" if handoff.buyer_id == member.pk else "seller",
                "store": handoff.store.code,
                "day": handoff.day,
                "price_cents": handoff.price_cents,
                "status": handoff.status,
                "paid_cents": handoff.paid_cents,
                "payout": handoff.payout,
            }
            for handoff in handoffs.order_by("reserved_at", "id")
        ],
        "messages_sent": [
            {
                "conversation": message.conversation_id,
                "sent_at": message.created_at,
                "body": message.body,
            }
            for message in Message.objects.filter(sender=member).order_by("id")
        ],
        "ratings_given": [
            {
                "stars": rating.stars,
                "comment": rating.comment,
                "given_at": rating.created_at,
                "published_at": rating.published_at,
            }
            for rating in Rating.objects.filter(rater=member).order_by("id")
        ],
        "buybacks": [
            {
                "listing": buyback.listing_id,
                "offered_cents": buyback.offered_cents,
                "credited_cents": buyback.credited_cents,
                "status": buyback.status,
                "inspection_reason": buyback.inspection_reason,
            }
            for buyback in Buyback.objects.filter(member=member).order_by("id")
        ],
        "tax_details": (
            [
                {
                    "legal_name": tax.legal_name,
                    "birth_date": tax.birth_date,
                    "address": tax.address,
                    "tax_number": tax.tax_number,
                    "given_at": tax.given_at,
                }
            ]
            if tax
            else []
        ),
    }


def _report_still_due(member) -> bool:
    year = timezone.localdate().year
    return any(
        dac7.seller_year(member=member, year=y).reportable for y in (year, year - 1)
    )


def resale_erase(member) -> int:
    """End what is under way through the services, then delete or blank what the
    policy says; returns how many rows were erased. In the erasure's transaction."""
    from .photos import listing_photos_delete
    from .services import handoff_cancel, listing_withdraw, offer_withdraw

    count = 0
    for handoff in Handoff.objects.filter(
        Q(buyer=member) | Q(seller=member), status=HandoffStatus.RESERVED
    ).order_by("pk"):
        handoff_cancel(handoff=handoff, by=member)
        count += 1
    for offer in Offer.objects.filter(made_by=member, status=OfferStatus.OPEN):
        offer_withdraw(offer=offer, by=member)
        count += 1
    count += Buyback.objects.filter(
        member=member, status=BuybackStatus.ACCEPTED
    ).update(status=BuybackStatus.CANCELLED)
    for listing in Listing.objects.filter(
        seller=member,
        state__in=[ListingState.DRAFT, ListingState.PENDING, ListingState.PUBLISHED],
    ):
        listing_withdraw(listing=listing, by=member)
    unsold = Listing.objects.filter(seller=member).exclude(state=ListingState.SOLD)
    sold = Listing.objects.filter(seller=member, state=ListingState.SOLD)
    for listing in Listing.objects.filter(seller=member).prefetch_related("photos"):
        photos = list(listing.photos.all())
        if photos:
            listing_photos_delete(photos=photos)
    # Bought back by the shop: the ledger's voucher names it, so it stays, blank.
    count += sold.update(description="")
    count += unsold.filter(buyback__isnull=False).update(description="")
    deleted, _by_model = unsold.filter(buyback__isnull=True).delete()
    count += deleted
    count += Message.objects.filter(sender=member).update(
        body=ERASED_MESSAGE, masked=False
    )
    if not _report_still_due(member):
        count += SellerTaxDetails.objects.filter(member=member).delete()[0]
    return count


def resale_erase_summary(member) -> list[str]:
    """What erasure does to the member's second-hand activity, before they confirm."""
    listings = Listing.objects.filter(seller=member).count()
    if not listings and not Handoff.objects.filter(buyer=member).exists():
        return []
    lines = []
    under_way = Handoff.objects.filter(
        Q(buyer=member) | Q(seller=member), status=HandoffStatus.RESERVED
    ).count()
    if under_way:
        lines.append(
            ngettext(
                "Your %(count)s hand-off still to come is cancelled; the other side "
                "is told.",
                "Your %(count)s hand-offs still to come are cancelled; the other side "
                "is told.",
                under_way,
            )
            % {"count": under_way}
        )
    lines.append(
        _(
            "Listings never sold are deleted with their photos; sold ones stay in "
            "their buyers' history without description or photos, signed “former "
            "member”. Your messages are blanked; your ratings stay, signed “former "
            "member”."
        )
    )
    if _report_still_due(member):
        lines.append(
            _(
                "Your tax details are kept until this year's seller report (EU DAC7) "
                "has been made, as the law requires."
            )
        )
    return lines
