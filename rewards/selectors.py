"""Reads for the wallet, the rewards managers' views and the apps above rewards."""

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from .explain import entry_explain
from .models import (
    Account,
    Entry,
    LedgerTransaction,
    Payout,
    Period,
    Programme,
    ProgrammeMembership,
)
from .pools import accrual_kinds, earning_pools_by_kind


def programme_in_force(*, day: dt.date | None = None) -> Programme:
    """The programme version in force on a day (today by default).

    With no version saved, the programme's defaults apply (an unsaved version).
    """
    return Programme.in_force_on(day or timezone.localdate())


def member_in_programme(member_field: str) -> Exists:
    """An annotation: whether the member whose id is in `member_field` takes part.

    For a badge on each row of a list (a review's disclosure), in the list's own
    query: `reviews.annotate(author_in_rewards=member_in_programme("author_id"))`.
    """
    return Exists(ProgrammeMembership.objects.filter(member_id=OuterRef(member_field)))


@dataclass
class WalletSummary:
    pending_cents: int
    available_cents: int
    earned_cents: int


def wallet_summary(*, member_id: int) -> WalletSummary:
    """Pending, available and lifetime earned, in one query."""
    totals = Entry.objects.filter(account__member_id=member_id).aggregate(
        pending=Sum("amount_cents", filter=Q(account__kind=Account.Kind.PENDING)),
        available=Sum("amount_cents", filter=Q(account__kind=Account.Kind.AVAILABLE)),
        earned=Sum(
            "amount_cents",
            filter=Q(
                account__kind=Account.Kind.PENDING,
                transaction__kind__in=accrual_kinds(),
            ),
        ),
    )
    return WalletSummary(
        pending_cents=int(totals["pending"] or 0),
        available_cents=int(totals["available"] or 0),
        earned_cents=int(totals["earned"] or 0),
    )


def product_originator_royalties_cents(*, product_id: int) -> int:
    """What the closes have credited a product's originators so far, in cents.

    Their originator lines on members' pending accounts (adjustments of late
    refunds included, as negative lines); one query. For the idea page of a
    launched idea.
    """
    total = Entry.objects.filter(
        account__kind=Account.Kind.PENDING,
        transaction__kind=LedgerTransaction.Kind.ORIGINATOR,
        transaction__product_id=product_id,
    ).aggregate(total=Sum("amount_cents"))["total"]
    return int(total or 0)


def member_has_ledger_lines(*, member_id: int) -> bool:
    """Whether anything was ever written to the member's accounts (one query)."""
    return Entry.objects.filter(account__member_id=member_id).exists()


def statement_entries(*, member_id: int) -> QuerySet[Entry]:
    """A member's statement lines, newest first.

    A release moves money from pending to available: it is one line (its available
    side, shown with the pending side as its counterpart), not two.
    """
    return (
        Entry.objects.filter(account__member_id=member_id)
        .exclude(
            account__kind=Account.Kind.PENDING,
            transaction__kind=LedgerTransaction.Kind.RELEASE,
        )
        .select_related("transaction", "transaction__product", "account")
        .order_by("-transaction__created_at", "-id")
    )


@dataclass
class StatementLine:
    date: object
    text: str
    pending_cents: int
    available_cents: int


def statement_lines(entries) -> list[StatementLine]:
    pools = earning_pools_by_kind()
    lines = []
    for entry in entries:
        if entry.transaction.kind == LedgerTransaction.Kind.RELEASE:
            pending, available = -entry.amount_cents, entry.amount_cents
        elif entry.account.kind == Account.Kind.PENDING:
            pending, available = entry.amount_cents, 0
        else:
            pending, available = 0, entry.amount_cents
        lines.append(
            StatementLine(
                date=entry.transaction.created_at,
                text=entry_explain(entry, pools),
                pending_cents=pending,
                available_cents=available,
            )
        )
    return lines


def cents_text(cents: int) -> str:
    """Cents as a plain decimal string for CSV: 1234 → "12.34", -5 → "-0.05"."""
    return f"{Decimal(int(cents)) / 100:.2f}"


