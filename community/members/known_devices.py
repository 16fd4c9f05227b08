"""Known devices: browsers a member has logged in from before.

allauth locks an account for five minutes after five wrong passwords (the per-key
part of `ACCOUNT_RATE_LIMITS["login_failed"]`), so anyone who knows an e-mail
address could keep its owner out. As larger sites do (OWASP's "device cookies"),
each successful login leaves a signed cookie in the browser naming the accounts
that logged in there and a random id of the browser. Attempts from a known device
count against that account's limit for that device alone: guesses from anywhere
else never lock the owner out, and guesses sent with a stolen cookie lock out only
that cookie. The per-IP limit applies to every attempt, known device or not.

The cookie holds no e-mail address (a keyed hash of it) and is sent only to the
account pages, so other pages stay free of it.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

COOKIE_NAME = "comptoir_device"
COOKIE_PATH = "/accounts/"
COOKIE_MAX_AGE = dt.timedelta(days=365)
# A shared family computer: the most recent accounts are enough.
MAX_ACCOUNTS = 5
_SALT = "comptoir.members.known_devices"


def _account_tag(email: str) -> str:
    return salted_hmac(_SALT, email.strip().lower()).hexdigest()[:20]


def _read(request: HttpRequest) -> dict | None:
    value = request.COOKIES.get(COOKIE_NAME)
    if not value:
        return None
    try:
        data = signing.loads(value, salt=_SALT, max_age=COOKIE_MAX_AGE)
    except signing.BadSignature:
        return None
    valid = (
        isinstance(data, dict)
        and isinstance(data.get("device"), str)
        and isinstance(data.get("accounts"), list)
    )
    return data if valid else None


def known_device_id(request: HttpRequest, *, email: str) -> str | None:
    """This browser's id if the account with this e-mail logged in from it before."""
    data = _read(request)
    if data is None or _account_tag(email) not in data["accounts"]:
        return None
    return data["device"]


def known_device_remember(
    request: HttpRequest, response: HttpResponse, *, email: str
) -> None:
    """After a successful login: the browser is known to this account from now on
    (for a year after its latest login there)."""
    data = _read(request) or {"device": secrets.token_urlsafe(16), "accounts": []}
    tag = _account_tag(email)
    accounts = [tag] + [other for other in data["accounts"] if other != tag]
    response.set_cookie(
        COOKIE_NAME,
        signing.dumps(
            {"device": data["device"], "accounts": accounts[:MAX_ACCOUNTS]},
            salt=_SALT,
            compress=True,
        ),
        max_age=int(COOKIE_MAX_AGE.total_seconds()),
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
