"""A member's notifications, for the member-data export and erasure.

Erasure deletes them: they were written to the member alone, and nothing else
points at them. The member's e-mail choices go the same way, and so do the
e-mails to them that have not left yet (their background jobs).
"""

from typing import Any

from comptoir.background import emails_waiting_erase, emails_waiting_export

from .models import EmailPreference, Notification
from .selectors import email_preferences_get, notification_list


def notifications_export(member) -> list[dict[str, Any]]:
    """Every notification the member received, oldest first."""
    notifications = notification_list(member_id=member.pk).order_by("created_at", "id")
    return [
        {
            "kind": notification.kind,
            "title": notification.title,
            "body": notification.body,
            "url": notification.url,
            "created_at": notification.created_at,
            "read_at": notification.read_at,
        }
        for notification in notifications.iterator(chunk_size=1000)
    ]


def notifications_erase(member) -> int:
    """Delete every notification of the member; returns how many."""
    deleted, _by_model = Notification.objects.filter(recipient=member).delete()
    return deleted


def email_preferences_export(member) -> dict[str, bool]:
    """The member's choice for every category of e-mail (on unless turned off)."""
    return email_preferences_get(member_id=member.pk)


def email_preferences_erase(member) -> int:
    """Delete the member's e-mail choices; returns how many."""
    deleted, _by_model = EmailPreference.objects.filter(member=member).delete()
    return deleted


def _member_addresses(member) -> set[str]:
    addresses = {member.email, *member.emailaddress_set.values_list("email", flat=True)}
    return {address for address in addresses if address}


def emails_waiting_member_export(member) -> list[dict]:
    """E-mails to the member that have not left yet (or failed to)."""
    return [
        email
        for address in sorted(_member_addresses(member))
        for email in emails_waiting_export(address)
    ]


def emails_waiting_member_erase(member) -> int:
    """Withdraw the e-mails to the member that have not left; returns how many."""
    return sum(emails_waiting_erase(address) for address in _member_addresses(member))
