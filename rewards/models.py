"""The rewards programme: who takes part, rates, ledger, periods and payouts.

Money is integer cents, rates are basis points (100 bp = 1 %). The ledger is
double-entry: every `LedgerTransaction` has entries on `Account`s that sum to zero, so
the sum over all accounts is always zero. Ledger rows are inserted, never changed:
the models refuse it, and on PostgreSQL triggers refuse it too (migration 0003), check
at each commit that every transaction balances, refuse TRUNCATE, and keep payouts'
and closed months' amounts and identities as written (migration 0005).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

BASIS_POINTS = 10_000
TERMS_VERSION = "2026-1"


class ProgrammeMembership(models.Model):
    """A member who opted in to the rewards programme, accepting its terms.

    Only members who opted in earn; their reviews carry the disclosure badge.
    """

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="rewards_membership",
    )
    opted_in_at = models.DateTimeField(_("opted in"), default=timezone.now)
    terms_version = models.CharField(_("terms version accepted"), max_length=20)

    class Meta:
        verbose_name = _("programme member")
        verbose_name_plural = _("programme members")

    def __str__(self) -> str:
        return str(self.member)


class Programme(models.Model):
    """One version of the programme's rules, in force from a date.

    A month is computed with the version in force on its first day (the latest
    version whose "in force from" is on or before that day); with no version at all,
    the defaults below apply.
    """

    in_force_from = models.DateField(
        _("in force from"),
        unique=True,
        help_text=_(
            "Months starting on or after this day are computed with these rules."
        ),
    )
    originator_rate_bp = models.PositiveIntegerField(
        _("originator rate (basis points)"),
        default=100,
        help_text=_("Share of a product's net revenue for its originators: 100 = 1 %."),
    )
    reviewer_pool_rate_bp = models.PositiveIntegerField(
        _("reviewer pool rate (basis points)"),
        default=50,
        help_text=_("Share of a product's net revenue for its reviewers: 50 = 0.5 %."),
    )
    verified_only = models.BooleanField(
        _("verified purchases only"),
        default=True,
        help_text=_("Only reviews of a verified purchase earn."),
    )
    min_quality = models.PositiveIntegerField(
        _("minimum quality score"),
        default=0,
        help_text=_("In ten-thousandths, like review quality: 2500 means 0.25."),
    )
    hold_days = models.PositiveIntegerField(
        _("hold period (days)"),
        default=30,
        help_text=_("Days after a close before its amounts become available."),
    )
    min_payout_cents = models.PositiveIntegerField(
        _("minimum payout (cents)"), default=1000, help_text=_("1000 = €10.00.")
    )

    class BalanceOnErasure(models.TextChoices):
        FORFEIT = "forfeit", _("forfeited")
        VOUCHER = "voucher", _("paid out as a store-credit voucher")

    balance_on_erasure = models.CharField(
        _("balance of an erased account"),
        max_length=10,
        choices=BalanceOnErasure.choices,
        default=BalanceOnErasure.VOUCHER,
        help_text=_(
            "When members erase their account, their pending and available balance "
            "is paid out as a voucher (whatever the minimum payout) or forfeited to "
            "the programme. They are told which before confirming."
        ),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-in_force_from"]
        verbose_name = _("programme version")
        verbose_name_plural = _("programme versions")
        constraints = [
            models.CheckConstraint(
                condition=Q(originator_rate_bp__lte=BASIS_POINTS)
                & Q(reviewer_pool_rate_bp__lte=BASIS_POINTS),
                name="programme_rates_at_most_100_percent",
            )
        ]

    def __str__(self) -> str:
        return str(_("Programme in force from %(date)s")) % {
            "date": self.in_force_from.isoformat()
        }

    def clean(self):
        # A closed month keeps the rules it was computed with.
        last = Period.objects.order_by("-month").first()
        if last and self.in_force_from and self.in_force_from <= last.month:
            raise ValidationError(
                {
                    "in_force_from": _(
                        "Months up to %(month)s are closed: a new version must start "
                        "after %(month)s."
                    )
                    % {"month": last.month.strftime("%Y-%m")}
                }
            )

    @classmethod
    def in_force_on(cls, day: dt.date) -> "Programme":
        """The version in force on `day`, or an unsaved one with the defaults."""
        version = cls.objects.filter(in_force_from__lte=day).first()
        return version or cls(in_force_from=dt.date(2000, 1, 1))


class ProductOrigin(ClusterableModel):
    """Who originated a product, with their shares: edited on a product in the admin.

    The shares are basis points that add up to 10,000 (100 %).
    """

    product = models.OneToOneField(
        "catalog.Product",
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="origin",
    )
    note = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_("e.g. the idea it came from")
    )

    class Meta:
        verbose_name = _("product originators")
        verbose_name_plural = _("product originators")

    def __str__(self) -> str:
        return str(self.product)


class ProductOriginator(models.Model):
    """One originator of a product and their share in basis points."""

    origin = ParentalKey(
        ProductOrigin, on_delete=models.CASCADE, related_name="originators"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="originated_products",
    )
    share_bp = models.PositiveIntegerField(
        _("share (basis points)"), help_text=_("5000 = 50 %; shares add up to 10000.")
    )

    class Meta:
        verbose_name = _("originator")
        verbose_name_plural = _("originators")
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "member"], name="one_share_per_member_and_product"
            ),
            models.CheckConstraint(
                condition=Q(share_bp__gt=0) & Q(share_bp__lte=BASIS_POINTS),
                name="originator_share_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} ({self.share_bp / 100:g} %)"


# --- Ledger -----------------------------------------------------------------------


class LedgerImmutable(Exception):
    """Raised on any attempt to change or delete a ledger row."""


class AppendOnlyQuerySet(models.QuerySet):
    """Ledger rows are inserted, never updated or deleted, not even in bulk."""

    def update(self, **kwargs):
        raise LedgerImmutable("The ledger is append-only: record a reversal instead.")

    def delete(self):
        raise LedgerImmutable("The ledger is append-only: rows cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise LedgerImmutable("The ledger is append-only: rows cannot be changed.")

    delete.alters_data = True
    delete.queryset_only = True
    update.alters_data = True


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerImmutable(
                "The ledger is append-only: record a reversal instead of editing."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutable("The ledger is append-only: rows cannot be deleted.")


class Account(AppendOnlyModel):
    """A balance: a member's pending or available money, or one of the programme's.

    The balance is the sum of the account's entries; nothing is stored twice.
    """

    class Kind(models.TextChoices):
        PENDING = "pending", _("pending (in the hold period)")
        AVAILABLE = "available", _("available")
        EXPENSE = "expense", _("programme expense")
        IN_TRANSIT = "in_transit", _("bank transfers in transit")
        STORE_CREDIT = "store_credit", _("store credit issued")
        PAID_OUT = "paid_out", _("paid by bank transfer")

    MEMBER_KINDS = (Kind.PENDING, Kind.AVAILABLE)

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reward_accounts",
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "member"], name="one_account_per_kind_and_member"
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(member__isnull=True),
                name="one_programme_account_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["pending", "available"], member__isnull=False)
                | (~Q(kind__in=["pending", "available"]) & Q(member__isnull=True)),
                name="member_accounts_have_a_member",
            ),
        ]

    def __str__(self) -> str:
        if self.member_id:
            return f"{self.get_kind_display()} · {self.member}"
        return str(self.get_kind_display())


class Period(models.Model):
    """A closed month: one row per month, written by the close, in order.

    `closed_at` splits the sales: events received up to it count in this close, later
    ones as adjustments of the next. Totals are what the close wrote.
    """

    month = models.DateField(_("month"), unique=True, help_text=_("First day."))
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="periods",
    )
    hold_days = models.PositiveIntegerField(_("hold period (days)"))
    net_cents = models.BigIntegerField(_("net revenue (cents)"), default=0)
    late_net_cents = models.BigIntegerField(_("late events (cents)"), default=0)
    originators_cents = models.BigIntegerField(_("to originators (cents)"), default=0)
    reviewers_cents = models.BigIntegerField(_("to reviewers (cents)"), default=0)
    carried_cents = models.BigIntegerField(
        _("negative net carried forward (cents)"), default=0
    )
    lines = models.PositiveIntegerField(_("statement lines"), default=0)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("closed month")
        verbose_name_plural = _("closed months")
        permissions = [("manage_rewards", "Can manage the rewards programme")]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")

    @property
    def paid_cents(self) -> int:
        return self.originators_cents + self.reviewers_cents

    @property
    def release_due_at(self) -> dt.datetime:
        return self.closed_at + dt.timedelta(days=self.hold_days)


class CarryForward(AppendOnlyModel):
    """A product's negative net revenue left after a close, in net-revenue cents.

    The next close adds it to the product's net before computing its earners'
    shares; nothing is paid on the product until it is made up, and what is still
    negative is carried again. Members' balances never go below zero.
    """

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="carries")
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+"
    )
    net_cents = models.BigIntegerField(_("net carried (cents)"))

    class Meta:
        verbose_name = _("carried negative net")
        verbose_name_plural = _("carried negative nets")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "product"], name="one_carry_per_period_and_product"
            ),
            models.CheckConstraint(
                condition=Q(net_cents__lt=0), name="carry_is_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period}: product #{self.product_id} {self.net_cents}"


class LedgerTransaction(AppendOnlyModel):
    """A balanced movement of money: its entries sum to zero.

    `idempotency_key` is unique: writing the same movement twice fails, so a replayed
    close, release or payout adds nothing. `details` keeps what explains the amounts
    (product, month, net, rate, shares or quality weights); the sentence is written
    at display time in the reader's language.
    """

    class Kind(models.TextChoices):
        # What the closes pay: one kind per earning pool, and the registered pools
        # say which kinds are accruals (`rewards.pools.accrual_kinds`).
        ORIGINATOR = "originator", _("originator share")
        REVIEWER = "reviewer", _("reviewer pool")
        RELEASE = "release", _("release after the hold period")
        VOUCHER = "voucher", _("store-credit voucher")
        TRANSFER = "transfer", _("bank transfer requested")
        TRANSFER_PAID = "transfer_paid", _("bank transfer paid")
        REVERSAL = "reversal", _("reversal")
        FORFEIT = "forfeit", _("forfeited on account erasure")
        TILL = "till", _("spent at a store's till")

    idempotency_key = models.CharField(_("idempotency key"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    period = models.ForeignKey(
        Period,
        verbose_name=_("closed month"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transactions",
    )
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"], name="ledger_transaction_idempotent"
            )
        ]

    def __str__(self) -> str:
        return self.idempotency_key


class Entry(AppendOnlyModel):
    """One side of a transaction: a signed amount on one account.

    `weight` is what this member's part was split by: a share in basis points for an
    originator, a review's quality score for a reviewer.
    """

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="entries"
    )
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    weight = models.PositiveIntegerField(_("weight"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [models.Index(fields=["account", "-id"], name="entry_account_id")]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount_cents}"


# --- Payouts ----------------------------------------------------------------------


class PayoutBatch(models.Model):
    """Approved bank transfers exported together for finance, then marked paid."""

    created_at = models.DateTimeField(_("exported"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    paid_at = models.DateTimeField(_("marked paid"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("transfer batch")
        verbose_name_plural = _("transfer batches")

    def __str__(self) -> str:
        return f"#{self.pk} {self.created_at:%Y-%m-%d}"


class Payout(models.Model):
    """A member's request to be paid available money: a voucher or a bank transfer.

    The money leaves the available balance when the request is made (in the same
    transaction that checks the balance); a rejected transfer gives it back.
    """

    class Method(models.TextChoices):
        VOUCHER = "voucher", _("store-credit voucher")
        TRANSFER = "transfer", _("bank transfer")

    class Status(models.TextChoices):
        ISSUED = "issued", _("voucher issued")
        REQUESTED = "requested", _("awaiting approval")
        APPROVED = "approved", _("approved")
        EXPORTED = "exported", _("sent to finance")
        PAID = "paid", _("paid")
        REJECTED = "rejected", _("rejected")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="payouts",
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    amount_cents = models.PositiveBigIntegerField(_("amount (cents)"))
    request_key = models.CharField(
        _("request key"),
        max_length=100,
        help_text=_("Generated with the form: the same request sent twice pays once."),
    )
    voucher_code = models.CharField(
        _("voucher code"), max_length=24, null=True, blank=True, unique=True
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=140, blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rejection_note = models.CharField(_("rejection note"), max_length=300, blank=True)
    batch = models.ForeignKey(
        PayoutBatch,
        verbose_name=_("batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payouts",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "request_key"], name="one_payout_per_request"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="payout_queue")]

    def __str__(self) -> str:
        return f"{self.get_method_display()} #{self.pk}"
