"""Forms of a reservation's admin page: hand it over by code, use store credit.

They check what the page can check so staff get the answer at once; the
services check again inside their transaction.
"""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.money import (
    AmountNotUnderstood,
    cents_as_typed,
    euros_to_cents,
    format_cents,
)


class CollectForm(forms.Form):
    code = forms.CharField(
        label=_("The member's code"),
        max_length=40,
        help_text=_("Type the code the member shows, to confirm it is theirs."),
        error_messages={"required": _("Type the member's pick-up code.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class CreditForm(forms.Form):
    """How much of the member's available store credit to use at the till.

    The limits (the balance, what is left to pay) are the services': they are
    read there under a lock, and the same form sent twice is answered there
    with the first spend rather than refused for the balance it left."""

    amount = forms.CharField(
        label=_("Amount (€)"),
        max_length=20,
        error_messages={"required": _("Give the amount in euros, e.g. 12.50.")},
    )
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, available_cents: int, left_cents: int, **kwargs):
        self.available_cents = available_cents
        self.left_cents = left_cents
        kwargs.setdefault(
            "initial",
            {
                "amount": cents_as_typed(max(min(available_cents, left_cents), 0)),
                "request_key": uuid.uuid4().hex,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = _(
            "At most %(available)s available and %(left)s left to pay."
        ) % {
            "available": format_cents(available_cents),
            "left": format_cents(left_cents),
        }

    def clean_amount(self) -> int:
        try:
            cents = euros_to_cents(self.cleaned_data["amount"])
        except AmountNotUnderstood:
            raise forms.ValidationError(
                _("Give the amount in euros, e.g. 12.50.")
            ) from None
        if cents <= 0:
            raise forms.ValidationError(_("The amount must be above zero."))
        return cents
