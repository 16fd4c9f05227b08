"""Money is integer cents; this is the one place that turns cents into text."""

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
