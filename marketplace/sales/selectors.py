"""Reads of sale events."""

from django.db.models import Q, QuerySet

from .models import SaleEvent


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
