"""Writes to rewards: joining, closing a month, releasing, payouts.

Every function runs in one transaction; anything that moves money locks what it
reads and writes ledger transactions under unique idempotency keys.
"""

import datetime as dt
import re
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, Exists, OuterRef, Sum, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.notifications.services import notification_send
from comptoir.background import JobProgress, background_task
from comptoir.money import format_cents
from marketplace.catalog.models import Product

from .close import month_parse, period_close  # noqa: F401  (re-exported)
from .kinds import payout_refusals
from .ledger import (
    account_balance,
    member_account_ids,
    system_account_id,
    transactions_write,
)
from .models import (
    BASIS_POINTS,
    TERMS_VERSION,
    Account,
    Entry,
    LedgerTransaction,
    Payout,
    PayoutBatch,
    Period,
    ProductOrigin,
    ProductOriginator,
    Programme,
    ProgrammeMembership,
)
from .pools import accrual_kinds

VOUCHER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def programme_join(*, member, accept_terms: bool) -> ProgrammeMembership:
    """Opt a member in to the programme; they must accept its terms.

    Joining twice keeps the first date: earnings count from the first opt-in.
    """
    if not accept_terms:
        raise ValidationError(
            {"accept_terms": _("Accept the programme's terms to take part.")}
        )
    membership, _created = ProgrammeMembership.objects.get_or_create(
        member=member, defaults={"terms_version": TERMS_VERSION}
    )
    return membership


def product_originators_set(
    *, product: Product, shares: dict, note: str = ""
) -> ProductOrigin:
    """Name a product's originators: member → share in basis points.

    Shares are positive and add up to 10,000 (100 %); an empty dict removes them.
    """
    if any(int(share) <= 0 for share in shares.values()):
        raise ValidationError(_("Every originator's share must be above zero."))
    if shares and sum(int(share) for share in shares.values()) != BASIS_POINTS:
        raise ValidationError(
            _("Originators' shares must add up to 10,000 basis points (all of it).")
        )
    with transaction.atomic():
        origin, _created = ProductOrigin.objects.get_or_create(product=product)
        if note != origin.note:
            origin.note = note
            origin.save(update_fields=["note"])
        wanted = {getattr(m, "pk", m): int(share) for m, share in shares.items()}
        current = dict(origin.originators.values_list("member_id", "share_bp"))
        if current == wanted:
            # Naming the same people with the same shares again changes nothing.
            return origin
        origin.originators.all().delete()
        ProductOriginator.objects.bulk_create(
            [
                ProductOriginator(origin=origin, member=member, share_bp=int(share))
                for member, share in shares.items()
            ]
        )
    return origin


def rewards_release(
    *, now: dt.datetime | None = None, before: dt.date | None = None
) -> int:
    """Move what each closed month paid from pending to available after its hold.

    A month is due `hold_days` after its close. One transaction per month and member,
    keyed `release:<month>:member:<id>`, so running it again (daily) adds nothing.
    What registered held kinds credited is released too (`held_release`), unless
    `before` limits the run.
    Returns how many transactions were written. `before` limits it to months before
    that one (the demo uses it to tell a story with one month still on hold).
    """
    now = now or timezone.now()
    written = 0
    with transaction.atomic():
        periods = Period.objects.select_for_update().filter(released_at__isnull=True)
        if before is not None:
            periods = periods.filter(month__lt=before)
        periods = list(periods.order_by("month"))
        for period in periods:
            if period.release_due_at > now:
                continue
            written += _period_release(period, now)
            Period.objects.filter(pk=period.pk).update(released_at=now)
        if before is None:
            # `before` tells a story of months still held: what registered kinds
            # credited keeps its own hold then.
            written += held_release(now=now)
    return written


