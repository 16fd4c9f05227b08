"""How second-hand listings go through moderation: their `ModeratedType`.

A listing of a premoderated seller (trust levels 0 and 1) waits in the one
moderation queue; a moderator approves it (state pending → published, on sale for
ResaleSettings.listing_days) or refuses it with a reason: the shared ones and the
prohibited things below. Registered in wagtail_hooks.py; the services read the
posting kind from here, so the rate limits, the queue and the pages agree.
`Listing.on_moderation_decision` calls `listing_moderated`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.moderation.models import ModerationAction
from community.moderation.registry import ModeratedType, RejectionReason

from .models import Listing, ListingState

# What the posting limits count (PostingRecord.kind); never renamed, as the
# records already written carry it.
LISTING_POSTING_KIND = "listing"


class ListingRejectionReason(models.TextChoices):
    """Things the shop does not let members sell, besides the shared reasons."""

    COUNTERFEIT = "counterfeit", gettext_lazy("Counterfeit or replica")
    WEAPON = "weapon", gettext_lazy("Weapon, ammunition or explosive")
    RECALLED = "recalled", gettext_lazy("Recalled or unsafe product")
    HAZARDOUS = (
        "hazardous",
        gettext_lazy("Hazardous substance (pesticide, fuel, chemicals)"),
    )
    HYGIENE = "hygiene", gettext_lazy("Opened food, cosmetics or hygiene product")
    MEDICINE = "medicine", gettext_lazy("Medicine or medical device")
    LIVE_ANIMAL = "live_animal", gettext_lazy("Live animal")
    STOLEN = "stolen", gettext_lazy("Suspected stolen goods")
    NOT_AN_ITEM = (
        "not_an_item",
        gettext_lazy("Not a second-hand item (a service, an ad)"),
    )
    MISLEADING = (
        "misleading",
        gettext_lazy("Photos or description do not match the item"),
    )


class ListingReportReason(models.TextChoices):
    """Why a member may report a listing, besides the shared reasons."""

    PROHIBITED = "prohibited", gettext_lazy("An item that may not be sold")
    SCAM = "scam", gettext_lazy("Looks like a scam")
    MISLEADING = "misleading_item", gettext_lazy("Misleading photos or description")


# The seller may fix these and submit the listing again; a prohibited thing stays
# refused, as spam and offence do.
FIXABLE_REASONS = frozenset(
    {
        RejectionReason.PERSONAL_DATA,
        RejectionReason.OTHER,
        ListingRejectionReason.MISLEADING,
        ListingRejectionReason.NOT_AN_ITEM,
    }
)


def listing_trust_facts(member) -> dict[str, int]:
    """Listings count as contributions through moderation's approved count; a sale
    adds nothing of its own to trust (ratings are a separate, public figure)."""
    return {}


LISTING_MODERATED_TYPE = ModeratedType(
    model=Listing,
    author_field="seller",
    posting_kind=LISTING_POSTING_KIND,
    names=(gettext_lazy("second-hand listing"), gettext_lazy("second-hand listings")),
    preview_template="resale/moderation_preview.html",
    preview_prefetch=("photos__image", "tagged_items__tag", "handoff_stores"),
    rejection_reasons=ListingRejectionReason.choices,
    report_reasons=ListingReportReason.choices,
    fixable_reasons=FIXABLE_REASONS,
    trust_facts=listing_trust_facts,
)


def listing_moderated(*, listing: Listing, action: str) -> None:
    """Called by moderation after a decision on the listing, in its transaction.

    Approved while pending: it goes on sale (expires_at from ResaleSettings).
    Rejected: pending or published → rejected, `refusal_reasons` the reason picked
    (its open offers lapse). Hidden after reports: the state is kept, the listing
    leaves the public pages. In every case its photos move where they now belong.
    """
    from . import services

    now = timezone.now()
    if action == ModerationAction.APPROVE and listing.state == ListingState.PENDING:
        services.listing_on_sale(listing=listing, by=None, now=now)
    elif action == ModerationAction.REJECT and listing.state in (
        ListingState.PENDING,
        ListingState.PUBLISHED,
    ):
        services.listing_state_move(
            listing,
            ListingState.REJECTED,
            by=None,
            now=now,
            reason=LISTING_MODERATED_TYPE.rejection_label(listing.rejection_reason),
            refusal_reasons=[listing.rejection_reason],
        )
        services.listing_offers_lapse(listing=listing, now=now)
    services.listing_changed(listing)


def listing_reject(*, moderator, listing: Listing, reasons, note: str = "") -> Listing:
    """A moderator refuses a listing for one or more reasons at once (the
    prohibited things it shows, say a replica that is also a weapon).

    The first reason is the decision's, as for any content; every reason given is
    kept in `refusal_reasons` and shown to the seller. Each must be one of the
    listing type's rejection reasons. Permissions and the note rule are
    moderation's own (`moderation_decide`).
    """
    from community.moderation.services import moderation_decide

    codes = []
    for code in reasons or ():
        code = str(code)
        if code not in codes:
            codes.append(code)
    if not codes:
        raise ValidationError(_("Choose a reason for the rejection."))
    known = dict(LISTING_MODERATED_TYPE.rejection_choices())
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError(
            _("“%(code)s” is not a reason to refuse a listing.") % {"code": unknown[0]}
        )
    with transaction.atomic():
        moderation_decide(
            moderator=moderator,
            entries_or_contents=[listing],
            action=ModerationAction.REJECT,
            reason=codes[0],
            note=note,
        )
        listing = Listing.objects.get(pk=listing.pk)
        if listing.state == ListingState.REJECTED and len(codes) > 1:
            listing.refusal_reasons = codes
            listing.save(update_fields=["refusal_reasons", "updated_at"])
    return listing


def refusal_labels(listing: Listing) -> list[str]:
    """The reasons a listing was refused, in words, for its seller's pages."""
    return [
        LISTING_MODERATED_TYPE.rejection_label(code)
        for code in listing.refusal_reasons or ()
    ]
