"""Ledger kinds: money content apps post to members' wallets outside the monthly close
(docs/architecture.md, point 16).

The rewards ledger knows its own movements (the close's accruals, releases, vouchers,
transfers, the till). A content app that pays members for something else — resale
pays a seller what a buyer paid at the till, or store credit for an item bought back —
registers each of its kinds of movement in its `wagtail_hooks.py`:

    @hooks.register(LEDGER_KIND_HOOK)
    def resale_sale_kind():
        return LedgerKind(kind="resale_sale", label=_("second-hand sale"), explain=…)

and writes its movements with `rewards.services.ledger_post`. The wallet, the
statement (each line in words, by the kind's `explain`), payouts and the daily release
then treat them like every other line: a `held` kind credits the member's pending
account, released `hold_days` (the programme's) after the movement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.exceptions import ImproperlyConfigured
from wagtail import hooks

LEDGER_KIND_HOOK = "register_ledger_kind"
PAYOUT_CHECK_HOOK = "register_payout_check"


@dataclass(frozen=True)
class LedgerKind:
    """One kind of movement a content app writes to the ledger.

    `kind` is the `LedgerTransaction.kind` (at most 16 characters, never changed once
    used); `explain(details, amount, cents)` writes a statement line's sentence from
    the transaction's details, the line's formatted amount and its signed cents (a
    movement may credit and debit one member: a sale taken as a voucher), in the
    active language.
    `held`: what it credits members is pending for the hold period, then released.
    `system_accounts`: the programme accounts (kind → label) its movements use, each
    at most 16 characters.
    """

    kind: str
    label: str
    explain: Callable[[dict, str, int], str]
    held: bool = False
    system_accounts: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if not self.kind or len(self.kind) > 16:
            raise ImproperlyConfigured(
                f"Ledger kind {self.kind!r}: 1 to 16 characters."
            )
        for account in self.system_accounts:
            if not account or len(account) > 16:
                raise ImproperlyConfigured(
                    f"Ledger kind {self.kind!r}: account kind {account!r} must be 1 "
                    "to 16 characters."
                )


@lru_cache(maxsize=8)
def _kinds_for(functions: tuple) -> dict[str, LedgerKind]:
    kinds: dict[str, LedgerKind] = {}
    for register in functions:
        registered = register()
        for kind in (
            registered if isinstance(registered, list | tuple) else [registered]
        ):
            if kind.kind in kinds:
                raise ImproperlyConfigured(
                    f"Ledger kind {kind.kind!r} is registered twice."
                )
            kinds[kind.kind] = kind
    return kinds


def ledger_kinds() -> dict[str, LedgerKind]:
    """The registered kinds, by `kind` (read again when the registrations change)."""
    return _kinds_for(tuple(hooks.get_hooks(LEDGER_KIND_HOOK)))


def held_kinds() -> list[str]:
    """The registered kinds whose credits wait for the hold period."""
    return [kind.kind for kind in ledger_kinds().values() if kind.held]


@dataclass(frozen=True)
class PayoutCheck:
    """Something a member must do before their next payout (a content app's rule:
    resale asks a seller past the EU DAC7 thresholds for their tax details).

    `refusal(member)` returns None when the member may be paid, else the sentence
    that tells them what to do; `url` optionally where to do it.
    """

    name: str
    refusal: Callable[[object], str | None]
    url: str = ""


def payout_refusals(member) -> list[tuple[str, str]]:
    """(sentence, URL) for every registered check that stops this member's payout."""
    found = []
    for register in hooks.get_hooks(PAYOUT_CHECK_HOOK):
        check = register()
        sentence = check.refusal(member)
        if sentence:
            found.append((str(sentence), check.url))
    return found
