"""Reads of API clients."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from .models import ApiClient


def api_client_list() -> QuerySet[ApiClient]:
    """Every client, live and revoked, by name."""
    return ApiClient.objects.order_by("name")


def api_client_get(*, name: str) -> ApiClient:
    """The client with this name; ValidationError when there is none."""
    try:
        return ApiClient.objects.get(name=name)
    except ApiClient.DoesNotExist:
        raise ValidationError(f"No API client named {name!r}.") from None
