"""Reads of sale events."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import SaleEvent, SaleEventConflict


def sale_event_list() -> QuerySet[SaleEvent]:
    """Every event, newest first, with what a list shows already joined."""
    return SaleEvent.objects.select_related("product", "store", "member", "client")


def sale_events_of_customer(*, member) -> QuerySet[SaleEvent]:
    """The events that name a member: linked to them, or sent with their e-mail
    address (in any case) or loyalty card number as the customer reference."""
    condition = Q(member=member)
    if member.email:
        condition |= Q(customer_ref__iexact=member.email)
    if member.loyalty_card_number:
        condition |= Q(customer_ref=member.loyalty_card_number)
    return SaleEvent.objects.filter(condition)


def _sale_recorded(*, until: dt.datetime | None = None) -> Exists:
    """The refund's sale is recorded (received up to `until`, when given)."""
    sales = SaleEvent.objects.filter(
        external_id=OuterRef("refund_of"), kind=SaleEvent.Kind.SALE
    )
    if until is not None:
        sales = sales.filter(received_at__lte=until)
    return Exists(sales)


def counted_at(moment: dt.datetime) -> Q:
    """The events that count in net revenue as known at `moment`.

    A sale counts from when it was received; a refund from when both it and the
    sale it names were received, so an orphan refund counts from its sale's arrival.
    Conditions on `net_cents` rather than `kind` (a sale's net is never negative, a
    refund's never positive, and zero adds nothing either way), so sums over sales
    read the covering index alone; only refunds look their sale up, by its unique id.
    """
    sales = Q(net_cents__gte=0, received_at__lte=moment)
    # The sale is looked up last, for the rows that are refunds.
    refunds = Q(net_cents__lt=0, received_at__lte=moment) & Q(
        _sale_recorded(until=moment)
    )
    return sales | refunds


def refunds_resolved_between(
    start: dt.datetime, end: dt.datetime
) -> QuerySet[SaleEvent]:
    """Refunds received up to `start` whose sale arrived after it, up to `end`: they
    waited for their sale and count from that moment."""
    sales = SaleEvent.objects.filter(
        kind=SaleEvent.Kind.SALE, received_at__gt=start, received_at__lte=end
    ).values("external_id")
    return SaleEvent.objects.filter(
        kind=SaleEvent.Kind.REFUND, received_at__lte=start, refund_of__in=sales
    )


def refunds_orphaned(*, received_before: dt.datetime | None = None):
    """Refunds whose sale is not recorded (yet), oldest first; those received before
    `received_before` only, when given. They count in no net revenue."""
    refunds = SaleEvent.objects.filter(kind=SaleEvent.Kind.REFUND).exclude(
        _sale_recorded()
    )
    if received_before is not None:
        refunds = refunds.filter(received_at__lt=received_before)
    return refunds.select_related("product", "client").order_by("received_at", "id")


def sale_event_conflict_list() -> QuerySet[SaleEventConflict]:
    """Resends that disagreed with what was recorded, newest first."""
    return SaleEventConflict.objects.select_related("client")
