"""Seller reporting under the EU's DAC7 directive.

A platform reports, per seller and calendar year, the number of sales and the total
consideration, for every seller past the thresholds (30 sales or €2,000 in the year;
ours are editable in "Second-hand rules"). Such a seller gives their name, date of
birth, address and tax number before their next payout (a payout check at rewards'
plug-in point); a warning comes earlier (25 sales or €1,500). A sale here is a
hand-off confirmed at a store in that year, at what the buyer paid; buy-backs are the
shop's own purchases, not sales between members, and do not count.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.money import format_cents

from .models import Handoff, HandoffStatus, ResaleSettings, SellerTaxDetails


@dataclass(frozen=True)
class SellerYear:
    """One seller's sales of one calendar year, and where they stand."""

    member_id: int
    year: int
    sales: int
    total_cents: int
    reportable: bool
    warned: bool

    @property
    def total_text(self) -> str:
        return format_cents(self.total_cents)


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    # The calendar year in the shop's time zone: a sale at 00:30 on 1 January in
    # Paris belongs to the new year.
    zone = timezone.get_current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=zone)
    return start, dt.datetime(year + 1, 1, 1, tzinfo=zone)


def _standing(sales: int, cents: int, rules: ResaleSettings) -> tuple[bool, bool]:
    reportable = sales >= rules.dac7_sales or cents >= rules.dac7_cents
    warned = reportable or (
        sales >= rules.dac7_warning_sales or cents >= rules.dac7_warning_cents
    )
    return reportable, warned


def _sales(year: int):
    start, end = _year_bounds(year)
    return Handoff.objects.filter(
        status=HandoffStatus.HANDED_OVER, ended_at__gte=start, ended_at__lt=end
    )


def seller_year(*, member, year: int | None = None) -> SellerYear:
    """The member's sales of `year` (this year by default): one aggregate query."""
    year = year or timezone.localdate().year
    totals = (
        _sales(year)
        .filter(seller=member)
        .aggregate(sales=Count("pk"), total=Sum("paid_cents"))
    )
    sales, cents = int(totals["sales"] or 0), int(totals["total"] or 0)
    reportable, warned = _standing(sales, cents, ResaleSettings.load())
    return SellerYear(member.pk, year, sales, cents, reportable, warned)


def sellers_year(*, year: int, reportable_only: bool = False) -> list[SellerYear]:
    """Every seller's figures of `year`, most sold first (the admin's figures, and
    the report when `reportable_only`)."""
    rules = ResaleSettings.load()
    rows = (
        _sales(year)
        .order_by()
        .values("seller_id")
        .annotate(sales=Count("pk"), total=Sum("paid_cents"))
    )
    if reportable_only:
        rows = rows.filter(
            Q(sales__gte=rules.dac7_sales) | Q(total__gte=rules.dac7_cents)
        )
    found = []
    for row in rows:
        sales, cents = int(row["sales"]), int(row["total"] or 0)
        reportable, warned = _standing(sales, cents, rules)
        found.append(
            SellerYear(row["seller_id"], year, sales, cents, reportable, warned)
        )
    found.sort(
        key=lambda figure: (-figure.total_cents, -figure.sales, figure.member_id)
    )
    return found


def payout_refusal(member) -> str | None:
    """For rewards' payout check: the sentence that stops a payout, or None."""
    figure = seller_year(member=member)
    if not figure.reportable:
        return None
    if SellerTaxDetails.objects.filter(member_id=member.pk).exists():
        return None
    return _(
        "You have made %(sales)s second-hand sales for %(total)s this year: EU rules "
        "(DAC7) ask us for your full name, date of birth, address and tax number "
        "before your next payout. Give them on the page “My tax details”."
    ) % {"sales": figure.sales, "total": figure.total_text}


def warning_sentence(member) -> str | None:
    """What /me/listings/ tells a seller nearing or past the thresholds."""
    figure = seller_year(member=member)
    if not figure.warned:
        return None
    rules = ResaleSettings.load()
    values = {
        "sales": figure.sales,
        "total": figure.total_text,
        "max_sales": rules.dac7_sales,
        "max_total": format_cents(rules.dac7_cents),
    }
    if figure.reportable:
        if SellerTaxDetails.objects.filter(member_id=member.pk).exists():
            return (
                _(
                    "%(sales)s sales for %(total)s this year: you are in this year's "
                    "seller report (EU DAC7), with the tax details you gave."
                )
                % values
            )
        return (
            _(
                "%(sales)s sales for %(total)s this year: give your tax details before "
                "your next payout (EU DAC7)."
            )
            % values
        )
    return (
        _(
            "%(sales)s sales for %(total)s this year. From %(max_sales)s sales or "
            "%(max_total)s in a year, EU rules (DAC7) ask us for your tax details "
            "before your next payout."
        )
        % values
    )


def tax_details_save(
    *, member, legal_name, birth_date, address, tax_number, now=None
) -> SellerTaxDetails:
    """Keep (or correct) what the DAC7 report needs of a seller."""
    errors: dict[str, list[str]] = {}
    legal_name = (legal_name or "").strip()
    address = (address or "").strip()
    tax_number = "".join((tax_number or "").split()).upper()
    if not 3 <= len(legal_name) <= 200:
        errors["legal_name"] = [_("Give your full name as on your identity papers.")]
    today = timezone.localdate(now)
    if not isinstance(birth_date, dt.date) or not (
        dt.date(1900, 1, 1) <= birth_date <= today.replace(year=today.year - 16)
    ):
        errors["birth_date"] = [_("Give your date of birth (you must be 16 or over).")]
    if not 10 <= len(address) <= 500:
        errors["address"] = [_("Give your full postal address.")]
    if not 5 <= len(tax_number) <= 40 or not tax_number.isalnum():
        errors["tax_number"] = [
            _("Give your tax identification number (letters and digits only).")
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        details, _created = SellerTaxDetails.objects.update_or_create(
            member=member,
            defaults={
                "legal_name": legal_name,
                "birth_date": birth_date,
                "address": address,
                "tax_number": tax_number,
                "given_at": now or timezone.now(),
            },
        )
    return details


REPORT_COLUMNS = [
    "member_id",
    "email",
    "legal_name",
    "birth_date",
    "address",
    "tax_number",
    "sales",
    "consideration_eur",
    "year",
]


def _cell(value) -> str:
    # A spreadsheet would run a member's "=HYPERLINK(…)" as a formula.
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def report_csv(*, year: int) -> str:
    """The year's report of reportable sellers (CSV), one row per seller."""
    figures = sellers_year(year=year, reportable_only=True)
    members = get_user_model().objects.in_bulk([f.member_id for f in figures])
    details = {
        row.member_id: row
        for row in SellerTaxDetails.objects.filter(
            member_id__in=[f.member_id for f in figures]
        )
    }
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REPORT_COLUMNS)
    for figure in figures:
        member = members.get(figure.member_id)
        given = details.get(figure.member_id)
        writer.writerow(
            _cell(value)
            for value in [
                figure.member_id,
                getattr(member, "email", ""),
                given.legal_name if given else "",
                given.birth_date.isoformat() if given else "",
                given.address.replace("\n", ", ") if given else "",
                given.tax_number if given else "",
                figure.sales,
                f"{figure.total_cents // 100}.{figure.total_cents % 100:02d}",
                year,
            ]
        )
    return out.getvalue()
