"""A member's part in the rewards programme, for the member-data export and erasure.

Erasure policy — accounting records are kept:
- no ledger transaction or entry is edited or deleted (nothing in the ledger ever
  is), and the member's accounts stay tied to the anonymised account, so every
  balance still reconciles and the ledger still sums to zero;
- the member's balance is settled as the programme in force says
  (`Programme.balance_on_erasure`), through the ledger like any movement: what is
  still pending is released at once, under the very key the daily release would
  use (`release:<month>:member:<id>`, so that release skips it), then the whole
  available balance is either paid out as a store-credit voucher (the member is
  given its code on the goodbye page) or forfeited back to the programme's
  expense. Each is one balanced transaction with its own idempotency key, so
  erasing again writes nothing; a bank transfer is never started, as its holder's
  name and IBAN would have to be kept;
- the programme membership and product originator shares stay too: published
  reviews keep their truthful disclosure, and the closes already made stay
  explainable;
- the bank details (IBAN, account holder) of the member's settled payouts are
  blanked. While a bank transfer is still on its way (awaiting approval, approved
  or sent to finance) the erasure is refused, since finance still needs them.
  The ledger's payout details keep only an IBAN's last four characters.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.money import format_cents

from .ledger import member_account_ids, system_account_id, transactions_write
from .models import (
    Account,
    Entry,
    LedgerTransaction,
    Payout,
    ProductOriginator,
    Programme,
    ProgrammeMembership,
)
from .pools import accrual_kinds
from .selectors import (
    member_payouts,
    statement_entries,
    statement_lines,
    wallet_summary,
)
from .services import held_release, voucher_issue

TRANSFER_UNDER_WAY = (
    Payout.Status.REQUESTED,
    Payout.Status.APPROVED,
    Payout.Status.EXPORTED,
)


def rewards_export(member) -> dict[str, Any]:
    """Programme membership, wallet balances, statement lines and payouts, in cents."""
    membership = ProgrammeMembership.objects.filter(member=member).first()
    wallet = wallet_summary(member_id=member.pk)
    entries = list(statement_entries(member_id=member.pk))
    lines = statement_lines(entries)
    payouts = member_payouts(member_id=member.pk).order_by("created_at", "id")
    originated = (
        ProductOriginator.objects.filter(member=member)
        .select_related("origin__product")
        .order_by("origin__product__sku")
    )
    return {
        "membership": (
            {
                "opted_in_at": membership.opted_in_at,
                "terms_version": membership.terms_version,
            }
            if membership
            else None
        ),
        "wallet": {
            "pending_cents": wallet.pending_cents,
            "available_cents": wallet.available_cents,
            "earned_cents": wallet.earned_cents,
        },
        # Oldest first, like a bank statement read from the top.
        "statement": [
            {
                "date": line.date,
                "kind": entry.transaction.kind,
                "text": line.text,
                "pending_cents": line.pending_cents,
                "available_cents": line.available_cents,
            }
            for entry, line in reversed(list(zip(entries, lines, strict=True)))
        ],
        "payouts": [
            {
                "id": payout.pk,
                "method": payout.method,
                "status": payout.status,
                "amount_cents": payout.amount_cents,
                "voucher_code": payout.voucher_code,
                "iban": payout.iban,
                "account_holder": payout.account_holder,
                "requested_at": payout.created_at,
                "decided_at": payout.decided_at,
                "rejection_note": payout.rejection_note,
            }
            for payout in payouts
        ],
        "originated_products": [
            {"sku": share.origin.product.sku, "share_bp": share.share_bp}
            for share in originated
        ],
    }


def _transfers_under_way(member) -> int:
    """The total of the member's bank transfers not yet paid or rejected, in cents."""
    amounts = Payout.objects.filter(
        member=member, status__in=TRANSFER_UNDER_WAY
    ).values_list("amount_cents", flat=True)
    return sum(amounts)


def rewards_erase(member) -> int:
    """Settle the member's balance as the programme says and blank the bank details
    of their settled payouts; returns how many ledger transactions and payouts that
    wrote or changed.

    Refused while one of their bank transfers is under way (see the module's
    policy).
    """
    under_way = _transfers_under_way(member)
    if under_way:
        raise ValidationError(
            _(
                "A bank transfer of %(amount)s to this member is still under way: "
                "erase the account once it is paid or rejected."
            )
            % {"amount": format_cents(under_way)}
        )
    settled = _balance_settle(member)
    with_details = Payout.objects.filter(member=member).exclude(
        iban="", account_holder=""
    )
    return settled + with_details.update(iban="", account_holder="")


