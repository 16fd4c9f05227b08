from functools import cache

from .selectors import notification_unread_count


def notifications(request):
    """`notifications_unread` for the header: one COUNT, and only if shown.

    Templates call callables when they resolve a variable, so pages that never
    show the count never query it; the cache makes it one query per page.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    member_id = user.pk

    @cache
    def notifications_unread() -> int:
        return notification_unread_count(member_id=member_id)

    return {"notifications_unread": notifications_unread}
