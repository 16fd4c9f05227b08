"""The moderation clock: how long a member's item will usually wait for a moderator.

Content apps show it next to an item that waits for moderation::

    {% load moderation_clock %}{% moderation_clock kind="review" %}

`kind` is the item's posting kind (its `ModeratedType.posting_kind`).
"""

import datetime as dt
import math

from django import template
from django.utils import timezone
from django.utils.translation import ngettext

from community.moderation.selectors import WAIT_WINDOW, median_wait

register = template.Library()

# Below an hour a wait reads in minutes, below two days in hours, then in days.
HOURS_FROM = dt.timedelta(hours=1)
DAYS_FROM = dt.timedelta(hours=48)


def wait_words(wait: dt.timedelta) -> str:
    """ "Usually checked within 3 hours": the wait rounded up to a unit a
    member reads at a glance (a median of 2 h 10 min is "within 3 hours")."""
    seconds = max(wait.total_seconds(), 1)
    if wait < HOURS_FROM:
        minutes = math.ceil(seconds / 60)
        return ngettext(
            "Usually checked within %(count)s minute",
            "Usually checked within %(count)s minutes",
            minutes,
        ) % {"count": minutes}
    if wait <= DAYS_FROM:
        hours = math.ceil(seconds / 3600)
        return ngettext(
            "Usually checked within %(count)s hour",
            "Usually checked within %(count)s hours",
            hours,
        ) % {"count": hours}
    days = math.ceil(seconds / 86400)
    return ngettext(
        "Usually checked within %(count)s day",
        "Usually checked within %(count)s days",
        days,
    ) % {"count": days}


@register.inclusion_tag("moderation/includes/clock.html", takes_context=True)
def moderation_clock(context, kind: str | None = None) -> dict:
    """The median wait of the last 30 days for this kind of item, in words.

    Read once per request and kind, so a page listing several waiting items
    (/me/reviews/) asks the database once, not once per item.
    """
    request = context.get("request")
    read = getattr(request, "_moderation_waits", None)
    if read is None:
        read = {}
        if request is not None:
            request._moderation_waits = read
    if kind not in read:
        read[kind] = median_wait(kind=kind, now=timezone.now())
    wait = read[kind]
    clock = {"wait": wait, "days": WAIT_WINDOW.days}
    if wait is None:
        return clock
    clock["days"] = wait.window.days
    clock["headline"] = wait_words(wait.median)
    clock["basis"] = ngettext(
        "from the one item decided in the last %(days)s days",
        "half of the %(count)s items decided in the last %(days)s days waited less",
        wait.decided,
    ) % {"count": wait.decided, "days": wait.window.days}
    return clock
