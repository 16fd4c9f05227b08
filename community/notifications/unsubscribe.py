"""One-click unsubscribe links (RFC 8058): a signed token per member and category.

The signature is the authentication: whoever holds the link received the e-mail,
so it works without logging in, and it can only turn off that one category for
that one member. It does not expire, because a mail read a year later must
still unsubscribe.
"""

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from .email_categories import EmailCategory

_SALT = "comptoir.notifications.unsubscribe"


@dataclass(frozen=True)
class UnsubscribeToken:
    member_id: int
    category: str


def unsubscribe_token_make(*, member_id: int, category: str) -> str:
    """The signed token of an unsubscribe link."""
    return signing.dumps({"m": member_id, "c": category}, salt=_SALT, compress=True)


def unsubscribe_token_read(token: str) -> UnsubscribeToken | None:
    """The member and category a token names, or None if it is not ours."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    member_id, category = data.get("m"), data.get("c")
    if not isinstance(member_id, int) or category not in EmailCategory.values:
        return None
    return UnsubscribeToken(member_id=member_id, category=category)


def unsubscribe_path(*, member_id: int, category: str) -> str:
    """The path of the unsubscribe page for this member and category."""
    token = unsubscribe_token_make(member_id=member_id, category=category)
    return reverse("notifications:unsubscribe", kwargs={"token": token})
