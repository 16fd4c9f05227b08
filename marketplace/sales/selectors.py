"""Reads of sale events."""

from django.db.models import QuerySet

from .models import SaleEvent


def sale_event_list() -> QuerySet[SaleEvent]:
    """Every event, newest first, with what a list shows already joined."""
    return SaleEvent.objects.select_related("product", "store", "member", "client")
