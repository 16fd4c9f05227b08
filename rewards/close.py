"""The monthly close: net revenue per product becomes originators' and reviewers' pay.

Rules (issue 4, DESIGN.md "Rewards"):

- A month's sales are the events that occurred in it (site time zone) and were
  received up to the close; summed per product in the database, as integers.
- Rates and eligibility are those of the programme version in force on the month's
  first day (`Programme.in_force_on`).
- Events received after their month was closed ("late") are settled in the next
  close: for each product and each earlier month, positive late nets pay adjustment
  lines computed with that month's rates and reviews; negative ones are taken back.
- Taking back: a product's negative nets (of the month, of late refunds, and the
  deficit carried from the previous close) are subtracted from its positive nets,
  oldest month first, before anything is paid on them. Earners' balances never go
  below zero; what is still negative is recorded as a `CarryForward` row of this
  period, in net-revenue cents, and taken back at the next close.
- Originators get `originator_rate_bp` of the net, split by their shares (the part
  of an originator who had not opted in by the month's end is not paid); the
  reviewers of the product get `reviewer_pool_rate_bp` of it, split by quality score
  among eligible reviews: published before the month ended, author opted in before
  it ended, verified purchase when the version requires it, quality at least the
  minimum (and above zero). Amounts are rounded down to the cent and split by the
  largest-remainder method; a product without originators or eligible reviews pays
  nothing for that part.
- Idempotent: one `Period` row per month (unique), every transaction keyed
  `close:<month>:<role>:product:<id>` (adjustments `close:<month>:late:<month>:…`).
  Months are closed in order: the first close may be any month, then only the next.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from community.moderation.models import ModerationStatus
from community.reviews.models import Review
from marketplace.sales.models import SaleEvent

from .allocation import largest_remainder_split, rate_apply
from .ledger import member_account_ids, system_account_id, transactions_write
from .models import (
    Account,
    CarryForward,
    LedgerTransaction,
    Period,
    ProductOriginator,
    Programme,
)


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
    month: dt.date
    late: bool
    net: int


def _eligible_reviews(
    programme: Programme, end: dt.datetime, product_ids=None
) -> dict[int, list[tuple[int, int, int]]]:
    """Product id → [(review id, author id, quality)] of reviews that earn."""
    reviews = Review.objects.filter(
        status=ModerationStatus.PUBLISHED,
        published_at__lt=end,
        quality_score__gte=max(programme.min_quality, 1),
        author__rewards_membership__opted_in_at__lt=end,
    )
    if programme.verified_only:
        reviews = reviews.filter(verified_purchase=True)
    if product_ids is not None:
        reviews = reviews.filter(product_id__in=list(product_ids))
    by_product: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for product_id, review_id, author_id, quality in reviews.values_list(
        "product_id", "id", "author_id", "quality_score"
    ).order_by():
        by_product[product_id].append((review_id, author_id, quality))
    return by_product


def _originators() -> dict[int, list[tuple[int, int, dt.datetime | None]]]:
    """Product id → [(member id, share, opted in at or None)]."""
    by_product: dict[int, list] = defaultdict(list)
    for product_id, member_id, share, opted_in in ProductOriginator.objects.values_list(
        "origin__product_id",
        "member_id",
        "share_bp",
        "member__rewards_membership__opted_in_at",
    ).order_by():
        by_product[product_id].append((member_id, share, opted_in))
    return by_product


class _Plan:
    """What a close will write, computed before anything is written."""

    def __init__(self, month: dt.date):
        self.month = month
        self.key = month.strftime("%Y-%m")
        # (transaction fields, [(member id, amount, weight)])
        self.lines: list[tuple[dict, list[tuple[int, int, int]]]] = []
        self.carries: dict[int, int] = {}
        self.net = 0
        self.late_net = 0
        self.originators = 0
        self.reviewers = 0

    def pay(
        self,
        *,
        product_id: int,
        source: _Source,
        base: int,
        taken_back: int,
        programme: Programme,
        originators: list[tuple[int, int, dt.datetime | None]],
        reviews: list[tuple[int, int, int]],
        end: dt.datetime,
    ) -> None:
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
        # Shares are split among all originators; the part of one who had not
        # opted in by the month's end is not paid (the retailer keeps it).
        parts = largest_remainder_split(
            rate_apply(base, programme.originator_rate_bp),
            [(member_id, share) for member_id, share, _ in originators],
        )
        earning = [
            (member_id, share)
            for member_id, share, opted_in in originators
            if opted_in is not None and opted_in < end and parts.get(member_id)
        ]
        total = sum(parts[member_id] for member_id, _ in earning)
        if total:
            self.lines.append(
                (
                    {
                        "key": f"{prefix}originators:product:{product_id}",
                        "kind": LedgerTransaction.Kind.ORIGINATOR,
                        "product_id": product_id,
                        "details": {
                            **common,
                            "rate_bp": programme.originator_rate_bp,
                            "total": sum(parts.values()),
                        },
                    },
                    [
                        (member_id, parts[member_id], share)
                        for member_id, share in earning
                    ],
                )
            )
            self.originators += total
        pool = rate_apply(base, programme.reviewer_pool_rate_bp)
        by_review = {
            review_id: (author, quality) for review_id, author, quality in reviews
        }
        parts = largest_remainder_split(
            pool,
            [(review_id, quality) for review_id, (_, quality) in by_review.items()],
        )
        paid = [
            (by_review[review_id][0], amount, by_review[review_id][1])
            for review_id, amount in sorted(parts.items())
            if amount
        ]
        if pool and paid:
            self.lines.append(
                (
                    {
                        "key": f"{prefix}reviewers:product:{product_id}",
                        "kind": LedgerTransaction.Kind.REVIEWER,
                        "product_id": product_id,
                        "details": {
                            **common,
                            "rate_bp": programme.reviewer_pool_rate_bp,
                            "total": pool,
                            "total_weight": sum(q for _, q in by_review.values()),
                        },
                    },
                    paid,
                )
            )
            self.reviewers += pool


def _monthly_nets(start, end, received_until) -> dict[int, int]:
    rows = (
        SaleEvent.objects.filter(
            occurred_at__gte=start, occurred_at__lt=end, received_at__lte=received_until
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
    rows = (
        SaleEvent.objects.filter(
            received_at__gt=last_closed_at,
            received_at__lte=received_until,
            occurred_at__gte=month_start(first),
            occurred_at__lt=start,
        )
        .order_by()
        .annotate(month=TruncMonth("occurred_at"))
        .values("product", "month")
        .annotate(net=Sum("net_cents"))
        .values_list("product", "month", "net")
    )
    return {
        (product_id, timezone.localtime(month).date().replace(day=1)): int(net)
        for product_id, month, net in rows
    }


def _plan(month: dt.date, last: Period | None, closed_at, progress) -> _Plan:
    plan = _Plan(month)
    start, end = month_start(month), month_start(month_next(month))
    programmes: dict[dt.date, Programme] = {}

    def programme_of(day: dt.date) -> Programme:
        if day not in programmes:
            programmes[day] = Programme.in_force_on(day)
        return programmes[day]

    sources: dict[int, list[_Source]] = defaultdict(list)
    late: dict[tuple[int, dt.date], int] = {}
    carry_in: dict[int, int] = {}
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
        plan.late_net += net
    for product_id, net in _monthly_nets(start, end, closed_at).items():
        sources[product_id].append(_Source(month, False, net))
        plan.net += net

    reviews = {month: _eligible_reviews(programme_of(month), end)}
    late_products: dict[dt.date, set[int]] = defaultdict(set)
    for product_id, source_month in late:
        late_products[source_month].add(product_id)
    for source_month, product_ids in late_products.items():
        reviews[source_month] = _eligible_reviews(
            programme_of(source_month),
            month_start(month_next(source_month)),
            product_ids,
        )
    originators = _originators()

    product_ids = sorted(set(sources) | set(carry_in))
    step = progress.step("Products", len(product_ids)) if progress else None
    for index, product_id in enumerate(product_ids, start=1):
        product_sources = sources.get(product_id, [])
        deficit = carry_in.get(product_id, 0) + sum(
            source.net for source in product_sources if source.net < 0
        )
        for source in product_sources:
            if source.net <= 0:
                continue
            taken_back = min(-deficit, source.net)
            deficit += taken_back
            base = source.net - taken_back
            if base <= 0:
                continue
            plan.pay(
                product_id=product_id,
                source=source,
                base=base,
                taken_back=taken_back,
                programme=programme_of(source.month),
                originators=originators.get(product_id, []),
                reviews=reviews[source.month].get(product_id, []),
                end=month_start(month_next(source.month)),
            )
        if deficit < 0:
            plan.carries[product_id] = deficit
        if step and index % 1000 == 0:
            step.advance(1000)
    if step:
        step.advance(len(product_ids) % 1000)
        step.done(f"({len(plan.lines)} transactions)")
    return plan


def period_close(
    *, month: dt.date, by=None, now: dt.datetime | None = None, progress=None
) -> tuple[Period, bool]:
    """Close a month: pay originators and reviewers into pending; (period, created).

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
    with transaction.atomic():
        # Locks the last period on PostgreSQL; SQLite's immediate transactions
        # already let one writer in at a time.
        last = Period.objects.select_for_update().order_by("-month").first()
        existing = Period.objects.filter(month=month).first()
        if existing is not None:
            return existing, False
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
        closed_at = now
        programme = Programme.in_force_on(month)
        plan = _plan(month, last, closed_at, progress)
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
                    originators_cents=plan.originators,
                    reviewers_cents=plan.reviewers,
                    carried_cents=sum(plan.carries.values()),
                    lines=sum(len(members) for _, members in plan.lines),
                )
        except IntegrityError:
            # Another close of this month committed first (PostgreSQL).
            return Period.objects.get(month=month), False
        _plan_write(plan, period)
    return period, True


def _plan_write(plan: _Plan, period: Period) -> None:
    expense = system_account_id(Account.Kind.EXPENSE)
    pending = member_account_ids(
        {member_id for _, members in plan.lines for member_id, _, _ in members},
        Account.Kind.PENDING,
    )
    items = []
    for fields, members in plan.lines:
        txn = LedgerTransaction(
            idempotency_key=fields["key"],
            kind=fields["kind"],
            product_id=fields["product_id"],
            period=period,
            created_at=period.closed_at,
            details=fields["details"],
        )
        entries = [
            (pending[member_id], amount, weight)
            for member_id, amount, weight in members
        ]
        entries.append((expense, -sum(amount for _, amount, _ in members), None))
        items.append((txn, entries))
    transactions_write(items)
    CarryForward.objects.bulk_create(
        [
            CarryForward(period=period, product_id=product_id, net_cents=net)
            for product_id, net in plan.carries.items()
        ],
        batch_size=2_000,
    )
