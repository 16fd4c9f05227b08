"""A member's part in the rewards programme, for the member-data export and erasure.

Erasure policy — accounting records are kept:
- the ledger is not touched: no transaction or entry is edited or deleted (nothing
  in the ledger ever is), and the member's accounts stay tied to the anonymised
  account, so every balance still reconciles and the ledger still sums to zero;
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
from django.utils.translation import gettext as _

from comptoir.money import format_cents

from .models import Payout, ProductOriginator, ProgrammeMembership
from .selectors import (
    member_payouts,
    statement_entries,
    statement_lines,
    wallet_summary,
)

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


def rewards_erase(member) -> int:
    """Blank the bank details of the member's settled payouts; returns how many.

    Refused while one of their bank transfers is under way; the ledger is not
    touched (see the module's policy).
    """
    under_way = Payout.objects.filter(member=member, status__in=TRANSFER_UNDER_WAY)
    if under_way.exists():
        total = sum(under_way.values_list("amount_cents", flat=True))
        raise ValidationError(
            _(
                "A bank transfer of %(amount)s to this member is still under way: "
                "erase the account once it is paid or rejected."
            )
            % {"amount": format_cents(total)}
        )
    with_details = Payout.objects.filter(member=member).exclude(
        iban="", account_holder=""
    )
    return with_details.update(iban="", account_holder="")
