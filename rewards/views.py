"""The member's wallet at /me/wallet/: balances, statement, payouts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.form_errors import form_errors_add

from . import selectors, services
from .forms import JoinForm, PayoutForm
from .models import Payout, Programme, ProgrammeMembership

STATEMENT_PER_PAGE = 25


def _membership(member) -> ProgrammeMembership | None:
    return ProgrammeMembership.objects.filter(member=member).first()


def payout_shortfall_cents(*, available_cents: int, minimum_cents: int) -> int:
    """How much more the member must have available before asking for a payout;
    0 once the available balance reaches the programme's minimum."""
    return max(minimum_cents - available_cents, 0)


def _wallet_render(request, *, join_form=None, payout_form=None, status=200):
    membership = _membership(request.user)
    programme = Programme.in_force_on(_today())
    context = {
        "membership": membership,
        "programme": programme,
        "join_form": join_form or JoinForm(),
    }
    # Money a member earned outside the programme (a second-hand sale) shows
    # before they join; joining is what lets them be paid it.
    show_wallet = membership is not None or selectors.member_has_ledger_lines(
        member_id=request.user.pk
    )
    context["show_wallet"] = show_wallet
    if show_wallet:
        page = Paginator(
            selectors.statement_entries(member_id=request.user.pk), STATEMENT_PER_PAGE
        ).get_page(request.GET.get("page"))
        summary = selectors.wallet_summary(member_id=request.user.pk)
        # The payout form shows only once the available money reaches the minimum;
        # until then the wallet says how far away it is.
        shortfall = payout_shortfall_cents(
            available_cents=summary.available_cents,
            minimum_cents=programme.min_payout_cents,
        )
        payout_open = not shortfall and summary.available_cents > 0
        context.update(
            summary=summary,
            page_obj=page,
            lines=selectors.statement_lines(page.object_list),
            payout_shortfall_cents=shortfall,
            # A refused request shows its form again, with its errors, whatever
            # the balance has become meanwhile.
            payout_form=(
                payout_form or (PayoutForm() if payout_open else None)
                if membership is not None
                else None
            ),
            payouts=selectors.member_payouts(member_id=request.user.pk)[:10],
        )
    return render(request, "rewards/wallet.html", context, status=status)


def _today():
    from django.utils import timezone

    return timezone.localdate()


@login_required
@require_http_methods(["GET", "HEAD"])
def wallet(request):
    """/me/wallet/: the signed-in member's own wallet, never anyone else's."""
    return _wallet_render(request)


@login_required
@require_POST
def wallet_join(request):
    form = JoinForm(request.POST)
    if form.is_valid():
        services.programme_join(member=request.user, accept_terms=True)
        messages.success(request, _("Welcome to the rewards programme."))
        return redirect("rewards:wallet")
    return _wallet_render(request, join_form=form, status=400)


@login_required
@require_POST
def payout_create(request):
    form = PayoutForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            payout = services.payout_request(
                member=request.user,
                method=data["method"],
                amount_cents=data["amount"],
                request_key=data["request_key"],
                iban=data["iban"],
                account_holder=data["account_holder"],
            )
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("rewards:wallet")
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            if payout.method == Payout.Method.VOUCHER:
                messages.success(request, _("Your voucher is ready."))
            else:
                messages.success(
                    request,
                    _("Your transfer request is recorded: a manager will approve it."),
                )
            return redirect("rewards:payout_detail", payout_id=payout.pk)
    return _wallet_render(request, payout_form=form, status=400)


@login_required
@require_http_methods(["GET", "HEAD"])
def payout_detail(request, payout_id: int):
    """One of the member's own payouts (a voucher shows its code); 404 for others."""
    payout = Payout.objects.filter(pk=payout_id, member=request.user).first()
    if payout is None:
        raise Http404(_("You have no payout with this number."))
    return render(request, "rewards/payout_detail.html", {"payout": payout})


@login_required
@require_http_methods(["GET", "HEAD"])
def statement_export(request):
    """The signed-in member's whole statement as a CSV file."""
    response = HttpResponse(
        selectors.statement_csv(member_id=request.user.pk),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="comptoir-statement.csv"'
    return response
