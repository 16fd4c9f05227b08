"""Whether a member has the site open right now, so news that reaches their open
pages live need not follow them by e-mail.

A member is online while one of their pages held a live socket within the last
`ONLINE_WINDOW`. The header's unread-count socket (`consumers.py`, open on every
member page) marks it when it connects and whenever the page says it is still
being looked at (notifications-live.js, every minute while the page is visible);
other consumers mark it at connect (resale's conversation). Resale reads it to
e-mail a new conversation to offline members only.

The mark is the time it was made, in Django's default cache: Redis when
REDIS_URL is set, so every process (Daphne's sockets, the pages' workers) reads
what the others wrote; this process's memory otherwise. Presence is a hint, never
a reason to fail: a cache that raises leaves the member offline (they get the
e-mail) and the socket or message that asked carries on. While Redis is down the
settings' cache answers from each process's memory (`comptoir/resilience.py`), so
pages seen by another process read as offline too.
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.utils import timezone

from comptoir.resilience import DEFAULT_RETRY_SECONDS, outage_of

ONLINE_WINDOW = dt.timedelta(minutes=2)
# The window is measured on Django's clock, stored in the value (Redis expires
# keys on real time, which tests do not travel): the cache's expiry only clears
# old marks away.
KEPT_SECONDS = int(ONLINE_WINDOW.total_seconds()) * 2

# One log line when the cache starts failing presence, one when it works again,
# never one per socket or message.
_outage = outage_of(
    "Member presence (the cache)",
    consequence="members are taken as offline and get e-mails meant for offline "
    "members",
    retry_seconds=DEFAULT_RETRY_SECONDS,
)


def _key(member_id: int) -> str:
    return f"notifications:presence:{member_id}"


def member_presence_mark(member_id: int, *, now: dt.datetime | None = None) -> None:
    """Record that one of a member's pages holds a live socket at `now`.

    Never raises: when the cache fails, the member simply reads as offline.
    """
    now = now or timezone.now()
    # Whatever the backend raises is caught (Redis refusing writes when full, a
    # cache other than the settings' resilient one): a hint never closes a socket.
    try:
        cache.set(_key(member_id), now.timestamp(), timeout=KEPT_SECONDS)
    except Exception as error:  # noqa: BLE001 - logged once; reads as offline
        _outage.failed(error)
    else:
        _outage.answered()


def member_is_online(member_id: int, *, now: dt.datetime | None = None) -> bool:
    """Whether a page of the member's held a live socket within `ONLINE_WINDOW`
    before `now`.

    False when the cache fails: an e-mail too many is better than news missed.
    """
    now = now or timezone.now()
    try:
        seen = cache.get(_key(member_id))
    except Exception as error:  # noqa: BLE001 - logged once; the e-mail goes
        _outage.failed(error)
        return False
    _outage.answered()
    if not isinstance(seen, int | float):
        return False
    # A mark a little ahead of `now` (another process's clock) counts as online.
    return now.timestamp() - seen <= ONLINE_WINDOW.total_seconds()
