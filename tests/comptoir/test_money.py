"""Amounts typed in euros and shown back in the form's language (comptoir/money.py)."""

import pytest
from django.utils import translation

from comptoir.money import AmountNotUnderstood, cents_as_typed, euros_to_cents


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("12", 1200),
        ("12,5", 1250),
        ("12.50", 1250),
        ("0,10", 10),
        ("19.99", 1999),
        ("1 234,50 €", 123450),
        ("1\u00a0234,50\u00a0€", 123450),
        ("€12.50", 1250),
        ("12,50 EUR", 1250),
        ("0", 0),
    ],
)
def test_either_separator_spaces_and_the_symbol_are_read(typed, cents):
    assert euros_to_cents(typed) == cents


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "empty"),
        ("  € ", "empty"),
        ("-3", "negative"),
        ("12,505", "decimals"),
        ("12.5.0", "format"),
        ("douze", "format"),
        ("1e3", "format"),
    ],
)
def test_what_is_not_an_amount_says_why(typed, reason):
    with pytest.raises(AmountNotUnderstood) as caught:
        euros_to_cents(typed)
    assert caught.value.reason == reason


def test_an_amount_is_shown_back_as_the_language_writes_decimals():
    with translation.override("fr"):
        assert cents_as_typed(123450) == "1234,50"
        assert cents_as_typed(5) == "0,05"
    with translation.override("en"):
        assert cents_as_typed(123450) == "1234.50"
    assert cents_as_typed(None) == ""


def test_what_is_shown_back_is_read_back_in_every_language():
    for language in ("fr", "en"):
        with translation.override(language):
            assert euros_to_cents(cents_as_typed(4599)) == 4599
