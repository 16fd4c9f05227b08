"""Writes of notifications: send one, mark them read.

Everything a member would notice (the live count, the e-mail) happens after the
transaction commits, so nothing announces a change that was rolled back.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.background import background_task, email_send_later, once, progress

from .email_categories import EmailCategory, email_category_for
from .live import notification_count_broadcast
from .models import EmailPreference, Notification
from .selectors import (
    email_preferences_get,
    email_wanted,
    notification_unread_count,
)
from .unsubscribe import unsubscribe_path

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


def member_email_send(
    *, recipient, category: str, subject: str, lines: list[str]
) -> bool:
    """Send one e-mail to a member, if they agreed to its category.

    Every e-mail but the account's own security mails (allauth's verification
    and password reset, which do not come through here) ends with a one-click
    unsubscribe link and carries the RFC 8058 headers, so a mail client's
    "unsubscribe" button turns off this category for this member alone. The
    mail leaves from a background job once the transaction commits (retried if
    the server refuses it). Returns whether it was sent off.
    """
    if not recipient.email:
        return False
    if not email_wanted(member_id=recipient.pk, category=category):
        return False
    unsubscribe_url = absolute_url(
        unsubscribe_path(member_id=recipient.pk, category=category)
    )
    footer = [
        "",
        "-- ",
        _("You get this e-mail because you chose “%(category)s”.")
        % {"category": EmailCategory(category).label},
        _("Stop these e-mails: %(link)s") % {"link": unsubscribe_url},
        _("Choose your e-mails: %(link)s")
        % {"link": absolute_url(reverse("notifications:email_preferences"))},
    ]
    message = EmailMessage(
        subject=subject,
        body="\n".join([*lines, *footer]),
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    # Rendered here, in the member's request and language; sent by a job.
    email_send_later(message)
    return True


def _notification_email_send(notification: Notification, category: str) -> None:
    recipient = notification.recipient
    link = absolute_url(notification.url or reverse("notifications:list"))
    lines = [
        _("Hello %(name)s,") % {"name": recipient.public_name},
        "",
        notification.title,
    ]
    if notification.body:
        lines += ["", notification.body]
    lines += ["", _("See it on Comptoir: %(link)s") % {"link": link}]
    member_email_send(
        recipient=recipient,
        category=category,
        subject=f"Comptoir · {notification.title}",
        lines=lines,
    )


def notification_send(
    *,
    recipient,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = False,
    email_category: str | None = None,
) -> Notification:
    """Notify a member in the app, and by e-mail when asked and agreed to.

    The row is written in the caller's transaction; the live count and the
    e-mail leave only once it commits, and not at all if it rolls back. The
    in-app notification is written even when the member turned off e-mails of
    its category (`email_categories.py`: kinds of later apps pass
    `email_category`).
    """
    category = (
        email_category_for(kind=kind, email_category=email_category) if email else ""
    )
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
            _notification_email_send(notification, category)

        transaction.on_commit(send_email, robust=True)
    return notification


# Members notified per transaction by a fan-out: one batch's rows commit together.
FAN_OUT_BATCH = 200


def notifications_send_many(
    *,
    recipient_ids,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = False,
    email_category: str | None = None,
    key: str = "",
):
    """Notify many members (an idea's supporters, a topic's watchers) from a
    background job; returns the job.

    Nothing starts unless the caller's transaction commits. The job notifies the
    active members among `recipient_ids` in batches of FAN_OUT_BATCH, each batch
    in one transaction recorded with it, so a worker lost mid-way notifies nobody
    twice; its progress counts the members notified. The same `key` twice (e.g.
    "idea-launched:42") starts one job.
    """
    if email:
        # An unknown kind fails here, in the caller, not in a worker later.
        email_category_for(kind=kind, email_category=email_category)
    ids = sorted({int(pk) for pk in recipient_ids})
    return notification_fan_out.enqueue(
        key=key,
        summary=f"{kind} · {len(ids)}",
        recipient_ids=ids,
        kind=kind,
        title=title,
        body=body,
        url=url,
        email=email,
        email_category=email_category,
    )


def _notify_batch(member_ids: list[int], **notification) -> int:
    members = get_user_model().objects.filter(pk__in=member_ids, is_active=True)
    count = 0
    for member in members.order_by("pk"):
        notification_send(recipient=member, **notification)
        count += 1
    return count


@background_task(label=gettext_lazy("Notifications to many members"))
def notification_fan_out(*, recipient_ids: list[int], **notification) -> None:
    """The job of notifications_send_many: one batch of members at a time."""
    total = len(recipient_ids)
    for start in range(0, total, FAN_OUT_BATCH):
        batch = recipient_ids[start : start + FAN_OUT_BATCH]
        once(
            f"members-{start}", lambda batch=batch: _notify_batch(batch, **notification)
        )
        progress(done=start + len(batch), total=total)


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


@transaction.atomic
def email_preferences_update(*, member, choices: dict[str, bool]) -> dict[str, bool]:
    """Record a member's yes or no per e-mail category; returns every choice.

    Only the categories named change; an unknown category is refused.
    """
    unknown = sorted(set(choices) - set(EmailCategory.values))
    if unknown:
        raise ValidationError(
            _("Unknown kind of e-mail: %(kinds)s.") % {"kinds": ", ".join(unknown)}
        )
    now = timezone.now()
    for category, enabled in choices.items():
        EmailPreference.objects.update_or_create(
            member=member,
            category=category,
            defaults={"enabled": bool(enabled), "updated_at": now},
        )
    return email_preferences_get(member_id=member.pk)


def email_unsubscribe(*, member, category: str) -> dict[str, bool]:
    """Turn off one category of e-mail for one member (an unsubscribe link).

    Unsubscribing again changes nothing; the other categories stay as they were.
    """
    return email_preferences_update(member=member, choices={category: False})
