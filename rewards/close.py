"""The monthly close: net revenue per product becomes its earners' pay.

Rules (issue 4, DESIGN.md "Rewards"):

- A month's sales are the events that occurred in it (site time zone) and count
  at the close: received up to it, and for a refund, its sale too (an orphan
  refund counts from its sale's arrival; `marketplace.sales.selectors.counted_at`);
  summed per product in the database, as integers.
- Rates and eligibility are those of the programme version in force on the month's
  first day (`Programme.in_force_on`).
- Events that came to count after their month was closed ("late": received
  since, or refunds whose sale arrived since) are settled in the next close: for
  each product and each earlier month, positive late nets pay adjustment lines
  computed with that month's rates and earners; negative ones are taken back.
- Refunds waiting for their sale longer than `REWARDS_ORPHAN_REFUND_DAYS` are
  reported to the rewards managers by each close (a notification linking to the
  list in the admin), since only the retailer can find the missing sale.
- Taking back: a product's negative nets (of the month, of late refunds, and the
  deficit carried from the previous close) are subtracted from its positive nets,
  oldest month first, before anything is paid on them. Earners' balances never go
  below zero; what is still negative is recorded as a `CarryForward` row of this
  period, in net-revenue cents, and taken back at the next close.
- Who earns comes from the registered earning pools (`rewards/pools.py`): each pool
  gets its rate of what is paid on, rounded down to the cent, split among the
  product's shares in it by the largest-remainder method; the parts of shares that
  are not paid stay with the retailer, and a product without shares in a pool pays
  nothing for it. Rewards' own pool pays originators (`rewards/originators.py`);
  each content app's pool says who earns in it (reviewers split by quality score).
- Idempotent: one `Period` row per month (unique), every transaction keyed
  `close:<month>:<pool name>:product:<id>` (adjustments `close:<month>:late:<month>:…`).
  Months are closed in order: the first close may be any month, then only the next.
"""

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community.notifications.services import notification_send
from comptoir.db import sqlite_real_variable_limit
from comptoir.money import format_cents
from marketplace.sales.models import SaleEvent
from marketplace.sales.selectors import (
    counted_at,
    refunds_orphaned,
    refunds_resolved_between,
)

from .allocation import largest_remainder_split, rate_apply
from .ledger import member_account_ids, system_account_id, transactions_write
from .models import (
    Account,
    CarryForward,
    LedgerTransaction,
    Period,
    Programme,
)
from .pools import EarningPool, ProductShares, earning_pools

# The `Period` columns a pool may keep its total in (`EarningPool.period_field`).
PERIOD_POOL_FIELDS = ("originators_cents", "reviewers_cents")

ProgrammeOf = Callable[[dt.date], Programme]
# (pool name, month) → product id → the product's shares in that pool that month.
SharesByMonth = dict[tuple[str, dt.date], dict[int, ProductShares]]


def month_start(month: dt.date) -> dt.datetime:
    """Midnight of the month's first day in the site's time zone."""
    return timezone.make_aware(dt.datetime(month.year, month.month, 1))


