"""The kinds of e-mail a member may choose to get, and which kind each
notification is.

A member says yes or no per category, not per notification kind: five choices
are ones a person can make, forty codes are not. Today's kinds are mapped here;
a later app that sends a kind of its own passes `email_category` to
`notification_send` (or `member_email_send`) instead of editing this table.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailCategory(models.TextChoices):
    DECISIONS = "decisions", _("Decisions on what I post and on my account")
    REPLIES = "replies", _("Replies and mentions")
    DIGESTS = "digests", _("Digests of what is new")
    TRADES = "trades", _("Reservations and resale messages")
    PROGRAMME = "programme", _("Rewards programme statements and payouts")


KIND_CATEGORIES: dict[str, str] = {
    "content_approved": EmailCategory.DECISIONS,
    "content_rejected": EmailCategory.DECISIONS,
    "content_hidden": EmailCategory.DECISIONS,
    "suspended": EmailCategory.DECISIONS,
    "suspension_lifted": EmailCategory.DECISIONS,
    "trust_promoted": EmailCategory.DECISIONS,
    "trust_granted": EmailCategory.DECISIONS,
    "review_response": EmailCategory.REPLIES,
    "rewards_payout": EmailCategory.PROGRAMME,
    "rewards_orphan_refunds": EmailCategory.PROGRAMME,
}


def email_category_for(*, kind: str, email_category: str | None = None) -> str:
    """The category an e-mail of this kind belongs to.

    An explicit category wins; an unknown kind without one is a programming
    error, caught here rather than by a member who cannot unsubscribe from it.
    """
    category = email_category or KIND_CATEGORIES.get(kind)
    if category not in EmailCategory.values:
        raise ValueError(
            f"E-mail of kind {kind!r} has no category: pass email_category, one of "
            f"{', '.join(EmailCategory.values)}."
        )
    return str(category)
