from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from comptoir.uploads import private_media_storage


class UserManager(BaseUserManager):
    """Members sign in with their e-mail address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account: a customer (member) or the retailer's staff.

    The e-mail address is private; the display name is what others see.
    """

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Shown publicly instead of your e-mail address."),
    )
    slug = models.SlugField(
        max_length=60,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Public profile address, made from the display name."),
    )
    avatar = models.ImageField(
        _("avatar"),
        upload_to="avatars/%Y/%m/",
        blank=True,
        help_text=_(
            "Re-encoded on upload: JPEG, PNG or WEBP, 10 MB and 40 MP at most."
        ),
    )
    bio = models.TextField(_("short bio"), max_length=500, blank=True)
    home_store = models.ForeignKey(
        "catalog.Store",
        verbose_name=_("home store"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="home_members",
    )
    loyalty_card_number = models.CharField(
        _("loyalty card number"),
        max_length=32,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Links your in-store purchases to your account."),
    )

    trust_level = models.PositiveSmallIntegerField(
        _("trust level"),
        default=0,
        choices=[
            (0, _("0 · New")),
            (1, _("1 · Basic")),
            (2, _("2 · Member")),
            (3, _("3 · Regular")),
            (4, _("4 · Leader")),
        ],
        help_text=_(
            "0 and 1 are premoderated; 2 publishes directly; 3 and 4 are granted "
            "by staff."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            # "Marie" and "marie" would be the same person to a reader.
            models.UniqueConstraint(
                Lower("display_name"),
                name="members_user_display_name_ci_unique",
                violation_error_message=_("This display name is already taken."),
            ),
        ]
        indexes = [
            # Sales from the tills name customers by e-mail in any case.
            models.Index(Lower("email"), name="members_user_email_lower"),
        ]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """What other people see: never the e-mail address."""
        return self.display_name or _("Member #%(id)s") % {"id": self.pk}


class PostingRecord(models.Model):
    """That a member posted something of one kind, and when: what the new-member
    limits count. Written by content services after a successful post."""

    member = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="posting_records"
    )
    kind = models.CharField(_("kind"), max_length=40)
    created_at = models.DateTimeField(_("posted"), default=timezone.now)

    class Meta:
        verbose_name = _("posting record")
        verbose_name_plural = _("posting records")
        indexes = [
            models.Index(
                fields=["member", "kind", "created_at"], name="posting_member_kind"
            ),
            models.Index(fields=["member", "created_at"], name="posting_member_time"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.created_at:%Y-%m-%d %H:%M}"


@register_setting(icon="group")
class TrustSettings(BaseGenericSetting):
    """When members move up a trust level, and what new members may do."""

    level1_min_approved = models.PositiveIntegerField(
        _("level 1: approved contributions"),
        default=2,
        help_text=_("Contributions approved by a moderator (or published)."),
    )
    level1_min_days = models.PositiveIntegerField(
        _("level 1: days since joining"), default=1
    )
    level2_min_approved = models.PositiveIntegerField(
        _("level 2: approved contributions"), default=10
    )
    level2_min_days = models.PositiveIntegerField(
        _("level 2: days since joining"), default=15
    )
    level2_min_helpful_votes = models.PositiveIntegerField(
        _("level 2: helpful votes received"),
        default=5,
        help_text=_("On the member's published reviews."),
    )
    new_posts_per_kind_first_day = models.PositiveIntegerField(
        _("level 0: posts of each kind on the first day"),
        default=3,
        help_text=_("During the first 24 hours after joining (reviews, ideas…)."),
    )
    new_seconds_between_posts = models.PositiveIntegerField(
        _("level 0: seconds between two posts"), default=30
    )
    new_links_allowed = models.BooleanField(
        _("level 0: links allowed"),
        default=False,
        help_text=_("Links are always allowed from level 1."),
    )
    reports_to_hide = models.PositiveIntegerField(
        _("reports that hide an item"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("From distinct members of trust level 1 or more."),
    )
    single_report_hide_level = models.PositiveSmallIntegerField(
        _("trust level whose single report hides a new member's item"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("A report from this level or above hides a level 0 item at once."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("level1_min_approved"), FieldPanel("level1_min_days")],
            heading=_("Promotion to level 1 · Basic"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("level2_min_approved"),
                FieldPanel("level2_min_days"),
                FieldPanel("level2_min_helpful_votes"),
            ],
            heading=_("Promotion to level 2 · Member (publishes without moderation)"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("new_posts_per_kind_first_day"),
                FieldPanel("new_seconds_between_posts"),
                FieldPanel("new_links_allowed"),
            ],
            heading=_("Limits for level 0 · New"),
        ),
        MultiFieldPanel(
            [FieldPanel("reports_to_hide"), FieldPanel("single_report_hide_level")],
            heading=_("Reports"),
        ),
    ]

    class Meta:
        verbose_name = _("trust levels")


class MemberDataRequest(models.Model):
    """A member's request under the GDPR: a copy of their data, or erasure.

    Kept after the erasure it records (the member row stays, anonymised), so the
    staff can show who asked what, when it was due (one month later, Article 12)
    and who handled it. An export's archive lives in private storage and may be
    downloaded by its member alone until `expires_at`.
    """

    class Kind(models.TextChoices):
        EXPORT = "export", _("copy of my data")
        ERASURE = "erasure", _("erasure")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        RUNNING = "running", _("being prepared")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")
        DONE = "done", _("done")

    IN_PROGRESS = (Status.REQUESTED, Status.RUNNING)

    member = models.ForeignKey(
        User,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="data_requests",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    deadline = models.DateTimeField(
        _("deadline"), help_text=_("One month after the request.")
    )
    handled_by = models.ForeignKey(
        User,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the site prepared the copy by itself."),
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    progress_done = models.PositiveIntegerField(_("steps done"), default=0)
    progress_total = models.PositiveIntegerField(_("steps in all"), default=0)
    archive = models.FileField(
        _("archive"),
        upload_to="data_exports/",
        storage=private_media_storage,
        blank=True,
    )
    expires_at = models.DateTimeField(_("download until"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        permissions = [("handle_data_requests", _("Can see members' data requests"))]
        constraints = [
            # Two builds of one member's archive at once would only race.
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(kind="export", status__in=["requested", "running"]),
                name="one_data_export_in_progress",
                violation_error_message=_("A copy of your data is already on its way."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["member", "kind", "-requested_at"], name="data_request_member"
            ),
            models.Index(fields=["status", "deadline"], name="data_request_due"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} · {self.member} · {self.requested_at:%Y-%m-%d}"
        )

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS

    def is_expired(self, now=None) -> bool:
        """An export's archive can no longer be downloaded."""
        if self.expires_at is None:
            return False
        return (now or timezone.now()) >= self.expires_at

    def is_overdue(self, now=None) -> bool:
        """Not handled by its deadline (or still open past it)."""
        if self.handled_at is not None:
            return self.handled_at > self.deadline
        return (now or timezone.now()) > self.deadline

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)