def _period_release(period: Period, now: dt.datetime) -> int:
    key = f"{period.month:%Y-%m}"
    totals = (
        Entry.objects.filter(
            transaction__period=period,
            transaction__kind__in=accrual_kinds(),
            account__kind=Account.Kind.PENDING,
        )
        .order_by()
        .values("account_id", "account__member_id")
        .annotate(total=Sum("amount_cents"))
        .values_list("account_id", "account__member_id", "total")
    )
    done = set(
        LedgerTransaction.objects.filter(
            idempotency_key__startswith=f"release:{key}:"
        ).values_list("idempotency_key", flat=True)
    )
    rows = [(acc, member, int(total)) for acc, member, total in totals if total]
    available = member_account_ids({member for _, member, _ in rows}, "available")
    items = []
    for pending_id, member_id, total in rows:
        idempotency_key = f"release:{key}:member:{member_id}"
        if idempotency_key in done:
            continue
        items.append(
            (
                LedgerTransaction(
                    idempotency_key=idempotency_key,
                    kind=LedgerTransaction.Kind.RELEASE,
                    period=period,
                    created_at=now,
                    details={"month": key},
                ),
                [(pending_id, -total, None), (available[member_id], total, None)],
            )
        )
    transactions_write(items)
    return len(items)


# --- Payouts ----------------------------------------------------------------------

IBAN_FORMAT = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
# Lengths of the IBAN countries members are most likely to bank in.
IBAN_LENGTHS = {
    "FR": 27, "DE": 22, "BE": 16, "ES": 24, "IT": 27, "LU": 20, "MC": 27,
    "NL": 18, "PT": 25, "CH": 21, "GB": 22, "IE": 22, "AT": 20,
}  # fmt: skip


def iban_clean(value: str) -> str:
    """The IBAN without spaces, upper-case, if its mod-97 checksum holds.

    ISO 13616: move the first four characters to the end, letters become 10–35, and
    the number must leave 1 when divided by 97.
    """
    iban = re.sub(r"[\s-]+", "", value or "").upper()
    if not IBAN_FORMAT.match(iban):
        raise ValidationError(
            {"iban": _("This is not an IBAN: it starts with two letters, e.g. FR76…")}
        )
    length = IBAN_LENGTHS.get(iban[:2])
    if length and len(iban) != length:
        raise ValidationError(
            {
                "iban": _("An IBAN of this country has %(length)s characters.")
                % {"length": length}
            }
        )
    digits = "".join(str(int(char, 36)) for char in iban[4:] + iban[:4])
    if int(digits) % 97 != 1:
        raise ValidationError(
            {"iban": _("This IBAN's check digits are wrong: check for a typo.")}
        )
    return iban


def _voucher_code() -> str:
    raw = "".join(secrets.choice(VOUCHER_ALPHABET) for _ in range(12))
    return f"CPT-{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def payout_request(
    *,
    member,
    method: str,
    amount_cents: int,
    request_key: str,
    iban: str = "",
    account_holder: str = "",
) -> Payout:
    """Pay a member available money: a voucher at once, or a transfer to approve.

    The amount is at least the programme's minimum and at most the available
    balance, read under a lock on the member's available account, so simultaneous
    requests never pay more than it holds. `request_key` comes from the form: the
    same request sent twice returns the first payout and pays once.
    """
    if method not in Payout.Method.values:
        raise ValidationError({"method": _("Choose a voucher or a bank transfer.")})
    if not request_key or len(request_key) > 100:
        raise ValidationError(_("This form has expired: reload the page."))
    if not hasattr(member, "rewards_membership"):
        raise PermissionDenied(_("Join the rewards programme first."))
    refusals = payout_refusals(member)
    if refusals:
        raise ValidationError(refusals[0][0])
    if method == Payout.Method.TRANSFER:
        iban = iban_clean(iban)
        account_holder = (account_holder or "").strip()
        if not account_holder:
            raise ValidationError(
                {"account_holder": _("Give the name of the account holder.")}
            )
    programme = Programme.in_force_on(timezone.localdate())
    if amount_cents < programme.min_payout_cents:
        raise ValidationError(
            {
                "amount": _("The minimum payout is %(minimum)s.")
                % {"minimum": _money(programme.min_payout_cents)}
            }
        )
    available_id = member_account_ids([member.pk], Account.Kind.AVAILABLE)[member.pk]
    with transaction.atomic():
        Account.objects.select_for_update().filter(pk=available_id).first()
        existing = Payout.objects.filter(member=member, request_key=request_key).first()
        if existing is not None:
            return existing
        balance = account_balance(available_id)
        if amount_cents > balance:
            raise ValidationError(
                {
                    "amount": _("You have %(balance)s available.")
                    % {"balance": _money(balance)}
                }
            )
        voucher = method == Payout.Method.VOUCHER
        payout = Payout.objects.create(
            member=member,
            method=method,
            status=Payout.Status.ISSUED if voucher else Payout.Status.REQUESTED,
            amount_cents=amount_cents,
            request_key=request_key,
            voucher_code=_unique_voucher_code() if voucher else None,
            iban="" if voucher else iban,
            account_holder="" if voucher else account_holder,
        )
        other = system_account_id(
            Account.Kind.STORE_CREDIT if voucher else Account.Kind.IN_TRANSIT
        )
        transactions_write(
            [
                (
                    LedgerTransaction(
                        idempotency_key=f"payout:{payout.pk}",
                        kind=(
                            LedgerTransaction.Kind.VOUCHER
                            if voucher
                            else LedgerTransaction.Kind.TRANSFER
                        ),
                        details=_payout_details(payout),
                    ),
                    [(available_id, -amount_cents, None), (other, amount_cents, None)],
                )
            ]
        )
        transaction.on_commit(lambda: _payout_notify(payout))
    return payout


