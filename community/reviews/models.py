"""Customer reviews of catalog products: one per member and product."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from community.moderation.models import ModeratedContent, ModerationAction
from comptoir.uploads import private_media_storage

# Quality scores are stored as integers in ten-thousandths (8200 = 0.82), so sums
# and proportional splits of money never touch floats or SQL decimals.
QUALITY_SCALE = 10_000


class ReviewRejectionReason(models.TextChoices):
    """Reasons to reject a review, besides moderation's shared ones (spam…)."""

    OFF_TOPIC = "off_topic", _("Not about the product")
    PRICE_OR_DELIVERY = "price_or_delivery", _("Price or delivery complaint")


class ReviewReportReason(models.TextChoices):
    """Reasons to report a review, besides moderation's shared ones (spam…)."""

    OFF_TOPIC = "off_topic", _("Not about the product")
    FAKE = "fake", _("Looks fake or paid for")


class Review(index.Indexed, ModeratedContent):
    """A member's review of a product: rating, title, Markdown text, photos."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="reviews"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(
        _("review"), max_length=10_000, help_text=_("Markdown: **bold**, lists, links.")
    )
    verified_purchase = models.BooleanField(
        _("verified purchase"),
        default=False,
        help_text=_("A recorded sale of this product is linked to the author."),
    )
    helpful_count = models.PositiveIntegerField(_("helpful votes"), default=0)
    not_helpful_count = models.PositiveIntegerField(_("not helpful votes"), default=0)
    quality_score = models.PositiveIntegerField(
        _("quality score"),
        default=0,
        help_text=_("In ten-thousandths: 8200 means 0.82."),
    )

    # The site search (selectors.review_search) filters on moderation status and
    # the product: published reviews of active products only.
    search_fields = [
        index.SearchField("title", boost=2),
        index.SearchField("body"),
        index.FilterField("status"),
        index.FilterField("product"),
    ]

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "author"], name="one_review_per_member_and_product"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="rating_1_to_5"
            ),
        ]
        indexes = [
            models.Index(
                fields=["product", "status", "-quality_score", "-id"],
                name="review_product_helpful",
            ),
            models.Index(
                fields=["product", "status", "-created_at", "-id"],
                name="review_product_newest",
            ),
            # Covers the product page's average and 1–5 distribution, so the
            # aggregate reads the index only, not 5,000 review rows.
            models.Index(
                fields=["product", "status", "rating"], name="review_product_rating"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def moderation_lock_related(cls, reviews) -> None:
        """Before a batch is decided, lock its products in id order, as each
        decision recounts its product's rating under that lock."""
        from .services import products_lock

        products_lock(product_ids={review.product_id for review in reviews})

    def on_moderation_decision(self, *, action: ModerationAction) -> None:
        """Moderation approved, rejected or hid this review: recount its product
        and keep its photos public only if it is published."""
        from .services import product_rating_refresh, review_photos_place

        product_rating_refresh(product_id=self.product_id)
        review_photos_place(review=self)

    @property
    def page_anchor(self) -> str:
        """The id of this review's card on the product page."""
        return f"review-{self.pk}"

    def get_absolute_url(self) -> str:
        """The product page, at this review (where moderators and authors see it)."""
        from django.urls import reverse

        product_url = reverse(
            "catalog:product_detail", kwargs={"slug": self.product.slug}
        )
        return f"{product_url}#review-{self.pk}"


class ReviewPhoto(models.Model):
    """A photo attached to a review, re-encoded, kept where its review's status allows.

    While the review is published the photo is a Wagtail image under MEDIA_URL, with
    its renditions; otherwise (pending, rejected, hidden, removed) it is a private
    file that only its author and moderators can open. `services.review_photos_place`
    moves it at every change of status.
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Set while the review is published."),
    )
    private_file = models.ImageField(
        upload_to="review_photos/",
        storage=private_media_storage,
        blank=True,
        help_text=_("Set while the review is not published."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("review photo")
        verbose_name_plural = _("review photos")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(image__isnull=False, private_file="")
                    | (models.Q(image__isnull=True) & ~models.Q(private_file=""))
                ),
                name="review_photo_public_or_private",
            )
        ]

    def __str__(self) -> str:
        return f"Photo {self.position + 1} of review #{self.review_id}"

    @property
    def is_public(self) -> bool:
        return self.image_id is not None

    @property
    def stored_file(self):
        """The photo's file, wherever it is kept."""
        return self.image.file if self.is_public else self.private_file


class ReviewVote(models.Model):
    """One member's helpful / not helpful vote on a review; changeable."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_votes"
    )
    helpful = models.BooleanField(_("helpful"))
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review vote")
        verbose_name_plural = _("review votes")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "voter"], name="one_vote_per_member_and_review"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{'helpful' if self.helpful else 'not helpful'}: review #{self.review_id}"
        )


class ReviewResponse(models.Model):
    """The retailer's public answer under a review (staff only)."""

    review = models.OneToOneField(
        Review, on_delete=models.CASCADE, related_name="response"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("response"), max_length=5_000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("response from the retailer")
        verbose_name_plural = _("responses from the retailer")

    def __str__(self) -> str:
        return f"Response to review #{self.review_id}"


class ProductRating(models.Model):
    """A product's published reviews counted by stars.

    Recounted in the transaction of every change to a review's status or rating
    (`services.product_rating_refresh`), so a product page and the product list read
    five numbers instead of counting thousands of reviews on every visit.
    """

    product = models.OneToOneField(
        "catalog.Product",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="rating",
    )
    stars_1 = models.PositiveIntegerField(default=0)
    stars_2 = models.PositiveIntegerField(default=0)
    stars_3 = models.PositiveIntegerField(default=0)
    stars_4 = models.PositiveIntegerField(default=0)
    stars_5 = models.PositiveIntegerField(default=0)

    STARS_FIELDS = ("stars_1", "stars_2", "stars_3", "stars_4", "stars_5")

    class Meta:
        verbose_name = _("product rating")
        verbose_name_plural = _("product ratings")

    def __str__(self) -> str:
        return f"Rating of product #{self.product_id}"

    @property
    def distribution(self) -> dict[int, int]:
        """Published reviews by number of stars, 1 to 5."""
        return {
            stars: getattr(self, field)
            for stars, field in enumerate(self.STARS_FIELDS, start=1)
        }
