"""The rewards programme at work: members opted in, originators, closed months, payouts.

Members opt in, three best-selling products get originators, the complete months of
the demo sales but the last are closed in order through the real service (the last
waits for a rewards manager's button), the older months are
released (their hold period is over in the story), and one voucher and one bank
transfer (approved and exported for finance) are paid. Runs after the reviews step
when there is one: reviewers then get their lines too.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db.models import Sum
from django.utils import timezone

from comptoir.progress import Progress
from marketplace.catalog.models import Product
from marketplace.sales.models import SaleEvent
from rewards.close import month_next
from rewards.models import Payout, Period, ProgrammeMembership
from rewards.selectors import wallet_summary
from rewards.services import (
    payout_approve,
    payout_request,
    payouts_export,
    period_close,
    product_originators_set,
    rewards_release,
)

from .members import MEMBER_PASSWORD, MEMBERS, _email_verified, member_email

MANAGER_EMAIL = "recompenses@comptoir.example"
OPTED_IN = 20  # the first twenty demo members take part
DEMO_IBAN = "FR7630006000011234567890189"


def _manager():
    user_model = get_user_model()
    manager = user_model.objects.filter(email=MANAGER_EMAIL).first()
    if manager is None:
        manager = user_model.objects.create(
            email=MANAGER_EMAIL,
            display_name="Gestion des récompenses",
            slug="gestion-des-recompenses",
            first_name="Nadia",
            last_name="Roussel",
            password=make_password(MEMBER_PASSWORD),
        )
        manager.groups.add(Group.objects.get(name="Rewards managers"))
    _email_verified(manager)
    return manager


def rewards_build(*, progress: Progress) -> int:
    """Run the programme over the demo months; returns how many months were closed."""
    step = progress.step("Rewards", 5)
    members = list(
        get_user_model().objects.filter(
            email__in=[member_email(first, last) for first, last, *_ in MEMBERS]
        )
    )
    by_email = {member.email: member for member in members}
    ordered = [
        by_email[member_email(first, last)]
        for first, last, *_ in MEMBERS
        if member_email(first, last) in by_email
    ]
    joined_at = timezone.now() - dt.timedelta(days=240)
    ProgrammeMembership.objects.bulk_create(
        [
            ProgrammeMembership(
                member=member, opted_in_at=joined_at, terms_version="2026-1"
            )
            for member in ordered[:OPTED_IN]
        ],
        ignore_conflicts=True,
    )
    step.advance()

    best = list(
        SaleEvent.objects.order_by()
        .values("product")
        .annotate(net=Sum("net_cents"))
        .order_by("-net", "product")
        .values_list("product", flat=True)[:3]
    )
    products = Product.objects.in_bulk(best)
    shares = [
        {ordered[0]: 10_000},
        {ordered[2]: 6_000, ordered[9]: 4_000},
        {ordered[20 % len(ordered)]: 10_000}
        if len(ordered) > 20
        else {ordered[4]: 10_000},
    ]
    for product_id, share in zip(best, shares, strict=False):
        product_originators_set(
            product=products[product_id], shares=share, note="Idée de la communauté"
        )
    step.advance()

    first_sale = (
        SaleEvent.objects.order_by("occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    closed = 0
    if first_sale is not None:
        last = Period.objects.order_by("-month").first()
        month = (
            month_next(last.month)
            if last
            else month_next(timezone.localtime(first_sale).date().replace(day=1))
        )
        this_month = timezone.localdate().replace(day=1)
        # The last complete month stays open: a rewards manager closes it.
        while month_next(month) < this_month:
            period_close(month=month)
            closed += 1
            month = month_next(month)
    step.advance()

    # In the story the hold of every month but the last is over.
    latest = Period.objects.order_by("-month").first()
    if latest is not None:
        rewards_release(
            now=timezone.now() + dt.timedelta(days=latest.hold_days + 1),
            before=latest.month,
        )
    step.advance()

    if not Payout.objects.exists():
        _payouts(ordered)
    step.advance()
    step.done(
        f"({closed} months closed, {ProgrammeMembership.objects.count()} members)"
    )
    return closed


def _payouts(members) -> None:
    """A voucher for the richest member, a transfer for the next one who can."""
    manager = _manager()
    balances = sorted(
        (
            (wallet_summary(member_id=m.pk).available_cents, m.pk, m)
            for m in members[:OPTED_IN]
        ),
        key=lambda row: (-row[0], row[1]),
    )
    eligible = [(cents, member) for cents, _, member in balances if cents >= 1000]
    if eligible:
        cents, member = eligible[0]
        payout_request(
            member=member,
            method=Payout.Method.VOUCHER,
            amount_cents=cents // 2 if cents >= 2000 else cents,
            request_key="demo-voucher",
        )
    if len(eligible) > 1:
        cents, member = eligible[1]
        transfer = payout_request(
            member=member,
            method=Payout.Method.TRANSFER,
            amount_cents=cents,
            request_key="demo-transfer",
            iban=DEMO_IBAN,
            account_holder=f"{member.first_name} {member.last_name}".strip()
            or str(member),
        )
        payout_approve(payout=transfer, by=manager)
        payouts_export(by=manager)