def _unique_voucher_code() -> str:
    while True:
        code = _voucher_code()
        if not Payout.objects.filter(voucher_code=code).exists():
            return code


def _payout_details(payout: Payout) -> dict:
    details = {"payout": payout.pk, "method": payout.method}
    if payout.voucher_code:
        details["voucher"] = payout.voucher_code
    if payout.iban:
        details["iban_end"] = payout.iban[-4:]
    return details


def _money(cents: int) -> str:
    return format_cents(cents)


def _payout_notify(payout: Payout) -> None:
    if payout.method == Payout.Method.VOUCHER:
        title = _("Your voucher of %(amount)s is ready") % {
            "amount": _money(payout.amount_cents)
        }
    elif payout.status == Payout.Status.REJECTED:
        title = _("Your bank transfer of %(amount)s was not approved") % {
            "amount": _money(payout.amount_cents)
        }
    elif payout.status == Payout.Status.PAID:
        title = _("Your bank transfer of %(amount)s has been sent") % {
            "amount": _money(payout.amount_cents)
        }
    else:
        return
    notification_send(
        recipient=payout.member,
        kind="rewards_payout",
        title=title,
        body=payout.rejection_note,
        url="/me/wallet/",
    )


def _manager_check(user) -> None:
    if not (user and user.has_perm("rewards.manage_rewards")):
        raise PermissionDenied(_("Only rewards managers may do this."))


def _payout_locked(payout_id: int) -> Payout:
    return Payout.objects.select_for_update().get(pk=payout_id)


def payout_approve(*, payout: Payout, by) -> Payout:
    """Approve a bank transfer request; it then waits for the next export."""
    _manager_check(by)
    with transaction.atomic():
        payout = _payout_locked(payout.pk)
        if payout.status != Payout.Status.REQUESTED:
            raise ValidationError(
                _("Only a transfer awaiting approval can be approved.")
            )
        payout.status = Payout.Status.APPROVED
        payout.decided_at = timezone.now()
        payout.decided_by = by
        payout.save(update_fields=["status", "decided_at", "decided_by"])
    return payout