def statement_csv(*, member_id: int) -> str:
    """The whole statement as CSV (the csv module quotes what needs quoting)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "description", "pending", "available"])
    entries = statement_entries(member_id=member_id).iterator(chunk_size=2000)
    for line in statement_lines(entries):
        writer.writerow(
            [
                line.date.date().isoformat(),
                line.text,
                cents_text(line.pending_cents),
                cents_text(line.available_cents),
            ]
        )
    return out.getvalue()


def member_payouts(*, member_id: int) -> QuerySet[Payout]:
    return Payout.objects.filter(member_id=member_id).order_by("-created_at", "-id")


def period_list() -> QuerySet[Period]:
    return Period.objects.select_related("closed_by", "programme").order_by("-month")


def payout_queue() -> QuerySet[Payout]:
    """Transfers waiting for a decision or for the export, oldest first."""
    return (
        Payout.objects.filter(
            status__in=[Payout.Status.REQUESTED, Payout.Status.APPROVED]
        )
        .select_related("member")
        .order_by("created_at", "id")
    )


def payout_batches() -> QuerySet:
    from .models import PayoutBatch

    return (
        PayoutBatch.objects.select_related("created_by")
        .annotate(count=Count("payouts"), total=Sum("payouts__amount_cents"))
        .order_by("-created_at")
    )


def batch_csv(*, batch) -> str:
    """One row per transfer of the batch, for finance's bank upload."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["reference", "account_holder", "iban", "amount", "currency"])
    for payout in batch.payouts.order_by("id"):
        writer.writerow(
            [
                f"COMPTOIR-REWARDS-{payout.pk}",
                payout.account_holder,
                payout.iban,
                cents_text(payout.amount_cents),
                "EUR",
            ]
        )
    return out.getvalue()


def yearly_report(*, year: int) -> list[dict]:
    """Each payee's earnings and payouts of a calendar year (for tax reporting).

    Earned: what the closes of the year credited; paid: vouchers issued and bank
    transfers paid in the year.
    """
    from django.contrib.auth import get_user_model

    earned = dict(
        Entry.objects.filter(
            account__kind=Account.Kind.PENDING,
            transaction__kind__in=accrual_kinds(),
            transaction__created_at__year=year,
        )
        .order_by()
        .values("account__member_id")
        .annotate(total=Sum("amount_cents"))
        .values_list("account__member_id", "total")
    )
    paid = dict(
        Entry.objects.filter(
            account__kind=Account.Kind.AVAILABLE,
            transaction__kind__in=[
                LedgerTransaction.Kind.VOUCHER,
                LedgerTransaction.Kind.TRANSFER,
                LedgerTransaction.Kind.REVERSAL,
                # Store credit spent at a till is paid out like a voucher.
                LedgerTransaction.Kind.TILL,
            ],
            transaction__created_at__year=year,
        )
        .order_by()
        .values("account__member_id")
        .annotate(total=Sum("amount_cents"))
        .values_list("account__member_id", "total")
    )
    ids = set(earned) | set(paid)
    members = get_user_model().objects.in_bulk(list(ids))
    rows = [
        {
            "member": members[member_id],
            "earned_cents": int(earned.get(member_id) or 0),
            "paid_cents": -int(paid.get(member_id) or 0),
        }
        for member_id in ids
        if member_id in members
    ]
    rows.sort(key=lambda row: (-row["earned_cents"], row["member"].pk))
    return rows


def yearly_report_csv(*, year: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["member_id", "name", "email", "earned", "paid_out", "year"])
    for row in yearly_report(year=year):
        member = row["member"]
        writer.writerow(
            [
                member.pk,
                f"{member.first_name} {member.last_name}".strip()
                or getattr(member, "display_name", ""),
                member.email,
                cents_text(row["earned_cents"]),
                cents_text(row["paid_cents"]),
                year,
            ]
        )
    return out.getvalue()
