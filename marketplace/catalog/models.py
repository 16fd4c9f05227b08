import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.managers import TaggableManager
from wagtail.models import Orderable
from wagtail.search import index


class Store(index.Indexed, models.Model):
    """One of the retailer's shops, where stock is held and hand-offs can happen."""

    code = models.SlugField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("Short code used by the retailer's systems, e.g. lyon-part-dieu."),
    )
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=80)
    opening_hours = models.TextField(
        _("opening hours"),
        blank=True,
        help_text=_("One line per day or range of days."),
    )
    opening_days = models.CharField(
        _("opening days"),
        max_length=7,
        default="123456",
        help_text=_(
            "The days the store is open, as ISO weekday digits: 1 = Monday … "
            "7 = Sunday. 123456 is Monday to Saturday. Pick-ups are offered on "
            "these days only."
        ),
    )
    # Where the store is, for "nearest store" sorts; blank until the retailer sets it.
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("store staff"),
        blank=True,
        related_name="staffed_stores",
        help_text=_(
            "People who work this store's hand-off desk in the admin: they see "
            "this store's reservations and hand-offs, and no other store's."
        ),
    )

    search_fields = [
        index.SearchField("name"),
        index.SearchField("city"),
        index.AutocompleteField("name"),
        index.FilterField("code"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        permissions = [
            ("view_every_desk", "Can work the hand-off desk of every store"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        days = self.opening_days or ""
        if (
            not days
            or any(d not in "1234567" for d in days)
            or len(set(days)) != len(days)
        ):
            raise ValidationError(
                {
                    "opening_days": _(
                        "Give the days as distinct digits from 1 (Monday) to 7 "
                        "(Sunday), e.g. 123456."
                    )
                }
            )
        self.opening_days = "".join(sorted(days))

    def is_open_on(self, day: dt.date) -> bool:
        """Whether the store opens on this date (by weekday)."""
        return str(day.isoweekday()) in (self.opening_days or "")


class Product(index.Indexed, ClusterableModel):
    """An article of the retailer's catalog, with its price in cents.

    A cluster, so the admin edits its gallery (`gallery_images`) in the same form.
    """

    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    description = models.TextField(_("description"), blank=True)
    price_cents = models.PositiveIntegerField(
        _("price (cents)"), help_text=_("Price including VAT, in cents: 1299 = €12.99.")
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The product's main picture: the first of its gallery and the one "
            "product lists show."
        ),
    )
    tags = TaggableManager(_("tags"), blank=True)
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive products are hidden from the site."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    search_fields = [
        index.SearchField("name"),
        index.SearchField("description"),
        index.SearchField("sku"),
        index.AutocompleteField("name"),
        index.FilterField("active"),
        index.FilterField("sku"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            models.Index(
                fields=["active", "-created_at", "-id"], name="product_newest"
            ),
            models.Index(fields=["active", "price_cents", "id"], name="product_price"),
            # The list's default order: without it every page sorts the catalog.
            models.Index(fields=["active", "name", "id"], name="product_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("catalog:product_detail", kwargs={"slug": self.slug})


class ProductImage(Orderable):
    """One more picture of a product, shown after its main image in the gallery."""

    product = ParentalKey(
        Product,
        on_delete=models.CASCADE,
        related_name="gallery_images",
        verbose_name=_("product"),
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    alt = models.CharField(
        _("alternative text"),
        max_length=255,
        blank=True,
        help_text=_(
            "What the picture shows, for those who cannot see it, e.g. "
            "“the spout seen from above”. Empty: the product's name and the "
            "picture's number."
        ),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("gallery image")
        verbose_name_plural = _("gallery images")

    def __str__(self) -> str:
        return self.alt or str(self.image)


class StockLevel(models.Model):
    """How many units of a product one store holds right now."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="stock_levels"
    )
    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="stock_levels"
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "store"], name="one_stock_level_per_product_store"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} @ {self.store}: {self.quantity}"
