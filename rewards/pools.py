"""Earning pools: who earns what on a product-month (docs/architecture.md, point 3).

The monthly close (`rewards/close.py`) knows no kind of member content. Each app
whose members earn registers one `EarningPool` in its `wagtail_hooks.py`:

    @hooks.register(EARNING_POOL_HOOK)
    def reviewers_pool():
        return ReviewersPool()

For every product and month the close pays, a pool is given its rate of the
product's net revenue, rounded down to the cent, and splits it among the product's
shares by the largest-remainder method. Rewards pays its own originators pool this
way too (`rewards/originators.py`).
"""

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from wagtail import hooks

EARNING_POOL_HOOK = "register_earning_pool"


# Slotted: a close builds one per review or originator, 50,000 and more.
@dataclass(slots=True)
class EarningShare:
    """One part of a product's pool: what it is split by, and who gets it.

    `key` orders the split and breaks its ties (the largest-remainder method gives
    the leftover cents to the largest remainders, then to the lowest keys): a review
    id for reviewers, a member id for originators. A share that is not `paid` takes
    its part of the split, but the retailer keeps it (an originator who had not
    opted in by the month's end).
    """

    key: Hashable
    member_id: int
    weight: int
    paid: bool = True


@dataclass(slots=True)
class ProductShares:
    """A product's shares in one pool, and what its statement line needs.

    `details` is added to the transaction's details (the ledger keeps it and the
    statement sentence reads it back), e.g. the reviews' total quality.
    """

    shares: list[EarningShare]
    details: dict = field(default_factory=dict)


class EarningPool:
    """A kind of accrual the monthly close pays: a rate of each product's net.

    `name` is part of the idempotency keys the close writes
    (`close:<month>:<name>:product:<id>`): once a month is closed with it, it must
    never change, or replaying that month would pay again. `kind` is the
    `LedgerTransaction.kind` of its transactions (at most 16 characters), `order`
    the order in which the close pays the pools of a product. `period_field`
    optionally names the `Period` column that keeps what the pool paid in a close.
    """

    name: str = ""
    kind: str = ""
    order: int = 0
    period_field: str = ""

    def rate_bp(self, programme) -> int:
        """The pool's rate, in basis points of a product's net, in this version."""
        raise NotImplementedError

    def product_shares(
        self,
        *,
        programme,
        end: dt.datetime,
        product_ids: set[int] | None = None,
    ) -> dict[int, ProductShares]:
        """Product id → its shares for a month (all products, or these only).

        `programme` is the version in force on the month's first day and `end` the
        first instant after the month: who earns is decided as of then. Read in
        bulk: the close calls this once per pool and month, never per product.
        """
        raise NotImplementedError

    def statement_text(self, entry, values: dict) -> str:
        """The sentence of one statement line of this pool.

        `values` holds the formatted `rate`, `net` (what the rate applied to),
        `pool` (the amount split), `product`, `month` and `amount`; `entry.weight`
        is the share the member's part was split by and `entry.transaction.details`
        has what `product_shares` put in `details`. Notes on late sales and
        amounts taken back are added after it by the statement.
        """
        raise NotImplementedError


def earning_pools() -> list[EarningPool]:
    """The registered pools in the order the close pays them.

    Two pools with the same name or kind would write the same keys or be read as
    one another on statements: refused at once.
    """
    pools = sorted(
        (fn() for fn in hooks.get_hooks(EARNING_POOL_HOOK)),
        key=lambda pool: (pool.order, pool.name),
    )
    for attribute in ("name", "kind"):
        values = [getattr(pool, attribute) for pool in pools]
        if not all(values) or len(set(values)) != len(values):
            raise ImproperlyConfigured(
                f"Every earning pool needs its own {attribute}: {values!r}."
            )
    return pools


def earning_pools_by_kind() -> dict[str, EarningPool]:
    """Ledger transaction kind → the pool that writes it."""
    return {pool.kind: pool for pool in earning_pools()}


def accrual_kinds() -> list[str]:
    """The transaction kinds of what the closes pay: earnings, not movements."""
    return [pool.kind for pool in earning_pools()]
