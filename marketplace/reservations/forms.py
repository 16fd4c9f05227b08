"""Forms of the members' reservation pages; the rules themselves live in services.py.

The form only checks what a field can tell on its own (a whole number, a date);
whether the day suits the store, the stock and the member's limits is the
service's to say, in words, on the field it is about.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def request_key_new() -> str:
    """A fresh one-time key for the reserve form: posted twice, reserved once."""
    return secrets.token_urlsafe(16)


def pickup_days(store, *, today: dt.date, days_ahead: int) -> list[dt.date]:
    """The days the store opens, from `today` to `days_ahead` days after it."""
    days = (today + dt.timedelta(days=offset) for offset in range(days_ahead + 1))
    return [day for day in days if store.is_open_on(day)]


def pickup_day_label(day: dt.date, *, today: dt.date) -> str:
    """The day in a menu: "Today, Monday 23 November", "Tomorrow, …", then the
    date alone."""
    named = date_format(day, "l j F")
    if day == today:
        return gettext("Today, %(day)s") % {"day": named}
    if day == today + dt.timedelta(days=1):
        return gettext("Tomorrow, %(day)s") % {"day": named}
    return named


class ReservationForm(forms.Form):
    """How many units, which pick-up day, and the form's one-time key."""

    quantity = forms.IntegerField(
        label=_("Quantity"),
        initial=1,
        # Its range is the service's rule (and words); the browser is told too.
        error_messages={
            "required": _("Say how many units to reserve."),
            "invalid": _("Give the quantity as a whole number, e.g. 2."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    pickup_day = forms.DateField(
        label=_("Pick-up day"),
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": _("Choose the day you will pick it up."),
            "invalid": _("Choose a pick-up day from the list."),
        },
    )
    request_key = forms.CharField(
        required=False, max_length=100, widget=forms.HiddenInput
    )

    def __init__(
        self, *args, store, today: dt.date, days_ahead: int, max_units: int, **kwargs
    ):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("request_key", request_key_new())
        super().__init__(*args, **kwargs)
        self.fields["quantity"].widget.attrs.update({"min": 1, "max": max_units})
        days = pickup_days(store, today=today, days_ahead=days_ahead)
        choices = [
            (day.isoformat(), pickup_day_label(day, today=today)) for day in days
        ]
        # A day sent that is not on the list (past, closed, too far) stays shown
        # next to the service's answer about it, so the member sees what was sent.
        sent = self.data.get(self.add_prefix("pickup_day")) if self.is_bound else None
        if sent and sent not in {value for value, _label in choices}:
            try:
                day = dt.date.fromisoformat(sent)
            except ValueError:
                pass
            else:
                choices.insert(0, (sent, pickup_day_label(day, today=today)))
        self.fields["pickup_day"].widget = forms.Select(choices=choices)
        if days and "pickup_day" not in self.initial:
            self.initial["pickup_day"] = days[0].isoformat()
        self.open_days = days

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("request_key"):
            # Only a form not sent from the page lacks it. Say so, with a fresh
            # key for the next try, rather than risk reserving twice.
            self.data = self.data.copy()
            self.data[self.add_prefix("request_key")] = request_key_new()
            self.add_error(
                None,
                gettext("This form has expired: check your choice and send it again."),
            )
        return cleaned


class CancelForm(forms.Form):
    """The confirmation of a cancellation: nothing to fill in, a POST to mean it."""
