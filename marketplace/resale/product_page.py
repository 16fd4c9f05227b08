"""Second-hand on the catalog's product page (catalog/panels.py, point 1).

"Second-hand from €x — n offers" (the product's listings on sale), "The shop
buys it back for up to €y" (the new price times the best buy-back tier) and,
once the product was resold RESIDUAL_MIN_SALES times in the stores, its
residual value: the median price paid at the till as a share of the new price.
Only a retailer that sees both the new and the second-hand sales can tell it.

Visitors get the product page from the page cache, forgotten on the product's
tag whenever a listing of the product changes (services.listing_changed) or the
product does. Members see it uncached: the panel's figures are kept in the cache
under that same tag's version (comptoir.page_cache.page_cache_tags_version), so
they are forgotten together with the pages; the version is read before the
figures, so figures read while a listing changes are stored under a version
nobody asks for again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Min
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

from community.moderation.models import ModerationStatus
from comptoir.page_cache import page_cache_clear, page_cache_tags_version
from marketplace.catalog.cached_pages import product_tag
from marketplace.catalog.panels import ProductPanel

from .buyback import buyback_price
from .models import (
    Condition,
    Handoff,
    HandoffStatus,
    Listing,
    ListingState,
    ResaleSettings,
)

# From this many second-hand sales a median says something about the product.
RESIDUAL_MIN_SALES = 5
# A safety net only: the product's tag decides what is current.
KEPT_SECONDS = 24 * 3600
_PREFIX = "resale:product-panel"


@dataclass(frozen=True)
class SecondHandFigures:
    """What the panel shows of a product's second-hand life, in cents."""

    on_sale: int = 0
    from_cents: int | None = None
    sales: int = 0
    median_cents: int | None = None
    # The shop's share for the best condition: kept with the figures, so a
    # member's product page reads no setting (saving the rules forgets them).
    top_share_bp: int = 0


def _median_paid(handoffs, count: int) -> int:
    """The median price paid of `count` sales (the mean of the two middle ones,
    to the cent, half up, for an even count): reads two rows at most."""
    middle = list(
        handoffs.order_by("paid_cents", "id").values_list("paid_cents", flat=True)[
            (count - 1) // 2 : count // 2 + 1
        ]
    )
    return (sum(middle) * 2 + len(middle)) // (2 * len(middle))


def product_second_hand(*, product_id: int) -> SecondHandFigures:
    """The product's listings on sale (how many, the lowest price) and its sales
    handed over in the stores (how many, the median paid once there are
    RESIDUAL_MIN_SALES), and the shop's top buy-back share: four queries at most,
    whatever their number."""
    listed = Listing.objects.filter(
        product_id=product_id,
        status=ModerationStatus.PUBLISHED,
        state=ListingState.PUBLISHED,
    ).aggregate(on_sale=Count("id"), from_cents=Min("price_cents"))
    handoffs = Handoff.objects.filter(
        listing__product_id=product_id,
        status=HandoffStatus.HANDED_OVER,
        paid_cents__isnull=False,
    )
    sales = handoffs.count()
    median = _median_paid(handoffs, sales) if sales >= RESIDUAL_MIN_SALES else None
    return SecondHandFigures(
        on_sale=listed["on_sale"] or 0,
        from_cents=listed["from_cents"],
        sales=sales,
        median_cents=median,
        top_share_bp=ResaleSettings.load().buyback_bp(Condition.NEW_WITH_TAGS),
    )


def product_second_hand_kept(*, product_id: int) -> SecondHandFigures:
    """The figures from the cache while the product's tag is unchanged (no query),
    else read and kept."""
    version = page_cache_tags_version(product_tag(product_id))
    key = f"{_PREFIX}:{product_id}:{version}" if version else None
    if key is not None:
        figures = cache.get(key)
        if isinstance(figures, SecondHandFigures):
            return figures
    figures = product_second_hand(product_id=product_id)
    if key is not None:
        cache.set(key, figures, KEPT_SECONDS)
    return figures


def residual_share_percent(*, median_cents: int, new_cents: int) -> int:
    """The median resale price as a whole percentage of the new price, half up."""
    return (median_cents * 200 + new_cents) // (2 * new_cents)


def listings_of_product_url(product) -> str:
    """/resale/ filtered to the product's listings (by its catalog reference)."""
    return f"{reverse('resale:list')}?{urlencode({'product': product.sku})}"


class SecondHandPanel(ProductPanel):
    """The product page's second-hand offers, buy-back price and residual value."""

    name = "resale_second_hand"
    # After the reviews (100), before the questions (150): what it is worth used.
    order = 120
    template_name = "resale/includes/product_second_hand.html"
    shared = True  # The same for every viewer: kept under the page's tags.

    def get_context(self, request: HttpRequest, product) -> dict:
        figures = product_second_hand_kept(product_id=product.pk)
        buyback_cents = buyback_price(product, share_bp=figures.top_share_bp)
        share = None
        if figures.median_cents is not None and product.price_cents:
            share = residual_share_percent(
                median_cents=figures.median_cents, new_cents=product.price_cents
            )
        shown = bool(figures.on_sale or buyback_cents or share is not None)
        return {
            "second_hand": {
                "shown": shown,
                "on_sale": figures.on_sale,
                "from_cents": figures.from_cents,
                "list_url": listings_of_product_url(product),
                "sell_url": (
                    f"{reverse('resale:new')}?{urlencode({'product': product.sku})}"
                ),
                "buyback_cents": buyback_cents,
                "sales": figures.sales,
                "residual_percent": share,
            }
        }


def _rules_saved(sender, instance, created=False, **kwargs) -> None:
    # The buy-back shares show on every product page: forget them all at once
    # (the rules change seldom). Not when the first read makes the default row.
    if not created:
        page_cache_clear()


def rules_signals_connect() -> None:
    """Forget every kept panel and cached page when editors save the rules."""
    from django.db.models.signals import post_save

    post_save.connect(_rules_saved, sender=ResaleSettings, dispatch_uid="resale-rules")
