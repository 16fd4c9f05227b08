"""A second-hand hand-off, and a buy-back inspection, at the store's desk (admin).

Wagtail's admin URLs already send anonymous visitors and people without admin
access to its login; someone who works no desk at all is sent back to the
admin's home with a message (`desk_staff_required`); a hand-off of a store the
user does not work is a 404, never a 403, so it is not told to exist. Each POST
calls one service: a refusal is shown on the form in the service's words, a
success redirects with a message.

A buy-back may be inspected at any store (the member brings the item where it
suits them), by the staff of the store whose desk it is opened from.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.form_errors import form_errors_add
from comptoir.money import format_cents
from marketplace.catalog.desk import desk_staff_required, store_staffed_by
from marketplace.catalog.desk_views import desk_code_clean, desk_url

from . import services
from .buyback import CONDITION_ORDER, buyback_inspect, buyback_quote
from .desk import (
    staff_buyback_get,
    staff_buyback_url,
    staff_handoff_get,
    staff_handoff_url,
)
from .forms import EurosField
from .models import (
    BuybackStatus,
    Condition,
    HandoffStatus,
    Payout,
    ResaleSettings,
)
from .payments import sale_split
from .selectors import handoff_code_display

# The desk's code box takes a QR reader's URL; so does this field.
CODE_FIELD_MAX = 500


class HandoffConfirmForm(forms.Form):
    """The buyer's code, what they paid at the till, how the seller is paid. The
    service checks again, inside its transaction."""

    code = forms.CharField(
        label=gettext_lazy("The buyer's hand-off code"),
        max_length=CODE_FIELD_MAX,
        help_text=gettext_lazy("Type the code the buyer shows, or scan their QR code."),
        error_messages={"required": gettext_lazy("Type the buyer's hand-off code.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    paid = EurosField(
        label=gettext_lazy("Paid at the till (€)"),
        error_messages={
            "required": gettext_lazy("Type what the buyer paid at the till.")
        },
    )
    payout = forms.ChoiceField(
        label=gettext_lazy("The seller is paid in"),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose how the seller is paid.")},
    )

    def __init__(self, *args, handoff, rules, **kwargs):
        super().__init__(*args, **kwargs)
        cash = sale_split(
            price_cents=handoff.price_cents, payout=Payout.CASH, rules=rules
        )
        credit = sale_split(
            price_cents=handoff.price_cents, payout=Payout.STORE_CREDIT, rules=rules
        )
        self.fields["payout"].choices = [
            (
                Payout.CASH,
                _("Money in their wallet: %(amount)s, after the hold period")
                % {"amount": format_cents(cash.part_cents)},
            ),
            (
                Payout.STORE_CREDIT,
                _("Store credit: %(amount)s at once, bonus included")
                % {"amount": format_cents(credit.credited_cents)},
            ),
        ]

    def clean_code(self) -> str:
        code = desk_code_clean(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(_("Type the buyer's hand-off code."))
        return code


class BuybackInspectForm(forms.Form):
    """The condition found at the inspection (the one declared or a lower one)
    and, when lower, why."""

    condition = forms.ChoiceField(
        label=gettext_lazy("Condition found"),
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose the condition you found."),
            "invalid_choice": gettext_lazy(
                "Choose the condition declared or a lower one."
            ),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Why lower than declared"),
        required=False,
        max_length=300,
        help_text=gettext_lazy(
            "Needed when the condition is lower than the member declared; the "
            "member reads it."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, buyback, rules, **kwargs):
        super().__init__(*args, **kwargs)
        declared = CONDITION_ORDER.index(buyback.declared_condition)
        choices = []
        for condition in CONDITION_ORDER[declared:]:
            if condition == buyback.declared_condition:
                credit = buyback.offered_cents
            else:
                quoted = buyback_quote(
                    listing=buyback.listing, condition=condition, rules=rules
                )
                credit = min(quoted, buyback.offered_cents) if quoted else None
            label = Condition(condition).label
            if credit:
                words = _("%(condition)s: %(amount)s of store credit") % {
                    "condition": label,
                    "amount": format_cents(credit),
                }
            else:
                words = _("%(condition)s: not bought back (refused)") % {
                    "condition": label
                }
            choices.append((condition, words))
        self.fields["condition"].choices = choices
        self.fields["condition"].initial = buyback.declared_condition


def _render(request, template: str, title: str, context: dict, status: int = 200):
    return render(
        request,
        template,
        {"page_title": title, "header_title": title, "header_icon": "tag"} | context,
        status=status,
    )


def _refusal_on(form, error: Exception) -> None:
    if isinstance(error, ValidationError):
        form_errors_add(form, error, renamed=AMOUNT_FIELD)
    else:
        form.add_error(None, str(error) or _("This is not allowed."))


# The service names the amount as the model does; the form as staff type it.
AMOUNT_FIELD = {"paid_cents": "paid"}


# --- A hand-off -------------------------------------------------------------------


def _handoff_page(request, handoff, form, *, status: int = 200):
    code = handoff_code_display(handoff.code)
    split = None
    if handoff.status == HandoffStatus.HANDED_OVER and handoff.paid_cents:
        split = sale_split(price_cents=handoff.paid_cents, payout=handoff.payout)
    return _render(
        request,
        "resale/desk/handoff_detail.html",
        _("Second-hand hand-off %(code)s") % {"code": code},
        {
            "handoff": handoff,
            "listing": handoff.listing,
            "code_display": code,
            "desk_url": desk_url(handoff.store, handoff.day),
            "form": form if handoff.status == HandoffStatus.RESERVED else None,
            "split": split,
            "statuses": HandoffStatus,
        },
        status=status,
    )


@desk_staff_required
@require_http_methods(["GET", "HEAD"])
def handoff_detail(request, handoff_id: int):
    """A hand-off of the user's store: the listing, both parties, the agreed
    price, and the form that hands it over while it is reserved. The code typed
    at the desk comes along (?code=) so staff need not type it again."""
    handoff = staff_handoff_get(user=request.user, handoff_id=handoff_id)
    rules = ResaleSettings.load(request_or_site=request)
    typed = desk_code_clean(request.GET.get("code", ""))[:CODE_FIELD_MAX]
    form = HandoffConfirmForm(
        handoff=handoff,
        rules=rules,
        initial={
            "code": handoff_code_display(typed) if typed else "",
            "paid": handoff.price_cents,
            "payout": Payout.CASH,
        },
    )
    return _handoff_page(request, handoff, form)


@desk_staff_required
@require_POST
def handoff_confirm(request, handoff_id: int):
    """Handed over: the buyer paid at the till, the listing is sold, the seller
    is paid as chosen (services.handoff_confirm)."""
    handoff = staff_handoff_get(user=request.user, handoff_id=handoff_id)
    rules = ResaleSettings.load(request_or_site=request)
    form = HandoffConfirmForm(request.POST, handoff=handoff, rules=rules)
    if handoff.status != HandoffStatus.RESERVED:
        messages.warning(
            request,
            _("Nothing to hand over any more: this hand-off is “%(status)s”.")
            % {"status": HandoffStatus(handoff.status).label},
        )
        return redirect(staff_handoff_url(handoff))
    if not form.is_valid():
        return _handoff_page(request, handoff, form, status=400)
    try:
        done = services.handoff_confirm(
            store=handoff.store,
            code=form.cleaned_data["code"],
            by=request.user,
            paid_cents=form.cleaned_data["paid"],
            payout=form.cleaned_data["payout"],
        )
    except (ValidationError, PermissionDenied) as error:
        _refusal_on(form, error)
        handoff.refresh_from_db()
        return _handoff_page(request, handoff, form, status=400)
    split = sale_split(price_cents=done.paid_cents, payout=done.payout, rules=rules)
    if done.payout == Payout.STORE_CREDIT:
        paid_as = _("%(amount)s of store credit for %(seller)s") % {
            "amount": format_cents(split.credited_cents),
            "seller": done.seller.public_name,
        }
    else:
        paid_as = _("%(amount)s in %(seller)s's wallet") % {
            "amount": format_cents(split.part_cents),
            "seller": done.seller.public_name,
        }
    messages.success(
        request,
        _("Handed over: “%(title)s” to %(buyer)s for %(price)s; %(paid_as)s.")
        % {
            "title": done.listing.title,
            "buyer": done.buyer.public_name,
            "price": format_cents(done.paid_cents),
            "paid_as": paid_as,
        },
    )
    return redirect(staff_handoff_url(done))


# --- A buy-back inspection --------------------------------------------------------


def _store_or_404(request, store_code: str):
    store = store_staffed_by(request.user, store_code)
    if store is None:
        raise Http404(_("No store with this code."))
    return store


def _buyback_page(request, store, buyback, form, *, status: int = 200):
    return _render(
        request,
        "resale/desk/buyback_detail.html",
        _("Buy-back of “%(title)s”") % {"title": buyback.listing.title},
        {
            "store": store,
            "buyback": buyback,
            "listing": buyback.listing,
            "desk_url": desk_url(store),
            "form": form if buyback.status == BuybackStatus.ACCEPTED else None,
            "statuses": BuybackStatus,
        },
        status=status,
    )


@desk_staff_required
@require_http_methods(["GET", "HEAD"])
def buyback_detail(request, store_code: str, buyback_id: int):
    """An item the shop bought back, as the member declared it, and the
    inspection form while it waits for one."""
    store = _store_or_404(request, store_code)
    buyback = staff_buyback_get(buyback_id=buyback_id)
    rules = ResaleSettings.load(request_or_site=request)
    form = BuybackInspectForm(buyback=buyback, rules=rules)
    return _buyback_page(request, store, buyback, form)


@desk_staff_required
@require_POST
def buyback_inspection(request, store_code: str, buyback_id: int):
    """Inspected at this store: credited as a voucher, or refused
    (buyback.buyback_inspect)."""
    store = _store_or_404(request, store_code)
    buyback = staff_buyback_get(buyback_id=buyback_id)
    back = staff_buyback_url(buyback, store)
    if buyback.status != BuybackStatus.ACCEPTED:
        messages.warning(
            request,
            _("This buy-back was already inspected (%(status)s).")
            % {"status": BuybackStatus(buyback.status).label},
        )
        return redirect(back)
    rules = ResaleSettings.load(request_or_site=request)
    form = BuybackInspectForm(request.POST, buyback=buyback, rules=rules)
    if not form.is_valid():
        return _buyback_page(request, store, buyback, form, status=400)
    try:
        done = buyback_inspect(
            buyback=buyback,
            store=store,
            by=request.user,
            condition=form.cleaned_data["condition"],
            reason=form.cleaned_data["reason"],
        )
    except (ValidationError, PermissionDenied) as error:
        _refusal_on(form, error)
        buyback.refresh_from_db()
        return _buyback_page(request, store, buyback, form, status=400)
    if done.status == BuybackStatus.CREDITED:
        messages.success(
            request,
            _("Inspected: %(amount)s of store credit for %(member)s, as a voucher.")
            % {
                "amount": format_cents(done.credited_cents),
                "member": done.member.public_name,
            },
        )
    else:
        messages.warning(
            request,
            _(
                "Refused: the shop does not buy it back in this condition. Give "
                "the item back to %(member)s."
            )
            % {"member": done.member.public_name},
        )
    return redirect(back)


desk_admin_urlpatterns = [
    path("handoffs/<int:handoff_id>/", handoff_detail, name="handoff"),
    path("handoffs/<int:handoff_id>/confirm/", handoff_confirm, name="handoff_confirm"),
    path(
        "<slug:store_code>/buybacks/<int:buyback_id>/", buyback_detail, name="buyback"
    ),
    path(
        "<slug:store_code>/buybacks/<int:buyback_id>/inspect/",
        buyback_inspection,
        name="buyback_inspect",
    ),
]
