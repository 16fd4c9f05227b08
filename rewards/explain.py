"""Statement lines in words: each amount says how it was computed.

The ledger stores numbers (net, rate, share or quality weights); the sentence is
written at display time, in the reader's language: here for the programme's own
movements, by the earning pool that paid it for an accrual (`rewards/pools.py`), by
the registered ledger kind for a content app's movement (`rewards/kinds.py`).
"""

import datetime as dt
from decimal import Decimal

from django.utils import formats
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from comptoir.money import format_cents

from .kinds import ledger_kinds
from .models import LedgerTransaction
from .pools import EarningPool, earning_pools_by_kind


def percent(basis_points: int) -> str:
    """100 → "1 %", 50 → "0.5 %" (decimal mark of the active language)."""
    value = (Decimal(basis_points) / 100).normalize()
    return f"{formats.number_format(Decimal(f'{value:f}'), use_l10n=True)}\u00a0%"


def quality(weight: int) -> str:
    """8200 ten-thousandths → "0.82"."""
    return formats.number_format(
        (Decimal(weight) / 10_000).quantize(Decimal("0.01")), 2, use_l10n=True
    )


def month_name(key: str) -> str:
    """ "2026-10" → "October 2026" in the active language."""
    try:
        day = dt.datetime.strptime(key, "%Y-%m").date()
    except (TypeError, ValueError):
        return str(key)
    return date_format(day, "F Y")


def entry_explain(entry, pools: dict[str, EarningPool] | None = None) -> str:
    """The sentence of one statement line (an entry on a member's account).

    `pools` (kind → pool, from `earning_pools_by_kind`) saves reading the
    registered pools again for every line of a long statement.
    """
    txn = entry.transaction
    details = txn.details or {}
    amount = format_cents(abs(entry.amount_cents))
    kind = txn.kind
    pool = (earning_pools_by_kind() if pools is None else pools).get(kind)
    if pool is not None:
        return _accrual(entry, pool, details, amount)
    registered = ledger_kinds().get(kind)
    if registered is not None:
        return registered.explain(details, amount, entry.amount_cents)
    if kind == LedgerTransaction.Kind.RELEASE and "of" in details:
        return _("Released after the hold period: %(amount)s") % {"amount": amount}
    if kind == LedgerTransaction.Kind.RELEASE:
        return _("Earnings of %(month)s released after the hold period: %(amount)s") % {
            "month": month_name(details.get("month")),
            "amount": amount,
        }
    if kind == LedgerTransaction.Kind.VOUCHER:
        return _("Store-credit voucher %(code)s: %(amount)s") % {
            "code": details.get("voucher", ""),
            "amount": amount,
        }
    if kind == LedgerTransaction.Kind.TRANSFER:
        return _("Bank transfer to the account ending %(end)s: %(amount)s") % {
            "end": details.get("iban_end", ""),
            "amount": amount,
        }
    if kind == LedgerTransaction.Kind.REVERSAL:
        return _("Bank transfer not approved, money returned: %(amount)s") % {
            "amount": amount
        }
    if kind == LedgerTransaction.Kind.TILL:
        return _("Spent at the till in %(store)s: %(amount)s") % {
            "store": details.get("store_name") or details.get("store", ""),
            "amount": amount,
        }
    return f"{txn.get_kind_display()}: {amount}"


def _accrual(entry, pool: EarningPool, details, amount) -> str:
    txn = entry.transaction
    product = txn.product.name if txn.product_id and txn.product else ""
    values = {
        "rate": percent(details.get("rate_bp", 0)),
        "net": format_cents(details.get("base", 0)),
        "product": product,
        "month": month_name(details.get("month")),
        "amount": amount,
        "pool": format_cents(details.get("total", 0)),
    }
    text = pool.statement_text(entry, values)
    notes = []
    if details.get("late"):
        notes.append(
            _("Adjustment: sales and refunds of %(month)s received after its close.")
            % {"month": values["month"]}
        )
    if details.get("taken_back"):
        notes.append(
            _(
                "Net sales were %(gross)s; %(taken)s was taken back first to make "
                "up earlier refunds of this product."
            )
            % {
                "gross": format_cents(details.get("net", 0)),
                "taken": format_cents(details["taken_back"]),
            }
        )
    return " ".join([text, *notes])
