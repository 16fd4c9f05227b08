"""Reads of members and their public profiles."""

from django.db.models import QuerySet

from .models import MemberDataRequest, User


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


def data_export_latest(*, member: User) -> MemberDataRequest | None:
    """The member's latest request for a copy, if any."""
    return (
        MemberDataRequest.objects.filter(
            member=member, kind=MemberDataRequest.Kind.EXPORT
        )
        .order_by("-requested_at", "-id")
        .first()
    )


def data_export_for_download(
    *, member: User, request_id: int
) -> MemberDataRequest | None:
    """The member's own ready export, or None (anyone else's is None too)."""
    return MemberDataRequest.objects.filter(
        pk=request_id,
        member=member,
        kind=MemberDataRequest.Kind.EXPORT,
        status=MemberDataRequest.Status.READY,
    ).first()


def data_request_list():
    """Every request, newest first, with the member and handler (the admin list)."""
    return MemberDataRequest.objects.select_related("member", "handled_by").order_by(
        "-requested_at", "-id"
    )
