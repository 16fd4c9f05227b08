"""The shop buys back a listing tied to a catalog product, for store credit.

The price is the product's current price times the share of its condition
("Second-hand rules": IKEA's 50 % as new, 40 % very good, 30 % well used). The member
may accept it instead of selling to a member: the listing leaves the market
(withdrawn, "bought back by the shop") and the member brings the item to one of the
stores. Staff inspect it: they confirm the condition, or lower it with a reason (the
price follows, never above what was offered), and the credit is posted as a voucher
(payments.py). A condition the shop does not buy back is refused at inspection; the
member may then put the listing back on sale.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.money import format_cents
from marketplace.catalog.desk import store_staffed_by

from .models import (
    Buyback,
    BuybackStatus,
    Condition,
    Listing,
    ListingState,
    ResaleSettings,
)
from .payments import BASIS_POINTS, buyback_credit_post

# Best condition first: an inspection may only move down this list.
CONDITION_ORDER = [
    Condition.NEW_WITH_TAGS,
    Condition.VERY_GOOD,
    Condition.GOOD,
    Condition.FAIR,
]
# A listing the shop may still buy back: not promised to a member, not sold.
BUYABLE_STATES = frozenset({ListingState.DRAFT, ListingState.PUBLISHED})


def buyback_quote(
    *, listing: Listing, condition: str | None = None, rules=None
) -> int | None:
    """The store credit the shop offers for the listing (in its condition, or
    `condition`), in cents; None when it buys nothing back (no catalog product, an
    inactive one, or a condition at 0 %)."""
    if listing.product is None:
        return None
    rules = rules or ResaleSettings.load()
    return buyback_price(
        listing.product, share_bp=rules.buyback_bp(condition or listing.condition)
    )


def buyback_price(product, *, share_bp: int) -> int | None:
    """`share_bp` of the product's current price, in cents; None when the shop buys
    nothing back (an inactive or free product, a share of 0)."""
    if not product.active or not product.price_cents or share_bp <= 0:
        return None
    return product.price_cents * share_bp // BASIS_POINTS or None


def buyback_accept(
    *, listing: Listing, member, now: dt.datetime | None = None
) -> Buyback:
    """The seller takes the shop's buy-back price instead of selling to a member."""
    from .services import listing_changed, listing_offers_lapse, listing_state_move

    now = now or timezone.now()
    with transaction.atomic():
        listing = (
            Listing.objects.select_for_update(of=("self",))
            .select_related("product", "seller")
            .get(pk=listing.pk)
        )
        if member is None or listing.seller_id != getattr(member, "pk", None):
            raise PermissionDenied(_("Only the seller may accept the shop's buy-back."))
        if Buyback.objects.filter(listing=listing).exists():
            raise ValidationError(
                _("The shop's buy-back of this listing is already accepted.")
            )
        if listing.state not in BUYABLE_STATES:
            raise ValidationError(
                _(
                    "A listing that is “%(state)s” cannot be bought back: it is "
                    "promised to a buyer, sold or off the market."
                )
                % {"state": ListingState(listing.state).label}
            )
        offered = buyback_quote(listing=listing)
        if offered is None:
            raise ValidationError(
                _("The shop does not buy this item back in this condition.")
            )
        buyback = Buyback.objects.create(
            listing=listing,
            member=member,
            product=listing.product,
            declared_condition=listing.condition,
            offered_cents=offered,
            created_at=now,
        )
        listing_state_move(
            listing,
            ListingState.WITHDRAWN,
            by=member,
            now=now,
            reason=_("Bought back by the shop"),
        )
        listing_offers_lapse(listing=listing, now=now)
        listing_changed(listing)
    return buyback


def buyback_inspect(
    *,
    buyback: Buyback,
    store,
    by,
    condition: str,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Buyback:
    """Store staff inspect a bought-back item: the condition stays or goes down
    (with a reason); the credit is posted as a voucher, once. A condition the shop
    does not buy back ends it refused."""
    now = now or timezone.now()
    if by is None or store_staffed_by(by, store.code) is None:
        raise PermissionDenied(
            _("Only the staff of %(store)s may do this.") % {"store": store.name}
        )
    if condition not in Condition.values:
        raise ValidationError({"condition": _("Choose the condition you found.")})
    reason = (reason or "").strip()
    with transaction.atomic():
        buyback = (
            Buyback.objects.select_for_update(of=("self",))
            .select_related("listing", "product", "member")
            .get(pk=buyback.pk)
        )
        if buyback.status != BuybackStatus.ACCEPTED:
            raise ValidationError(
                _("This buy-back was already inspected (%(status)s).")
                % {"status": BuybackStatus(buyback.status).label}
            )
        declared = CONDITION_ORDER.index(buyback.declared_condition)
        found = CONDITION_ORDER.index(condition)
        if found < declared:
            raise ValidationError(
                {
                    "condition": _(
                        "An inspection may confirm or lower the condition the member "
                        "declared (%(declared)s), never raise it."
                    )
                    % {"declared": Condition(buyback.declared_condition).label}
                }
            )
        if found > declared and not reason:
            raise ValidationError(
                {"reason": _("Say why the condition is lower than the member said.")}
            )
        buyback.store = store
        buyback.inspected_by = by
        buyback.inspected_at = now
        buyback.inspected_condition = condition
        buyback.inspection_reason = reason[:300]
        if found == declared:
            credited = buyback.offered_cents
        else:
            quoted = buyback_quote(listing=buyback.listing, condition=condition)
            credited = min(quoted, buyback.offered_cents) if quoted else None
        if credited is None:
            buyback.status = BuybackStatus.REFUSED
            buyback.save()
            return buyback
        buyback.credited_cents = credited
        buyback.status = BuybackStatus.CREDITED
        buyback.save()
        buyback.ledger_key = buyback_credit_post(buyback, now=now)
        Buyback.objects.filter(pk=buyback.pk).update(ledger_key=buyback.ledger_key)
        _credited_notify(buyback)
    return buyback


def _credited_notify(buyback: Buyback) -> None:
    from community.notifications.services import notification_send

    notification_send(
        recipient=buyback.member,
        kind="resale_buyback",
        title=_("The shop bought back “%(title)s”: %(amount)s in store credit")
        % {
            "title": buyback.listing.title,
            "amount": format_cents(buyback.credited_cents),
        },
        body=buyback.inspection_reason,
        url="/me/wallet/",
    )
