"""A seller's tax details (/me/listings/tax/) and the rewards managers' seller
figures and yearly DAC7 report in the admin."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from comptoir.form_errors import form_errors_add
from comptoir.permissions import admin_permission_denied

from . import dac7
from .models import SellerTaxDetails

PER_PAGE = 50


class TaxDetailsForm(forms.Form):
    legal_name = forms.CharField(label=gettext_lazy("Full legal name"), max_length=200)
    birth_date = forms.DateField(
        label=gettext_lazy("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    address = forms.CharField(
        label=gettext_lazy("Postal address"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    tax_number = forms.CharField(
        label=gettext_lazy("Tax identification number"),
        max_length=40,
        help_text=gettext_lazy("In France, the 13-digit number on your tax notice."),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def tax_details(request):
    """/me/listings/tax/: what the seller gave, and the form to give or correct it."""
    given = SellerTaxDetails.objects.filter(member=request.user).first()
    initial = {}
    if given is not None:
        initial = {
            "legal_name": given.legal_name,
            "birth_date": given.birth_date,
            "address": given.address,
            "tax_number": given.tax_number,
        }
    form = TaxDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            dac7.tax_details_save(member=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("Your tax details are saved."))
            return redirect("resale:tax_details")
    return render(
        request,
        "resale/dac7/tax_details.html",
        {
            "form": form,
            "given": given,
            "figure": dac7.seller_year(member=request.user),
            "warning": dac7.warning_sentence(request.user),
        },
        status=400 if form.errors else 200,
    )


def _manager(request) -> bool:
    return request.user.has_perm("rewards.manage_rewards")


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        raise Http404(_("No such year.")) from None
    if not 2000 <= year <= 2100:
        raise Http404(_("No such year."))
    return year


@require_http_methods(["GET", "HEAD"])
def sellers_admin(request):
    """The year's second-hand figures per seller; the DAC7 report as CSV."""
    if not _manager(request):
        return admin_permission_denied(
            request, _("Only rewards managers may open this page.")
        )
    year = _year(request)
    if request.GET.get("format") == "csv":
        response = HttpResponse(
            dac7.report_csv(year=year), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="comptoir-dac7-sellers-{year}.csv"'
        )
        return response
    page = Paginator(dac7.sellers_year(year=year), PER_PAGE).get_page(
        request.GET.get("p")
    )
    members = get_user_model().objects.in_bulk([f.member_id for f in page.object_list])
    given = set(
        SellerTaxDetails.objects.filter(
            member_id__in=[f.member_id for f in page.object_list]
        ).values_list("member_id", flat=True)
    )
    rows = [
        {"figure": f, "member": members.get(f.member_id), "given": f.member_id in given}
        for f in page.object_list
    ]
    title = _("Second-hand sellers %(year)s") % {"year": year}
    return render(
        request,
        "resale/dac7/sellers_admin.html",
        {
            "page_title": title,
            "header_title": title,
            "header_icon": "tag",
            "year": year,
            "page_obj": page,
            "rows": rows,
        },
    )


dac7_urlpatterns = [
    path("me/listings/tax/", tax_details, name="tax_details"),
]

dac7_admin_urlpatterns = [
    path("sellers/", sellers_admin, name="sellers"),
]
