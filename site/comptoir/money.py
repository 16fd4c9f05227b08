"""Money is integer cents; this is the one place that turns cents into text."""

import re
from decimal import Decimal

from django.conf import settings
from django.utils import formats, translation

CURRENCY_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF"}


def format_cents(cents: int | None, currency: str | None = None) -> str:
    """Format an amount in cents the way the active language writes money.

    French puts the symbol after the number ("12 340,00 €"), English before
    ("€12,340.00"). Cents are converted with Decimal, never float.
    """
    if cents is None:
        return ""
    currency = currency or settings.CURRENCY
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    sign = "-" if cents < 0 else ""
    amount = Decimal(abs(int(cents))) / 100
    number = formats.number_format(amount, 2, use_l10n=True, force_grouping=True)
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language == "en":
        return f"{sign}{symbol}{number}"
    # Non-breaking space: the symbol never wraps away from its number.
    return f"{sign}{number}\u00a0{symbol}"


# What people type for an amount once spaces, € and "EUR" are gone: "12", "12,5",
# "12.50". Any number of decimals is matched, so too many is told as such.
_TYPED_AMOUNT = re.compile(r"^(?P<units>\d{1,12})(?:[.,](?P<decimals>\d*))?$")


class AmountNotUnderstood(ValueError):
    """A typed amount that is not one; `reason` says why, for the form's words:
    "empty", "negative", "format" or "decimals" (more than two)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def euros_to_cents(text: str) -> int:
    """An amount typed in euros ("12,50", "12.50", "1 234,5 €") as integer cents.

    Either separator is accepted whatever the language, spaces (also non-breaking)
    are ignored, and it goes through Decimal, never a float. Raises
    AmountNotUnderstood; zero is an amount (the caller decides if it is allowed).
    """
    cleaned = re.sub(r"[\s\u00a0\u202f€]+", "", text or "").replace("EUR", "")
    if not cleaned:
        raise AmountNotUnderstood("empty")
    if cleaned.startswith("-"):
        raise AmountNotUnderstood("negative")
    match = _TYPED_AMOUNT.match(cleaned)
    if match is None:
        raise AmountNotUnderstood("format")
    decimals = match.group("decimals") or ""
    if len(decimals) > 2:
        raise AmountNotUnderstood("decimals")
    return int(Decimal(f"{match.group('units')}.{decimals or '0'}") * 100)


def cents_as_typed(cents: int | None) -> str:
    """Cents as an amount field shows them back, as the active language writes a
    decimal number without grouping or symbol: "12,50" in French, "12.50" in
    English (euros_to_cents reads both)."""
    if cents is None:
        return ""
    cents = int(cents)
    sign = "-" if cents < 0 else ""
    separator = formats.get_format("DECIMAL_SEPARATOR")
    return f"{sign}{abs(cents) // 100}{separator}{abs(cents) % 100:02d}"