def month_next(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_parse(text: str) -> dt.date:
    """ "2026-10" → 2026-10-01; a clear error for anything else."""
    try:
        parsed = dt.datetime.strptime(text.strip(), "%Y-%m")
    except (ValueError, AttributeError):
        raise ValidationError(
            _("Write the month as YYYY-MM, e.g. 2026-10, not %(text)r.")
            % {"text": text}
        ) from None
    return parsed.date()


@dataclass
class _Source:
    """One net of a product to settle: of the month closed, or late of an earlier."""

    month: dt.date
    late: bool
    net: int


@dataclass
class _Line:
    """One transaction the close will write, and the members it pays."""

    key: str
    kind: str
    product_id: int
    details: dict
    # (member id, amount in cents, weight the amount was split by)
    members: list[tuple[int, int, int]]


class _Plan:
    """What a close will write, computed before anything is written."""

    def __init__(self, month: dt.date):
        self.month = month
        self.key = month.strftime("%Y-%m")
        self.lines: list[_Line] = []
        self.carries: dict[int, int] = {}
        self.net = 0
        self.late_net = 0
        self.paid: dict[str, int] = defaultdict(int)  # pool name → cents

    def pay(
        self,
        *,
        product_id: int,
        source: _Source,
        base: int,
        taken_back: int,
        programme: Programme,
        pools: list[tuple[EarningPool, ProductShares]],
    ) -> None:
        """Pay every pool with shares in the product its rate of `base`."""
        prefix = f"close:{self.key}:"
        if source.late:
            prefix += f"late:{source.month:%Y-%m}:"
        common = {
            "month": f"{source.month:%Y-%m}",
            "late": source.late,
            "net": source.net,
            "taken_back": taken_back,
            "base": base,
        }
        for pool, shares in pools:
            self._pool_pay(
                pool=pool,
                shares=shares,
                key=f"{prefix}{pool.name}:product:{product_id}",
                product_id=product_id,
                common=common,
                base=base,
                programme=programme,
            )

    def _pool_pay(
        self,
        *,
        pool: EarningPool,
        shares: ProductShares,
        key: str,
        product_id: int,
        common: dict,
        base: int,
        programme: Programme,
    ) -> None:
        rate = pool.rate_bp(programme)
        parts = largest_remainder_split(
            rate_apply(base, rate),
            [(share.key, share.weight) for share in shares.shares],
        )
        paid = [
            (share.member_id, parts[share.key], share.weight)
            for share in shares.shares
            if share.paid and parts.get(share.key)
        ]
        total = sum(amount for _, amount, _ in paid)
        if not total:
            return
        self.lines.append(
            _Line(
                key=key,
                kind=pool.kind,
                product_id=product_id,
                details={
                    **common,
                    "rate_bp": rate,
                    "total": sum(parts.values()),
                    **shares.details,
                },
                members=paid,
            )
        )
        self.paid[pool.name] += total


def _monthly_nets(start, end, received_until) -> dict[int, int]:
    rows = (
        SaleEvent.objects.filter(
            counted_at(received_until), occurred_at__gte=start, occurred_at__lt=end
        )
        .order_by()
        .values("product")
        .annotate(net=Sum("net_cents"))
        .values_list("product", "net")
    )
    return {product_id: int(net) for product_id, net in rows}


def _late_nets(
    *, first: dt.date, start, last_closed_at, received_until
) -> dict[tuple[int, dt.date], int]:
    """Nets of earlier months that came to count since the last close: events
    received since, and refunds received before whose sale arrived since."""
    fresh = SaleEvent.objects.filter(
        counted_at(received_until), received_at__gt=last_closed_at
    )
    waited = refunds_resolved_between(last_closed_at, received_until)
    nets: dict[tuple[int, dt.date], int] = defaultdict(int)
    for events in (fresh, waited):
        rows = (
            events.filter(occurred_at__gte=month_start(first), occurred_at__lt=start)
            .order_by()
            .annotate(month=TruncMonth("occurred_at"))
            .values("product", "month")
            .annotate(net=Sum("net_cents"))
            .values_list("product", "month", "net")
        )
        for product_id, month, net in rows:
            nets[product_id, timezone.localtime(month).date().replace(day=1)] += net
    return {key: int(net) for key, net in nets.items()}


def _sources_read(
    month: dt.date, *, last: Period | None, closed_at: dt.datetime
) -> tuple[dict[int, list[_Source]], dict[int, int]]:
    """Product id → its nets to settle, oldest month first; and the carried deficits.

    Late nets of earlier months come first, then the month's own; the deficits are
    those the previous close carried forward.
    """
    sources: dict[int, list[_Source]] = defaultdict(list)
    late: dict[tuple[int, dt.date], int] = {}
    carry_in: dict[int, int] = {}
    start = month_start(month)
    if last is not None:
        first = Period.objects.order_by("month").values_list("month", flat=True)[0]
        late = _late_nets(
            first=first,
            start=start,
            last_closed_at=last.closed_at,
            received_until=closed_at,
        )
        carry_in = dict(
            CarryForward.objects.filter(period=last).values_list(
                "product_id", "net_cents"
            )
        )
    for (product_id, source_month), net in sorted(late.items()):
        sources[product_id].append(_Source(source_month, True, net))
    end = month_start(month_next(month))
    for product_id, net in _monthly_nets(start, end, closed_at).items():
        sources[product_id].append(_Source(month, False, net))
    return sources, carry_in


def _shares_read(
    pools: list[EarningPool],
    *,
    month: dt.date,
    sources: dict[int, list[_Source]],
    programme_of: ProgrammeOf,
) -> SharesByMonth:
    """Every pool's shares: of the month for all products, of each earlier month
    with late nets for those products only. One read per pool and month."""
    late_products: dict[dt.date, set[int]] = defaultdict(set)
    for product_id, product_sources in sources.items():
        for source in product_sources:
            if source.late:
                late_products[source.month].add(product_id)
    wanted: dict[dt.date, set[int] | None] = {month: None, **late_products}
    return {
        (pool.name, source_month): pool.product_shares(
            programme=programme_of(source_month),
            end=month_start(month_next(source_month)),
            product_ids=product_ids,
        )
        for pool in pools
        for source_month, product_ids in wanted.items()
    }


def _product_plan(
    plan: _Plan,
    *,
    product_id: int,
    sources: list[_Source],
    carried: int,
    pools: list[EarningPool],
    shares: SharesByMonth,
    programme_of: ProgrammeOf,
) -> None:
    """Settle one product: negative nets are taken back from positive ones, oldest
    first; the pools are paid on what is left; what is still negative is carried."""
    deficit = carried + sum(source.net for source in sources if source.net < 0)
    for source in sources:
        if source.net <= 0:
            continue
        taken_back = min(-deficit, source.net)
        deficit += taken_back
        base = source.net - taken_back
        if base <= 0:
            continue
        of_month = [
            (pool, shares[pool.name, source.month].get(product_id)) for pool in pools
        ]
        plan.pay(
            product_id=product_id,
            source=source,
            base=base,
            taken_back=taken_back,
            programme=programme_of(source.month),
            pools=[(pool, found) for pool, found in of_month if found is not None],
        )
    if deficit < 0:
        plan.carries[product_id] = deficit


def _plan(
    month: dt.date,
    *,
    last: Period | None,
    closed_at: dt.datetime,
    pools: list[EarningPool],
    progress=None,
) -> _Plan:
    """Everything closing `month` will write, read in bulk: a fixed number of
    queries whatever the number of products."""
    plan = _Plan(month)
    programme_of: ProgrammeOf = functools.cache(Programme.in_force_on)
    sources, carry_in = _sources_read(month, last=last, closed_at=closed_at)
    for product_sources in sources.values():
        for source in product_sources:
            if source.late:
                plan.late_net += source.net
            else:
                plan.net += source.net
    shares = _shares_read(
        pools, month=month, sources=sources, programme_of=programme_of
    )
    product_ids = sorted(set(sources) | set(carry_in))
    step = progress.step("Products", len(product_ids)) if progress else None
    for index, product_id in enumerate(product_ids, start=1):
        _product_plan(
            plan,
            product_id=product_id,
            sources=sources.get(product_id, []),
            carried=carry_in.get(product_id, 0),
            pools=pools,
            shares=shares,
            programme_of=programme_of,
        )
        if step and index % 1000 == 0:
            step.advance(1000)
    if step:
        step.advance(len(product_ids) % 1000)
        step.done(f"({len(plan.lines)} transactions)")
    return plan


def _pools_checked() -> list[EarningPool]:
    """The registered pools; each `period_field` must be a pool column, used once."""
    pools = earning_pools()
    fields = [pool.period_field for pool in pools if pool.period_field]
    if len(set(fields)) != len(fields) or not set(fields) <= set(PERIOD_POOL_FIELDS):
        raise ImproperlyConfigured(
            f"Earning pools keep their totals in {PERIOD_POOL_FIELDS}, one pool "
            f"each, not {fields!r}."
        )
    return pools


def _order_check(month: dt.date, last: Period | None) -> None:
    if last is not None and month != month_next(last.month):
        raise ValidationError(
            _(
                "Months are closed in order: the last closed month is %(last)s, "
                "so the next one to close is %(next)s, not %(month)s."
            )
            % {
                "last": f"{last.month:%Y-%m}",
                "next": f"{month_next(last.month):%Y-%m}",
                "month": f"{month:%Y-%m}",
            }
        )


def period_close(
    *, month: dt.date, by=None, now: dt.datetime | None = None, progress=None
) -> tuple[Period, bool]:
    """Close a month: pay every earning pool into pending; (period, created).

    Closing a month already closed writes nothing and returns it with False. Months
    are closed in order and only once over. The module docstring has every rule.
    """
    now = now or timezone.now()
    month = month.replace(day=1)
    if month_start(month_next(month)) > now:
        raise ValidationError(
            _("%(month)s is not over yet: it can be closed from %(date)s.")
            % {
                "month": f"{month:%Y-%m}",
                "date": f"{month_next(month):%Y-%m-%d}",
            }
        )
    pools = _pools_checked()
    with transaction.atomic():
        # Locks the last period on PostgreSQL; SQLite's immediate transactions
        # already let one writer in at a time.
        last = Period.objects.select_for_update().order_by("-month").first()
        existing = Period.objects.filter(month=month).first()
        if existing is not None:
            return existing, False
        _order_check(month, last)
        closed_at = now
        programme = Programme.in_force_on(month)
        plan = _plan(
            month, last=last, closed_at=closed_at, pools=pools, progress=progress
        )
        try:
            with transaction.atomic():
                period = Period.objects.create(
                    month=month,
                    closed_at=closed_at,
                    closed_by=by,
                    programme=programme if programme.pk else None,
                    hold_days=programme.hold_days,
                    net_cents=plan.net,
                    late_net_cents=plan.late_net,
                    carried_cents=sum(plan.carries.values()),
                    lines=sum(len(line.members) for line in plan.lines),
                    **{
                        pool.period_field: plan.paid[pool.name]
                        for pool in pools
                        if pool.period_field
                    },
                )
        except IntegrityError:
            # Another close of this month committed first (PostgreSQL).
            return Period.objects.get(month=month), False
        _plan_write(plan, period)
        _orphans_report(period)
    return period, True


def _orphans_report(period: Period) -> int:
    """Tell the rewards managers of refunds still waiting for their sale after
    `REWARDS_ORPHAN_REFUND_DAYS`; returns how many there are.

    They count in no net revenue until their sale arrives, so a sale the retailer's
    systems never sent keeps rewards too high; only a person can chase it. Sent by
    the close that created the period, so a replayed close tells nobody again.
    """
    days = settings.REWARDS_ORPHAN_REFUND_DAYS
    waiting = refunds_orphaned(
        received_before=period.closed_at - dt.timedelta(days=days)
    )
    totals = waiting.order_by().aggregate(count=Count("id"), cents=Sum("amount_cents"))
    count = totals["count"]
    if not count:
        return 0
    title = ngettext(
        "%(count)s refund has waited for its sale for more than %(days)s days",
        "%(count)s refunds have waited for their sale for more than %(days)s days",
        count,
    ) % {"count": count, "days": days}
    body = _(
        "The close of %(month)s left them out of net revenue (%(amount)s in all): "
        "each counts once its sale arrives. The list says which sales to ask the "
        "retailer's systems for."
    ) % {"month": f"{period.month:%Y-%m}", "amount": format_cents(totals["cents"])}
    # Members of the "Rewards managers" group, anyone granted the permission, and
    # superusers: whoever may open the list this links to.
    managers = ModelBackend().with_perm("rewards.manage_rewards")
    url = reverse("rewards_admin:orphan_refunds")
    for manager in managers.order_by("pk"):
        notification_send(
            recipient=manager,
            kind="rewards_orphan_refunds",
            title=title,
            body=body,
            url=url,
            email=True,
        )
    return count


def _plan_write(plan: _Plan, period: Period) -> None:
    expense = system_account_id(Account.Kind.EXPENSE)
    pending = member_account_ids(
        {member_id for line in plan.lines for member_id, _, _ in line.members},
        Account.Kind.PENDING,
    )
    items = []
    for line in plan.lines:
        txn = LedgerTransaction(
            idempotency_key=line.key,
            kind=line.kind,
            product_id=line.product_id,
            period=period,
            created_at=period.closed_at,
            details=line.details,
        )
        entries = [
            (pending[member_id], amount, weight)
            for member_id, amount, weight in line.members
        ]
        entries.append((expense, -sum(amount for _, amount, _ in line.members), None))
        items.append((txn, entries))
    transactions_write(items)
    with sqlite_real_variable_limit():
        CarryForward.objects.bulk_create(
            [
                CarryForward(period=period, product_id=product_id, net_cents=net)
                for product_id, net in plan.carries.items()
            ],
            batch_size=2_000,
        )
