"""Writes of notifications: send one, mark them read.

Everything a member would notice (the live count, the e-mail) happens after the
transaction commits, so nothing announces a change that was rolled back.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .live import notification_count_broadcast
from .models import Notification
from .selectors import notification_unread_count

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """A link that works from an e-mail: the site's base address plus the path."""
    if path.startswith(("http://", "https://")):
        return path
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return f"{base}/{path.lstrip('/')}"


def _count_push_on_commit(member_id: int) -> None:
    # A named function rather than functools.partial: Django logs a failing
    # robust callback by its __qualname__.
    def push_unread_count():
        notification_count_broadcast(
            member_id=member_id,
            unread=notification_unread_count(member_id=member_id),
        )

    transaction.on_commit(push_unread_count, robust=True)


def _email_send(notification: Notification) -> None:
    recipient = notification.recipient
    if not recipient.email:
        return
    link = absolute_url(notification.url or reverse("notifications:list"))
    lines = [
        _("Hello %(name)s,") % {"name": recipient.public_name},
        "",
        notification.title,
    ]
    if notification.body:
        lines += ["", notification.body]
    lines += ["", _("See it on Comptoir: %(link)s") % {"link": link}]
    send_mail(
        subject=f"Comptoir · {notification.title}",
        message="\n".join(lines),
        from_email=None,
        recipient_list=[recipient.email],
    )


def notification_send(
    *,
    recipient,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = False,
) -> Notification:
    """Notify a member in the app, and by e-mail when asked.

    The row is written in the caller's transaction; the live count and the
    e-mail leave only once it commits, and not at all if it rolls back.
    """
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        title=title[:200],
        body=body,
        url=url[:500],
    )
    # robust: a mail server or channel layer that is down must not turn an
    # already committed decision into an error page.
    _count_push_on_commit(recipient.pk)
    if email:

        def send_email():
            _email_send(notification)

        transaction.on_commit(send_email, robust=True)
    return notification


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark one notification read; reading it again keeps the first read time."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        _count_push_on_commit(notification.recipient_id)
    return notification


@transaction.atomic
def notification_mark_all_read(*, member) -> int:
    """Mark every unread notification of a member read; returns how many."""
    marked = Notification.objects.filter(recipient=member, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked:
        _count_push_on_commit(member.pk)
    return marked
