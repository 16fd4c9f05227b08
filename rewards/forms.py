"""Wallet forms: joining the programme and asking for a payout."""

import re
import uuid
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Payout


class JoinForm(forms.Form):
    accept_terms = forms.BooleanField(
        label=_("I accept the rewards programme's terms"),
        required=True,
        error_messages={"required": _("Accept the programme's terms to take part.")},
    )


class PayoutForm(forms.Form):
    """Amount in euros as the member types it ("25", "25,50", "25.50")."""

    method = forms.ChoiceField(
        label=_("How do you want to be paid?"),
        choices=Payout.Method.choices,
        widget=forms.RadioSelect,
        initial=Payout.Method.VOUCHER,
    )
    amount = forms.CharField(label=_("Amount (€)"), max_length=12)
    iban = forms.CharField(
        label=_("IBAN"),
        required=False,
        max_length=50,
        help_text=_("For a bank transfer only."),
    )
    account_holder = forms.CharField(
        label=_("Account holder"), required=False, max_length=140
    )
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # A new key per page load: the same form sent twice pays once.
            self.initial["request_key"] = uuid.uuid4().hex

    def clean_amount(self) -> int:
        text = re.sub(r"[\s\u00a0€]", "", self.cleaned_data["amount"]).replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(
                _("Write an amount in euros, e.g. 25.50.")
            ) from None
        if not value.is_finite() or value <= 0:
            raise forms.ValidationError(_("Write an amount above zero."))
        if value != value.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("Amounts go to the cent: two decimals."))
        if value > Decimal("1000000"):
            raise forms.ValidationError(_("This amount is too large."))
        return int(value * 100)


class CloseForm(forms.Form):
    month = forms.CharField(
        label=_("Month to close"), max_length=7, help_text=_("YYYY-MM, e.g. 2026-10")
    )


class RejectForm(forms.Form):
    note = forms.CharField(
        label=_("Reason given to the member"), required=False, max_length=300
    )
