"""Reads of members and their public profiles."""

from django.db.models import QuerySet

from .models import User


def member_public_list() -> QuerySet[User]:
    """Members others may see: active, with a profile address."""
    return (
        User.objects.filter(is_active=True, slug__isnull=False)
        .exclude(slug="")
        .select_related("home_store")
    )


def member_public_get(*, slug: str) -> User | None:
    """The public profile behind /members/<slug>/, or None if there is none to show."""
    return member_public_list().filter(slug=slug).first()


def member_profile_get(*, member_id: int) -> User:
    """A member with what their own profile page shows."""
    return User.objects.select_related("home_store").get(pk=member_id)