def _pending_by_period(member) -> list[tuple[object, int]]:
    """(month not yet released, the member's pending earnings of it), oldest first.

    The same sum the daily release moves for the member (`_period_release`).
    """
    rows = (
        Entry.objects.filter(
            account__member=member,
            account__kind=Account.Kind.PENDING,
            transaction__kind__in=accrual_kinds(),
            transaction__period__released_at__isnull=True,
        )
        .order_by()
        .values("transaction__period_id", "transaction__period__month")
        .annotate(total=Sum("amount_cents"))
        .values_list("transaction__period_id", "transaction__period__month", "total")
    )
    return sorted(
        ((period_id, month), int(total)) for period_id, month, total in rows if total
    )


def _balance_settle(member) -> int:
    # Lock the member's accounts first, like a payout request, so a payout asked
    # for at the same moment cannot spend what is being settled.
    pending_id, available_id = (
        member_account_ids([member.pk], kind)[member.pk]
        for kind in (Account.Kind.PENDING, Account.Kind.AVAILABLE)
    )
    list(
        Account.objects.select_for_update()
        .filter(pk__in=[pending_id, available_id])
        .order_by("pk")
    )
    existing = set(
        LedgerTransaction.objects.filter(
            idempotency_key__startswith="release:",
            idempotency_key__endswith=f":member:{member.pk}",
        ).values_list("idempotency_key", flat=True)
    )
    now = timezone.now()
    items = []
    for (period_id, month), total in _pending_by_period(member):
        key = f"release:{month:%Y-%m}:member:{member.pk}"
        if key in existing:
            continue
        items.append(
            (
                LedgerTransaction(
                    idempotency_key=key,
                    kind=LedgerTransaction.Kind.RELEASE,
                    period_id=period_id,
                    created_at=now,
                    details={"month": f"{month:%Y-%m}", "early": "erasure"},
                ),
                [(pending_id, -total, None), (available_id, total, None)],
            )
        )
    written = len(transactions_write(items))
    written += held_release(member=member, now=now)
    balance = (
        Entry.objects.filter(account_id=available_id).aggregate(
            total=Sum("amount_cents")
        )["total"]
        or 0
    )
    if balance <= 0:
        return written
    rule = Programme.in_force_on(timezone.localdate()).balance_on_erasure
    if rule == Programme.BalanceOnErasure.VOUCHER:
        count = Payout.objects.filter(
            member=member, request_key__startswith="erasure"
        ).count()
        voucher_issue(
            member=member, amount_cents=balance, request_key=f"erasure:{count + 1}"
        )
        return written + 2
    key = f"erasure:forfeit:member:{member.pk}"
    if LedgerTransaction.objects.filter(idempotency_key=key).exists():
        # Forfeited once already; what arrived since is forfeited under a new key.
        key = f"{key}:{now:%Y%m%d%H%M%S%f}"
    transactions_write(
        [
            (
                LedgerTransaction(
                    idempotency_key=key,
                    kind=LedgerTransaction.Kind.FORFEIT,
                    created_at=now,
                ),
                [
                    (available_id, -balance, None),
                    (system_account_id(Account.Kind.EXPENSE), balance, None),
                ],
            )
        ]
    )
    return written + 1


def rewards_erase_summary(member) -> list[str]:
    """Where the member's balance goes on erasure, told before they confirm."""
    lines = []
    under_way = _transfers_under_way(member)
    if under_way:
        lines.append(
            _(
                "A bank transfer of %(amount)s to you is still under way: your "
                "account can be erased once it is paid or rejected."
            )
            % {"amount": format_cents(under_way)}
        )
    wallet = wallet_summary(member_id=member.pk)
    total = wallet.pending_cents + wallet.available_cents
    if total > 0:
        amounts = {
            "total": format_cents(total),
            "pending": format_cents(wallet.pending_cents),
            "available": format_cents(wallet.available_cents),
        }
        rule = Programme.in_force_on(timezone.localdate()).balance_on_erasure
        if rule == Programme.BalanceOnErasure.VOUCHER:
            lines.append(
                _(
                    "Your rewards balance of %(total)s (%(pending)s pending, "
                    "%(available)s available) is paid out as a store-credit voucher, "
                    "as the programme's rules say: its code is shown on the next "
                    "page, to use in store."
                )
                % amounts
            )
        else:
            lines.append(
                _(
                    "Your rewards balance of %(total)s (%(pending)s pending, "
                    "%(available)s available) is forfeited, as the programme's "
                    "rules say. Ask for a payout first if you can."
                )
                % amounts
            )
    if ProgrammeMembership.objects.filter(member=member).exists():
        lines.append(
            _(
                "The rewards ledger keeps its lines, under your anonymous former "
                "account, as the accounts of the programme must."
            )
        )
    return lines


def rewards_farewell(member) -> list[str]:
    """The voucher codes issued by the erasure, for the goodbye page."""
    vouchers = Payout.objects.filter(
        member=member, request_key__startswith="erasure", status=Payout.Status.ISSUED
    ).order_by("id")
    return [
        _("Your store-credit voucher of %(amount)s: %(code)s")
        % {
            "amount": format_cents(payout.amount_cents),
            "code": payout.voucher_code,
        }
        for payout in vouchers
    ]