def payout_reject(*, payout: Payout, by, note: str = "") -> Payout:
    """Reject a transfer not yet exported: a reversal returns the money to available."""
    _manager_check(by)
    with transaction.atomic():
        payout = _payout_locked(payout.pk)
        if payout.status not in (Payout.Status.REQUESTED, Payout.Status.APPROVED):
            raise ValidationError(
                _("Only a transfer not yet sent to finance can be rejected.")
            )
        request = LedgerTransaction.objects.get(idempotency_key=f"payout:{payout.pk}")
        entries = list(request.entries.values_list("account_id", "amount_cents"))
        transactions_write(
            [
                (
                    LedgerTransaction(
                        idempotency_key=f"reverse:payout:{payout.pk}",
                        kind=LedgerTransaction.Kind.REVERSAL,
                        reverses=request,
                        details={**request.details, "note": note[:300]},
                    ),
                    [(account, -amount, None) for account, amount in entries],
                )
            ]
        )
        payout.status = Payout.Status.REJECTED
        payout.decided_at = timezone.now()
        payout.decided_by = by
        payout.rejection_note = note[:300]
        payout.save(
            update_fields=["status", "decided_at", "decided_by", "rejection_note"]
        )
        transaction.on_commit(lambda: _payout_notify(payout))
    return payout


def payouts_export(*, by) -> PayoutBatch | None:
    """Put every approved transfer into a new batch for finance (None if none)."""
    _manager_check(by)
    with transaction.atomic():
        approved = list(
            Payout.objects.select_for_update()
            .filter(status=Payout.Status.APPROVED, batch__isnull=True)
            .order_by("id")
        )
        if not approved:
            return None
        batch = PayoutBatch.objects.create(created_by=by)
        Payout.objects.filter(pk__in=[p.pk for p in approved]).update(
            batch=batch, status=Payout.Status.EXPORTED
        )
    return batch


def batch_mark_paid(*, batch: PayoutBatch, by) -> PayoutBatch:
    """Finance sent the batch: its transfers leave the in-transit account, paid."""
    _manager_check(by)
    with transaction.atomic():
        batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.paid_at is not None:
            return batch
        payouts = list(
            Payout.objects.select_for_update()
            .filter(batch=batch, status=Payout.Status.EXPORTED)
            .order_by("id")
        )
        in_transit = system_account_id(Account.Kind.IN_TRANSIT)
        paid_out = system_account_id(Account.Kind.PAID_OUT)
        now = timezone.now()
        transactions_write(
            [
                (
                    LedgerTransaction(
                        idempotency_key=f"paid:payout:{payout.pk}",
                        kind=LedgerTransaction.Kind.TRANSFER_PAID,
                        created_at=now,
                        details=_payout_details(payout),
                    ),
                    [
                        (in_transit, -payout.amount_cents, None),
                        (paid_out, payout.amount_cents, None),
                    ],
                )
                for payout in payouts
            ]
        )
        Payout.objects.filter(pk__in=[p.pk for p in payouts]).update(
            status=Payout.Status.PAID, decided_at=now
        )
        batch.paid_at = now
        batch.save(update_fields=["paid_at"])
        for payout in payouts:
            payout.status = Payout.Status.PAID
            transaction.on_commit(lambda payout=payout: _payout_notify(payout))
    return batch


def close_month_text(*, text: str, by=None, progress=None) -> tuple[Period, bool]:
    """Close the month written "YYYY-MM" (the command and the admin button)."""
    if by is not None:
        _manager_check(by)
    try:
        return period_close(month=month_parse(text), by=by, progress=progress)
    except IntegrityError:
        raise ValidationError(
            _("This month is being closed by someone else.")
        ) from None


@background_task(
    label=gettext_lazy("Monthly rewards close"), attempts=2, lease_seconds=1800
)
def rewards_close_job(*, month: str) -> str:
    """Close a month from a worker; closing it again changes nothing, so a lost
    worker's attempt is simply run again."""
    period, created = close_month_text(text=month, progress=JobProgress())
    return f"{period} {'closed' if created else 'already closed'}"


def close_month_later(*, text: str, by=None):
    """Ask a background worker to close the month written "YYYY-MM"; returns the
    job. The month is checked here, so a typo is an error now rather than a failed
    job later; asking twice for one month starts one job."""
    if by is not None:
        _manager_check(by)
    month = month_parse(text)
    key = f"rewards-close-{month:%Y-%m}"
    return rewards_close_job.enqueue(key=key, summary=f"{month:%Y-%m}", month=text)


# --- Store credit at the till -------------------------------------------------


