"""Members resell second-hand, handed over and paid in the retailer's stores.

A listing goes draft → pending (when the seller's trust level asks for moderation) →
published → reserved → sold; or withdrawn, expired, rejected. Moderation's own
`status` (ModeratedContent) says whether the shop shows it; `state` is where the sale
is. A buyer talks to the seller in a private conversation, may make an offer, and
reserves the listing for a hand-off at one of the seller's stores on a day: both get
the hand-off's code, the store's staff confirm it, the buyer pays at the till, the
seller is paid through the rewards ledger. The shop may instead buy a listing tied to
a catalog product back for store credit. After a hand-off each side rates the other,
double-blind. `services.py` is the only writer of `state`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.search import index

from community.moderation.models import ModeratedContent
from comptoir.slugs import url_slug
from comptoir.uploads import private_media_storage

TITLE_MAX_LENGTH = 120
DESCRIPTION_MAX_LENGTH = 5000
MESSAGE_MAX_LENGTH = 2000
MAX_PHOTOS = 10
HANDOFF_CODE_LENGTH = 8


class Condition(models.TextChoices):
    NEW_WITH_TAGS = "new_with_tags", _("New with tags")
    VERY_GOOD = "very_good", _("Very good")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")


# The shop's definitions, shown next to the choice on the listing form and page.
CONDITION_DEFINITIONS = {
    Condition.NEW_WITH_TAGS: _(
        "Never used, in its packaging or with its tags, with every part and manual."
    ),
    Condition.VERY_GOOD: _(
        "Used a few times, no visible wear, works perfectly, complete."
    ),
    Condition.GOOD: _("Used, light signs of wear (scratches, marks), works perfectly."),
    Condition.FAIR: _(
        "Well used, visible wear or a missing accessory, works; the description "
        "says what."
    ),
}


class ListingState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Waiting for moderation")
    PUBLISHED = "published", _("On sale")
    RESERVED = "reserved", _("Reserved")
    SOLD = "sold", _("Sold")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")
    REJECTED = "rejected", _("Rejected")


# Shown to everyone (on /resale/, in search, on the product page) once moderation has
# published it; a sold listing keeps its page, marked sold, and leaves the list.
PUBLIC_STATES = frozenset(
    {ListingState.PUBLISHED, ListingState.RESERVED, ListingState.SOLD}
)
# In the list and the search: what can still be bought or is about to be.
LISTED_STATES = frozenset({ListingState.PUBLISHED, ListingState.RESERVED})
# What /resale/ lists (status as moderation's ModerationStatus.PUBLISHED).
LISTED_CONDITION = Q(status="published", state__in=sorted(LISTED_STATES))
# (from, to) pairs; services.py checks every move against them.
ALLOWED_MOVES = frozenset(
    {
        (ListingState.DRAFT, ListingState.PENDING),
        (ListingState.DRAFT, ListingState.PUBLISHED),
        (ListingState.DRAFT, ListingState.WITHDRAWN),
        (ListingState.PENDING, ListingState.PUBLISHED),
        (ListingState.PENDING, ListingState.REJECTED),
        (ListingState.PENDING, ListingState.WITHDRAWN),
        (ListingState.PUBLISHED, ListingState.RESERVED),
        (ListingState.PUBLISHED, ListingState.SOLD),
        (ListingState.PUBLISHED, ListingState.WITHDRAWN),
        (ListingState.PUBLISHED, ListingState.EXPIRED),
        (ListingState.PUBLISHED, ListingState.REJECTED),
        (ListingState.RESERVED, ListingState.PUBLISHED),
        (ListingState.RESERVED, ListingState.SOLD),
        (ListingState.RESERVED, ListingState.WITHDRAWN),
        (ListingState.EXPIRED, ListingState.PUBLISHED),
        (ListingState.EXPIRED, ListingState.PENDING),
        (ListingState.WITHDRAWN, ListingState.DRAFT),
        (ListingState.REJECTED, ListingState.DRAFT),
    }
)


@register_setting(icon="tag")
class ResaleSettings(BaseGenericSetting):
    """The rules of second-hand sales: durations, money, buy-back tiers, DAC7."""

    listing_days = models.PositiveIntegerField(
        _("days a listing stays on sale"),
        default=60,
        help_text=_("A listing not sold by then expires; its seller may put it back."),
    )
    expiry_reminder_days = models.PositiveIntegerField(
        _("reminder before expiry (days)"), default=7
    )
    reservation_hours = models.PositiveIntegerField(
        _("hours to hand over a reserved listing"),
        default=72,
        help_text=_(
            "Not handed over by then, the reservation lapses and the listing is on "
            "sale again."
        ),
    )
    commission_bp = models.PositiveIntegerField(
        _("shop's commission (basis points)"),
        default=0,
        validators=[MaxValueValidator(10_000)],
        help_text=_(
            "100 basis points = 1 %. Taken from the price of an in-store sale."
        ),
    )
    store_credit_bonus_bp = models.PositiveIntegerField(
        _("bonus for taking store credit (basis points)"),
        default=1000,
        validators=[MaxValueValidator(10_000)],
        help_text=_(
            "Added to the seller's part when they take store credit instead of cash."
        ),
    )
    buyback_new_bp = models.PositiveIntegerField(
        _("buy-back, new with tags (basis points of the new price)"),
        default=5000,
        validators=[MaxValueValidator(10_000)],
    )
    buyback_very_good_bp = models.PositiveIntegerField(
        _("buy-back, very good (basis points)"),
        default=4000,
        validators=[MaxValueValidator(10_000)],
    )
    buyback_good_bp = models.PositiveIntegerField(
        _("buy-back, good (basis points)"),
        default=3000,
        validators=[MaxValueValidator(10_000)],
    )
    buyback_fair_bp = models.PositiveIntegerField(
        _("buy-back, fair (basis points)"),
        default=0,
        validators=[MaxValueValidator(10_000)],
        help_text=_("0: the shop does not buy back in this condition."),
    )
    rating_days = models.PositiveIntegerField(
        _("days to rate after a hand-off"), default=14
    )
    link_min_level = models.PositiveSmallIntegerField(
        _("trust level to send links in messages"), default=2
    )
    messages_per_hour_new = models.PositiveIntegerField(
        _("messages per hour at trust levels 0–1"), default=20
    )
    messages_per_hour_member = models.PositiveIntegerField(
        _("messages per hour at trust level 2 and above"), default=120
    )
    dac7_sales = models.PositiveIntegerField(
        _("DAC7: sales in a year that make a seller reportable"), default=30
    )
    dac7_cents = models.PositiveIntegerField(
        _("DAC7: consideration in a year that makes a seller reportable (cents)"),
        default=200_000,
    )
    dac7_warning_sales = models.PositiveIntegerField(
        _("DAC7: warn the seller from this many sales"), default=25
    )
    dac7_warning_cents = models.PositiveIntegerField(
        _("DAC7: warn the seller from this consideration (cents)"), default=150_000
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("listing_days"),
                FieldPanel("expiry_reminder_days"),
                FieldPanel("reservation_hours"),
                FieldPanel("rating_days"),
            ],
            heading=_("Durations"),
        ),
        MultiFieldPanel(
            [FieldPanel("commission_bp"), FieldPanel("store_credit_bonus_bp")],
            heading=_("Money"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("buyback_new_bp"),
                FieldPanel("buyback_very_good_bp"),
                FieldPanel("buyback_good_bp"),
                FieldPanel("buyback_fair_bp"),
            ],
            heading=_("Buy-back prices by condition"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("link_min_level"),
                FieldPanel("messages_per_hour_new"),
                FieldPanel("messages_per_hour_member"),
            ],
            heading=_("Conversations"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("dac7_sales"),
                FieldPanel("dac7_cents"),
                FieldPanel("dac7_warning_sales"),
                FieldPanel("dac7_warning_cents"),
            ],
            heading=_("Seller reporting (EU DAC7)"),
        ),
    ]

    class Meta:
        verbose_name = _("second-hand rules")

    def buyback_bp(self, condition: str) -> int:
        """The share of the new price the shop pays in store credit for a condition."""
        return {
            Condition.NEW_WITH_TAGS: self.buyback_new_bp,
            Condition.VERY_GOOD: self.buyback_very_good_bp,
            Condition.GOOD: self.buyback_good_bp,
            Condition.FAIR: self.buyback_fair_bp,
        }.get(condition, 0)


class TaggedListing(TaggedItemBase):
    content_object = ParentalKey(
        "resale.Listing", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Listing(index.Indexed, ClusterableModel, ModeratedContent):
    """One second-hand thing a member sells, at a price, handed over in a store."""

    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("seller"),
        on_delete=models.CASCADE,
        related_name="resale_listings",
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    slug = models.SlugField(
        max_length=TITLE_MAX_LENGTH, allow_unicode=False, blank=True
    )
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH)
    price_cents = models.PositiveIntegerField(_("price (cents)"))
    condition = models.CharField(
        _("condition"), max_length=16, choices=Condition.choices
    )
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("catalog product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resale_listings",
    )
    # The member's own matched purchase of that product: the "verified owner" mark.
    purchase = models.ForeignKey(
        "sales.SaleEvent",
        verbose_name=_("purchase"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resale_listings",
    )
    handoff_stores = models.ManyToManyField(
        "catalog.Store",
        verbose_name=_("stores for the hand-off"),
        related_name="resale_listings",
    )
    tags = ClusterTaggableManager(
        through=TaggedListing, blank=True, verbose_name=_("tags")
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ListingState.choices,
        default=ListingState.DRAFT,
    )
    state_changed_at = models.DateTimeField(_("state changed"), default=timezone.now)
    # Set when it goes on sale (and again when put back on sale after expiring).
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    expiry_reminded_at = models.DateTimeField(
        _("reminded of expiry"), null=True, blank=True
    )
    sold_at = models.DateTimeField(_("sold"), null=True, blank=True)
    sold_price_cents = models.PositiveIntegerField(
        _("sold for (cents)"), null=True, blank=True
    )
    # Kept by the database itself from status and state, whoever saves them
    # (moderation included): SQLite uses no partial index for a query with bound
    # parameters, but it does use an index that starts with this column.
    listed = models.GeneratedField(
        expression=Case(
            When(LISTED_CONDITION, then=Value(True)),
            default=Value(False),
            output_field=models.BooleanField(),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )
    refusal_reasons = models.JSONField(
        _("prohibited because"),
        default=list,
        blank=True,
        help_text=_("The reasons the moderator picked when refusing it."),
    )

    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("description"),
        index.AutocompleteField("title"),
        index.FilterField("state"),
        index.FilterField("listed"),
        index.FilterField("status"),
        index.FilterField("price_cents"),
        index.FilterField("condition"),
        index.FilterField("product_id"),
    ]

    class Meta:
        verbose_name = _("second-hand listing")
        verbose_name_plural = _("second-hand listings")
        constraints = [
            models.CheckConstraint(
                condition=Q(price_cents__gte=1), name="resale_listing_price_positive"
            ),
        ]
        indexes = [
            # /resale/: what is listed, newest first (keyset on published_at, id).
            # /resale/ reads only what is listed, in one of its orders, and counts
            # it: `listed` leads each index, so both stay a range of one index.
            models.Index(
                fields=["listed", "-published_at", "-id"], name="resale_listed_newest"
            ),
            models.Index(
                fields=["listed", "price_cents", "id"], name="resale_listed_price"
            ),
            models.Index(
                fields=["listed", "condition", "price_cents", "id"],
                name="resale_listed_condition",
            ),
            # The product page: a product's listings and its sales.
            models.Index(fields=["product", "state"], name="resale_product_state"),
            # /me/listings/ and the seller's figures.
            models.Index(fields=["seller", "state"], name="resale_seller_state"),
            # The daily refresh: what expires or should be reminded.
            models.Index(fields=["state", "expires_at"], name="resale_expiry"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.slug = url_slug(self.title, max_length=TITLE_MAX_LENGTH, default="listing")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse(
            "resale:detail", kwargs={"pk": self.pk, "slug": self.slug or "listing"}
        )

    @property
    def moderation_author(self):
        return self.seller

    def on_moderation_decision(self, *, action) -> None:
        """Moderation decided: approved while pending, it goes on sale; refused, it
        is rejected with the reason picked (moderation.listing_moderated)."""
        from .moderation import listing_moderated

        listing_moderated(listing=self, action=action)

    @property
    def is_public(self) -> bool:
        return self.status == "published" and self.state in PUBLIC_STATES

    @property
    def is_verified_owner(self) -> bool:
        return self.purchase_id is not None

    @property
    def condition_definition(self) -> str:
        return str(CONDITION_DEFINITIONS.get(self.condition, ""))


class ListingPhoto(models.Model):
    """A photo of a listing, re-encoded by the upload checks; public (a Wagtail image)
    while the listing is public, a private file otherwise, as review photos are."""

    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    private_file = models.ImageField(
        upload_to="resale_photos/", storage=private_media_storage, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("listing photo")
        verbose_name_plural = _("listing photos")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(image__isnull=False, private_file="")
                    | (Q(image__isnull=True) & ~Q(private_file=""))
                ),
                name="resale_photo_public_or_private",
            )
        ]

    def __str__(self) -> str:
        return f"Photo {self.position + 1} of listing #{self.listing_id}"

    @property
    def is_public(self) -> bool:
        return self.image_id is not None

    @property
    def stored_file(self):
        return self.image.file if self.is_public else self.private_file


class ListingStateChange(models.Model):
    """One step of a listing's life: from, to, who, when and why."""

    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="history"
    )
    from_state = models.CharField(max_length=10, choices=ListingState.choices)
    to_state = models.CharField(max_length=10, choices=ListingState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("listing state change")
        verbose_name_plural = _("listing state changes")

    def __str__(self) -> str:
        return f"#{self.listing_id}: {self.from_state} → {self.to_state}"


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COUNTERED = "countered", _("Countered")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    LAPSED = "lapsed", _("No longer valid")


class Offer(models.Model):
    """A buyer's price for a listing, below the asking price; the seller accepts,
    declines or counters (a counter is a new offer made by the seller, answered by
    the buyer). An accepted offer reserves the listing at its amount."""

    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="offers"
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resale_offers"
    )
    # The buyer, or the seller for a counter-offer.
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    # The hand-off the buyer asks for: accepted, the listing is reserved there.
    store = models.ForeignKey(
        "catalog.Store",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("store"),
    )
    day = models.DateField(_("hand-off day"))
    counter_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="counter"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OfferStatus.choices,
        default=OfferStatus.OPEN,
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gte=1), name="resale_offer_amount_positive"
            ),
            # One open offer per buyer and listing, whoever made the last one.
            models.UniqueConstraint(
                fields=["listing", "buyer"],
                condition=Q(status="open"),
                name="resale_one_open_offer_per_buyer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount_cents} on #{self.listing_id} by #{self.buyer_id}"


class HandoffStatus(models.TextChoices):
    RESERVED = "reserved", _("Reserved, to hand over")
    HANDED_OVER = "handed_over", _("Handed over and paid")
    LAPSED = "lapsed", _("Lapsed (not handed over in time)")
    CANCELLED = "cancelled", _("Cancelled")


class Payout(models.TextChoices):
    CASH = "cash", _("Money in my wallet")
    STORE_CREDIT = "store_credit", _("Store credit, with the bonus")


class Handoff(models.Model):
    """A listing reserved by a buyer for a hand-off at one store on one day.

    The code (and its QR) is shown to both parties; staff confirm the hand-off with
    it once, record what the buyer paid at the till, and the listing is sold.
    """

    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="handoffs"
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="resale_purchases",
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resale_sales"
    )
    store = models.ForeignKey(
        "catalog.Store", on_delete=models.PROTECT, related_name="resale_handoffs"
    )
    day = models.DateField(_("hand-off day"))
    price_cents = models.PositiveIntegerField(_("agreed price (cents)"))
    offer = models.OneToOneField(
        Offer, null=True, blank=True, on_delete=models.SET_NULL, related_name="handoff"
    )
    code = models.CharField(_("hand-off code"), max_length=12, unique=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=HandoffStatus.choices,
        default=HandoffStatus.RESERVED,
    )
    payout = models.CharField(
        _("seller is paid in"),
        max_length=12,
        choices=Payout.choices,
        default=Payout.CASH,
    )
    reserved_at = models.DateTimeField(_("reserved at"))
    lapses_at = models.DateTimeField(_("lapses at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    paid_cents = models.PositiveIntegerField(
        _("paid at the till (cents)"), null=True, blank=True
    )
    # The ledger transaction's idempotency key, once the seller is paid.
    ledger_key = models.CharField(max_length=200, blank=True)
    rating_closes_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["day", "id"]
        verbose_name = _("hand-off")
        verbose_name_plural = _("hand-offs")
        constraints = [
            # One reservation at a time per listing: two buyers at once, one wins.
            models.UniqueConstraint(
                fields=["listing"],
                condition=Q(status="reserved"),
                name="resale_one_open_handoff_per_listing",
            ),
            models.UniqueConstraint(
                fields=["listing"],
                condition=Q(status="handed_over"),
                name="resale_one_sale_per_listing",
            ),
        ]
        indexes = [
            models.Index(fields=["store", "status", "day"], name="resale_handoff_desk"),
            models.Index(fields=["status", "lapses_at"], name="resale_handoff_lapse"),
            models.Index(
                fields=["seller", "status", "ended_at"], name="resale_seller_sales"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · #{self.listing_id} @ {self.store_id}"


class BuybackStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted, to bring to a store")
    CREDITED = "credited", _("Inspected and credited")
    REFUSED = "refused", _("Refused at inspection")
    CANCELLED = "cancelled", _("Cancelled")


class Buyback(models.Model):
    """The shop buys a listing tied to a catalog product back for store credit: the
    price from the product's current price and the condition, confirmed (or lowered,
    with a reason) at a store's inspection, then posted as a voucher."""

    listing = models.OneToOneField(
        Listing, on_delete=models.CASCADE, related_name="buyback"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="resale_buybacks",
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+"
    )
    store = models.ForeignKey(
        "catalog.Store",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    declared_condition = models.CharField(max_length=16, choices=Condition.choices)
    offered_cents = models.PositiveIntegerField(_("offered (cents)"))
    inspected_condition = models.CharField(
        max_length=16, choices=Condition.choices, blank=True
    )
    credited_cents = models.PositiveIntegerField(
        _("credited (cents)"), null=True, blank=True
    )
    inspection_reason = models.CharField(
        _("why the condition was lowered"), max_length=300, blank=True
    )
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        max_length=10, choices=BuybackStatus.choices, default=BuybackStatus.ACCEPTED
    )
    created_at = models.DateTimeField(default=timezone.now)
    inspected_at = models.DateTimeField(null=True, blank=True)
    ledger_key = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("buy-back")
        verbose_name_plural = _("buy-backs")

    def __str__(self) -> str:
        return f"buy-back of #{self.listing_id}"


class Rating(models.Model):
    """One side's rating of the other after a hand-off; published when both have
    rated or the window has closed (double-blind), never before."""

    class Role(models.TextChoices):
        BUYER = "buyer", _("as a buyer")
        SELLER = "seller", _("as a seller")

    handoff = models.ForeignKey(
        Handoff, on_delete=models.CASCADE, related_name="ratings"
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="resale_ratings_given",
    )
    rated = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="resale_ratings",
    )
    # The role of the member rated: a seller's average counts ratings as a seller.
    rated_role = models.CharField(max_length=6, choices=Role.choices)
    stars = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["handoff", "rater"], name="resale_rate_once"
            ),
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5), name="resale_rating_stars"
            ),
        ]
        indexes = [
            models.Index(
                fields=["rated", "rated_role", "published_at"],
                name="resale_rating_rated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stars}★ for #{self.rated_id}"


class Conversation(models.Model):
    """A private conversation between a listing's seller and one interested member."""

    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="conversations"
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="resale_conversations",
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)
    # Each party's last read message id: the unread count is one indexed count.
    buyer_read_id = models.PositiveBigIntegerField(default=0)
    seller_read_id = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "buyer"], name="resale_one_conversation"
            ),
        ]
        indexes = [
            models.Index(
                fields=["buyer", "-last_message_at"], name="resale_conv_buyer"
            ),
            models.Index(
                fields=["seller", "-last_message_at"], name="resale_conv_seller"
            ),
        ]

    def __str__(self) -> str:
        return f"conversation #{self.pk} on listing #{self.listing_id}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("resale:conversation", kwargs={"pk": self.pk})

    def other_party(self, member):
        return self.seller if member.pk == self.buyer_id else self.buyer


class Message(ModeratedContent):
    """One message of a conversation, as shown (contact details masked for members
    below the trust level); published at once, hidden if reported and upheld."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="resale_messages",
    )
    body = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH)
    masked = models.BooleanField(_("contact details masked"), default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("conversation message")
        verbose_name_plural = _("conversation messages")
        indexes = [
            models.Index(fields=["conversation", "id"], name="resale_message_order"),
            models.Index(
                fields=["sender", "-created_at"], name="resale_message_sender"
            ),
        ]

    def __str__(self) -> str:
        return f"message #{self.pk} in conversation #{self.conversation_id}"

    @property
    def moderation_author(self):
        return self.sender


class SellerTaxDetails(models.Model):
    """What the EU DAC7 report needs of a seller past the thresholds, given before
    their next payout. Only the seller and rewards managers see it."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="resale_tax_details",
    )
    legal_name = models.CharField(_("full legal name"), max_length=200)
    birth_date = models.DateField(_("date of birth"))
    address = models.TextField(_("address"), max_length=500)
    tax_number = models.CharField(_("tax identification number"), max_length=40)
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("seller's tax details")
        verbose_name_plural = _("sellers' tax details")

    def __str__(self) -> str:
        return self.legal_name