def store_credit_spend(
    *, member, amount_cents: int, key: str, by, store, reference: str = ""
) -> LedgerTransaction:
    """Spend a member's available store credit at a store's till.

    The amount moves from the member's available account to the store credit
    issued (kind TILL), read under a lock on that account, so purchases made at
    once never take the balance below zero; above the balance is refused in
    words. Only someone who works the store's desk may spend it there
    (PermissionDenied). `key` makes it idempotent: the same key returns the
    first transaction and spends once, whatever the amount sent again.
    """
    from marketplace.catalog.desk import stores_staffed_by

    if not key or len(key) > 150:
        raise ValidationError(_("This form has expired: reload the page."))
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise ValidationError({"amount": _("Give the amount in euros, e.g. 12.50.")})
    if amount_cents <= 0:
        raise ValidationError({"amount": _("The amount must be above zero.")})
    if by is None or not stores_staffed_by(by).filter(pk=store.pk).exists():
        raise PermissionDenied(_("Only the staff of this store may use it here."))
    idempotency_key = f"till:{key}"
    available_id = member_account_ids([member.pk], Account.Kind.AVAILABLE)[member.pk]
    with transaction.atomic():
        Account.objects.select_for_update().filter(pk=available_id).first()
        existing = LedgerTransaction.objects.filter(
            idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return existing
        balance = account_balance(available_id)
        if amount_cents > balance:
            raise ValidationError(
                {
                    "amount": _("%(member)s has %(balance)s of store credit available.")
                    % {
                        "member": getattr(member, "public_name", None) or member,
                        "balance": _money(balance),
                    }
                }
            )
        store_credit = system_account_id(Account.Kind.STORE_CREDIT)
        [txn_id] = transactions_write(
            [
                (
                    LedgerTransaction(
                        idempotency_key=idempotency_key,
                        kind=LedgerTransaction.Kind.TILL,
                        details={
                            "store": store.code,
                            "store_name": store.name,
                            "reference": str(reference or "")[:100],
                            "by": by.pk,
                        },
                    ),
                    [
                        (available_id, -amount_cents, None),
                        (store_credit, amount_cents, None),
                    ],
                )
            ]
        )
    return LedgerTransaction.objects.get(pk=txn_id)


# --- Movements of registered kinds (rewards/kinds.py) -------------------------

# The programme's own accounts a registered kind may use besides its own.
_PROGRAMME_ACCOUNTS = frozenset({Account.Kind.EXPENSE, Account.Kind.STORE_CREDIT})


def ledger_post(
    *,
    key: str,
    kind: str,
    lines,
    details: dict | None = None,
    product=None,
    now: dt.datetime | None = None,
) -> tuple[LedgerTransaction, bool]:
    """Write one balanced movement of a registered ledger kind, once per `key`.

    `lines` are `(account kind, member or None, signed cents)`: a member's
    "pending" or "available" account, or a programme account (the kind's own
    `system_accounts`, the expense or the store credit issued). They must sum to
    zero. Returns the transaction and whether this call wrote it: the same key
    again returns the first one and writes nothing, even when two calls race.
    """
    from .kinds import ledger_kinds

    registered = ledger_kinds().get(kind)
    if registered is None:
        raise ValueError(f"Ledger kind {kind!r} is not registered.")
    if not key or len(key) > 200:
        raise ValueError("An idempotency key of 1 to 200 characters is needed.")
    allowed = _PROGRAMME_ACCOUNTS | set(registered.system_accounts)
    entries = []
    for account_kind, member, cents in lines:
        if isinstance(cents, bool) or not isinstance(cents, int):
            raise ValueError(f"{key}: amounts are whole cents.")
        if member is not None:
            if account_kind not in Account.MEMBER_KINDS:
                raise ValueError(f"{key}: {account_kind!r} is not a member's account.")
            account_id = member_account_ids([member.pk], account_kind)[member.pk]
        else:
            if account_kind not in allowed:
                raise ValueError(f"{key}: {account_kind!r} is not this kind's account.")
            account_id = system_account_id(account_kind)
        entries.append((account_id, cents, None))
    existing = LedgerTransaction.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing, False
    txn = LedgerTransaction(
        idempotency_key=key,
        kind=kind,
        created_at=now or timezone.now(),
        product=product,
        details=details or {},
    )
    try:
        with transaction.atomic():
            [txn_id] = transactions_write([(txn, entries)])
    except IntegrityError:
        # Written by a call at the same moment: that one counts.
        return LedgerTransaction.objects.get(idempotency_key=key), False
    return LedgerTransaction.objects.get(pk=txn_id), True


def voucher_issue(*, member, amount_cents: int, request_key: str) -> Payout:
    """Turn `amount_cents` of the member's available money into a store-credit
    voucher at once: no minimum, no programme membership (the money is already
    theirs: what an erasure settles, a sale taken in store credit). The same
    `request_key` again returns the first voucher."""
    existing = Payout.objects.filter(member=member, request_key=request_key).first()
    if existing is not None:
        return existing
    available_id = member_account_ids([member.pk], Account.Kind.AVAILABLE)[member.pk]
    with transaction.atomic():
        payout = Payout.objects.create(
            member=member,
            method=Payout.Method.VOUCHER,
            status=Payout.Status.ISSUED,
            amount_cents=amount_cents,
            request_key=request_key,
            voucher_code=_unique_voucher_code(),
        )
        transactions_write(
            [
                (
                    LedgerTransaction(
                        idempotency_key=f"payout:{payout.pk}",
                        kind=LedgerTransaction.Kind.VOUCHER,
                        details=_payout_details(payout),
                    ),
                    [
                        (available_id, -amount_cents, None),
                        (
                            system_account_id(Account.Kind.STORE_CREDIT),
                            amount_cents,
                            None,
                        ),
                    ],
                )
            ]
        )
        transaction.on_commit(lambda: _payout_notify(payout))
    return payout


def held_release(*, now: dt.datetime | None = None, member=None) -> int:
    """Move what registered held kinds credited to pending accounts to available,
    `hold_days` (the programme's, on the day of the movement's release) after the
    movement; with `member`, all of that member's at once (an erasure). One
    transaction per movement, keyed `release:txn:<id>`: a second run adds nothing.
    """
    from .kinds import held_kinds

    kinds = held_kinds()
    if not kinds:
        return 0
    now = now or timezone.now()
    hold = dt.timedelta(days=Programme.in_force_on(timezone.localdate(now)).hold_days)
    pending = Entry.objects.filter(
        account__kind=Account.Kind.PENDING, transaction__kind__in=kinds
    )
    pending = (
        pending.filter(account__member=member)
        if member is not None
        else pending.filter(transaction__created_at__lte=now - hold)
    )
    # Already released: an anti-join on the unique key, not a scan in Python.
    released = LedgerTransaction.objects.filter(
        idempotency_key=Concat(
            Value("release:txn:"), Cast(OuterRef("transaction_id"), CharField())
        )
    )
    rows = list(
        pending.filter(~Exists(released))
        .order_by("transaction_id")
        .values_list(
            "transaction_id", "account_id", "account__member_id", "amount_cents"
        )
    )
    if not rows:
        return 0
    done = set(
        LedgerTransaction.objects.filter(
            idempotency_key__in=[f"release:txn:{row[0]}" for row in rows]
        ).values_list("idempotency_key", flat=True)
    )
    available = member_account_ids({row[2] for row in rows}, Account.Kind.AVAILABLE)
    items = []
    for txn_id, pending_id, member_id, cents in rows:
        release_key = f"release:txn:{txn_id}"
        if release_key in done or not cents:
            continue
        items.append(
            (
                LedgerTransaction(
                    idempotency_key=release_key,
                    kind=LedgerTransaction.Kind.RELEASE,
                    created_at=now,
                    details={"of": txn_id, **({"early": "erasure"} if member else {})},
                ),
                [(pending_id, -cents, None), (available[member_id], cents, None)],
            )
        )
    transactions_write(items)
    return len(items)
