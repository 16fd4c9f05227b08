"""Reads of the second-hand pages: the list, one listing as a viewer may see it,
the seller's reputation, my listings, offers and hand-offs.

Every list comes with its joins and prefetches applied, so a page costs the same
number of queries whatever the number of listings, photos, offers or hand-offs
behind it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db.models import (
    BigIntegerField,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.http import Http404
from wagtail.images import get_image_model

from community.moderation.models import ModerationStatus
from community.moderation.services import user_can_moderate
from comptoir.keyset import Keyset, KeysetPage
from comptoir.page_cache import page_cache_tags_version
from comptoir.search import full_text_search
from marketplace.catalog.models import Store
from marketplace.catalog.selectors import product_stock

from .models import (
    LISTED_STATES,
    PUBLIC_STATES,
    Handoff,
    HandoffStatus,
    Listing,
    ListingPhoto,
    ListingState,
    Offer,
    OfferStatus,
    Rating,
)

# Image specs of the templates; their renditions are prefetched with the photos.
CARD_IMAGE_SPEC = "fill-480x360"
DETAIL_IMAGE_SPEC = "max-800x600"
THUMB_IMAGE_SPEC = "fill-160x120"
ZOOM_IMAGE_SPEC = "max-1600x1200"
# Full-text search keeps its best matches, then the list sorts and pages them.
SEARCH_MATCHES_MAX = 500
# A listing whose stores have no coordinates sorts after every located one.
NO_DISTANCE = 10**17
# Squared degrees to an integer key: 1e-10 deg² is about a metre of distance.
DISTANCE_SCALE = 10**10


class DistanceKeyset(Keyset):
    """A keyset over the `distance` annotation (an integer), then the id."""

    def _values(self, queryset, cursor):
        from comptoir.keyset import _decode

        values = _decode(cursor, self.tag)
        if values is None:
            return None
        try:
            return int(values[0]), int(values[1])
        except (TypeError, ValueError):
            return None


LISTING_SORTS = {
    "newest": Keyset(("-published_at", "-id"), tag="rn"),
    "price": Keyset(("price_cents", "id"), tag="rp"),
    "-price": Keyset(("-price_cents", "-id"), tag="rq"),
}
NEAREST_SORT = "nearest"
DEFAULT_LISTING_SORT = "newest"


def listed_listings() -> QuerySet[Listing]:
    """Listings of /resale/ and the search: published by moderation, on sale or
    reserved."""
    # `listed` is status published and state listed, kept by the database. As
    # `IN (1)`, not the bare `WHERE listed` Django writes for `=True`: SQLite
    # reads the bare column through no index, the comparison through the one
    # that starts with it (already in the page's order, and counted from it).
    return Listing.objects.filter(listed__in=[True])


def _images_with(*specs: str) -> QuerySet:
    return get_image_model().objects.prefetch_renditions(*specs)


def _photos_prefetch(*specs: str, to_attr: str = "photo_list") -> Prefetch:
    return Prefetch(
        "photos",
        queryset=ListingPhoto.objects.order_by("position", "id").prefetch_related(
            Prefetch("image", queryset=_images_with(*specs))
        ),
        to_attr=to_attr,
    )


def _with_cards(queryset: QuerySet[Listing]) -> QuerySet[Listing]:
    """What a card shows: seller, tags, photos with the card's rendition."""
    return queryset.select_related("seller").prefetch_related(
        Prefetch("tags", to_attr="tag_list"), _photos_prefetch(CARD_IMAGE_SPEC)
    )


def distance_expression(store: Store):
    """The squared distance from `store` to the nearest hand-off store of each
    listing, as an integer (stores without coordinates count as far away).

    Equirectangular: degrees of longitude shrink by cos(latitude), a constant
    computed here, so the SQL is plain arithmetic on every database.
    """
    lat0, lon0 = float(store.latitude), float(store.longitude)
    shrink = math.cos(math.radians(lat0))
    through = Listing.handoff_stores.through
    lat = Cast("store__latitude", FloatField()) - Value(lat0)
    lon = (Cast("store__longitude", FloatField()) - Value(lon0)) * Value(shrink)
    squared = ExpressionWrapper(
        (lat * lat + lon * lon) * Value(float(DISTANCE_SCALE)),
        output_field=FloatField(),
    )
    nearest = (
        through.objects.filter(
            listing_id=OuterRef("pk"),
            store__latitude__isnull=False,
            store__longitude__isnull=False,
        )
        .annotate(distance=Cast(squared, BigIntegerField()))
        .order_by("distance")
        .values("distance")[:1]
    )
    return Coalesce(
        Subquery(nearest, output_field=BigIntegerField()),
        Value(NO_DISTANCE),
        output_field=BigIntegerField(),
    )


def listing_search_ids(query: str) -> list[int]:
    """The ids of the listed listings matching every word of `query`, best first,
    at most SEARCH_MATCHES_MAX."""
    results = full_text_search(listed_listings(), query)
    return [listing.pk for listing in results[:SEARCH_MATCHES_MAX]]


def listing_list_page(
    *,
    params,
    per_page: int,
    query: str = "",
    tag: str = "",
    condition: str = "",
    min_cents: int | None = None,
    max_cents: int | None = None,
    store: Store | None = None,
    with_product: bool = False,
    product=None,
    sort: str = DEFAULT_LISTING_SORT,
    near: Store | None = None,
) -> KeysetPage:
    """One page of /resale/: searched, filtered, in `sort` order, by keyset.

    A fixed number of queries at any depth: the search (when asked), the count,
    the rows with their sellers, then tags, photos, images and renditions.
    "Nearest" needs a store with coordinates (`near`); without one it is newest.
    """
    listings = listed_listings()
    if query:
        listings = listings.filter(pk__in=listing_search_ids(query))
    if tag:
        listings = listings.filter(tags__slug=tag)
    if condition:
        listings = listings.filter(condition=condition)
    if min_cents is not None:
        listings = listings.filter(price_cents__gte=min_cents)
    if max_cents is not None:
        listings = listings.filter(price_cents__lte=max_cents)
    if store is not None:
        listings = listings.filter(handoff_stores=store)
    if with_product:
        listings = listings.filter(product__isnull=False)
    if product is not None:
        listings = listings.filter(product_id=product.pk)
    if (
        sort == NEAREST_SORT
        and near is not None
        and near.latitude is not None
        and near.longitude is not None
    ):
        listings = listings.annotate(distance=distance_expression(near))
        keyset = DistanceKeyset(("distance", "id"), tag=f"rd{near.pk}")
    else:
        keyset = LISTING_SORTS.get(sort) or LISTING_SORTS[DEFAULT_LISTING_SORT]
    narrowed = any(
        value not in (None, "", False)
        for value in (query, tag, condition, min_cents, max_cents, store, product)
    ) or bool(with_product)
    count = None if narrowed else listed_count_kept()
    return keyset.page(_with_cards(listings), params, per_page=per_page, count=count)


LISTED_COUNT_SECONDS = 24 * 3600


def listed_count_kept() -> int | None:
    """How many listings /resale/ lists, kept in the cache under the listings'
    page-cache tag (`services.listing_changed` moves it on): counting 100,000 rows
    on every page cost more than the page itself. None when the cache is down."""
    from .services import LISTINGS_TAG

    version = page_cache_tags_version(LISTINGS_TAG)
    if version is None:
        return None
    key = f"resale:listed-count:{version}"
    count = cache.get(key)
    if not isinstance(count, int):
        count = listed_listings().count()
        cache.set(key, count, LISTED_COUNT_SECONDS)
    return count


def listing_tags(*, limit: int = 50) -> list[tuple[str, str]]:
    """The tags of listed listings as (slug, name), for the list's filter: one
    EXISTS per tag, so the cost follows the tags, not the listings."""
    from django.db.models import Exists
    from taggit.models import Tag

    from .models import TaggedListing

    listed = TaggedListing.objects.filter(
        tag=OuterRef("pk"),
        content_object__status=ModerationStatus.PUBLISHED,
        content_object__state__in=list(LISTED_STATES),
    )
    rows = (
        Tag.objects.filter(Exists(listed))
        .order_by("name")
        .values_list("slug", "name")[:limit]
    )
    return list(rows)


def filter_product(*, sku: str):
    """The active catalog product of this reference (/resale/?product=<sku>), or
    None. One query, only when a reference is asked."""
    from marketplace.catalog.models import Product

    sku = (sku or "").strip()
    if not sku:
        return None
    return (
        Product.objects.filter(active=True, sku=sku[:64])
        .only("pk", "sku", "name", "slug")
        .first()
    )


def store_options() -> list[Store]:
    """Every store by name, with what the filters and the form need."""
    return list(
        Store.objects.order_by("name", "id").only(
            "code", "name", "city", "latitude", "longitude", "opening_days"
        )
    )


# --- One listing -------------------------------------------------------------------


def _viewer_may_see_private(listing: Listing, viewer) -> bool:
    if viewer is None or not viewer.is_authenticated:
        return False
    return viewer.pk == listing.seller_id or user_can_moderate(viewer)


def listing_for_viewer(*, pk, viewer) -> Listing:
    """A listing as `viewer` may see it: a public one (published, on sale,
    reserved or sold) for anyone; a draft, pending, rejected, withdrawn or
    expired one for its seller and moderators only; 404 else, so its existence
    stays private. Removed listings are gone for everyone but moderators."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such listing.") from None
    listing = (
        Listing.objects.filter(pk=pk)
        .select_related("seller", "product", "purchase")
        .prefetch_related("tags", "handoff_stores")
        .first()
    )
    if listing is None:
        raise Http404("No such listing.")
    if listing.is_public:
        return listing
    if listing.status == ModerationStatus.REMOVED and not user_can_moderate(viewer):
        raise Http404("No such listing.")
    if not _viewer_may_see_private(listing, viewer):
        raise Http404("No such listing.")
    return listing


def listing_for_seller(*, pk, member) -> Listing:
    """A listing its seller manages (edit, withdraw, put back); 404 for anyone
    else, moderators included: they decide in the queue, they do not edit."""
    listing = (
        Listing.objects.filter(pk=pk, seller_id=member.pk)
        .exclude(status=ModerationStatus.REMOVED)
        .select_related("product", "purchase", "seller")
        .prefetch_related("tags", "handoff_stores", "photos")
        .first()
    )
    if listing is None:
        raise Http404("No such listing.")
    return listing


def listing_public(*, pk) -> Listing:
    """A public listing (offers, reservations); 404 otherwise."""
    listing = (
        Listing.objects.filter(
            pk=pk,
            status=ModerationStatus.PUBLISHED,
            state__in=list(PUBLIC_STATES),
        )
        .select_related("seller")
        .first()
    )
    if listing is None:
        raise Http404("No such listing.")
    return listing


def listing_photos(*, listing: Listing) -> list[ListingPhoto]:
    """The listing's photos in order, with the page's renditions (public ones)."""
    return list(
        ListingPhoto.objects.filter(listing=listing)
        .order_by("position", "id")
        .prefetch_related(
            Prefetch(
                "image",
                queryset=_images_with(
                    DETAIL_IMAGE_SPEC, THUMB_IMAGE_SPEC, ZOOM_IMAGE_SPEC
                ),
            )
        )
    )


def listing_photo_for_viewer(*, photo_id: int, viewer) -> ListingPhoto:
    """A photo as `viewer` may see it: anyone's while its listing is public, its
    seller's and moderators' otherwise; 404 else."""
    photo = (
        ListingPhoto.objects.filter(pk=photo_id)
        .select_related("listing", "image")
        .first()
    )
    if photo is None:
        raise Http404("No such photo.")
    if not (photo.listing.is_public or _viewer_may_see_private(photo.listing, viewer)):
        raise Http404("No such photo.")
    return photo


def listing_stores_stock(*, listing: Listing) -> list[Store]:
    """The listing's hand-off stores by name; for a listing of a catalog product,
    each with the live stock of the new product there (`quantity`, the catalog's
    own reading: on hand minus holds). One query."""
    store_ids = [store.pk for store in listing.handoff_stores.all()]
    if listing.product_id:
        return list(
            product_stock(product_id=listing.product_id).filter(pk__in=store_ids)
        )
    return sorted(
        listing.handoff_stores.all(), key=lambda store: (store.name, store.pk)
    )


def listing_buyback(*, listing: Listing):
    """The shop's buy-back of the listing (buyback.py), or None. One query."""
    from .models import Buyback

    return Buyback.objects.filter(listing_id=listing.pk).first()


@dataclass(frozen=True)
class SellerReputation:
    """A seller's published ratings as a seller, and their in-store sales."""

    rating_count: int
    stars_total: int
    sales_count: int

    @property
    def average(self) -> Decimal | None:
        """The average stars to one decimal, None without ratings."""
        if not self.rating_count:
            return None
        return (Decimal(self.stars_total) / self.rating_count).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def seller_reputation(*, seller_id: int) -> SellerReputation:
    """Two queries: the published ratings received as a seller (double-blind:
    only those published count), the hand-offs sold."""
    ratings = Rating.objects.filter(
        rated_id=seller_id,
        rated_role=Rating.Role.SELLER,
        published_at__isnull=False,
    ).aggregate(count=Count("id"), total=Sum("stars"))
    sales = Handoff.objects.filter(
        seller_id=seller_id, status=HandoffStatus.HANDED_OVER
    ).count()
    return SellerReputation(
        rating_count=ratings["count"] or 0,
        stars_total=ratings["total"] or 0,
        sales_count=sales,
    )


def buyer_open_offer(*, listing: Listing, member) -> Offer | None:
    """The member's open offer on the listing (theirs or the seller's counter)."""
    if member is None or not member.is_authenticated:
        return None
    return (
        Offer.objects.filter(
            listing=listing, buyer_id=member.pk, status=OfferStatus.OPEN
        )
        .select_related("store", "made_by")
        .first()
    )


def buyer_open_handoff(*, listing: Listing, member) -> Handoff | None:
    """The member's reservation of the listing, while it is open."""
    if member is None or not member.is_authenticated:
        return None
    return (
        Handoff.objects.filter(
            listing=listing, buyer_id=member.pk, status=HandoffStatus.RESERVED
        )
        .select_related("store")
        .first()
    )


def offer_for_party(*, pk, member) -> Offer:
    """An offer its buyer or the listing's seller answers; 404 for anyone else."""
    offer = (
        Offer.objects.filter(pk=pk)
        .filter(Q(buyer_id=member.pk) | Q(listing__seller_id=member.pk))
        .select_related("listing", "listing__seller", "buyer", "store", "made_by")
        .first()
    )
    if offer is None:
        raise Http404("No such offer.")
    return offer


def handoff_for_party(*, pk, member) -> Handoff:
    """A hand-off its buyer or seller sees (code, QR, cancel); 404 for anyone else,
    staff included: they confirm hand-offs at the desk."""
    handoff = (
        Handoff.objects.filter(pk=pk)
        .filter(Q(buyer_id=member.pk) | Q(seller_id=member.pk))
        .select_related("listing", "store", "buyer", "seller")
        .first()
    )
    if handoff is None:
        raise Http404("No such hand-off.")
    return handoff


def handoff_code_display(code: str) -> str:
    """A hand-off code as people read it: "ABCD-EFGH"."""
    code = (code or "").strip().upper()
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}" if len(code) >= 6 else code


# --- /me/listings/ -----------------------------------------------------------------

# The order of the sections of /me/listings/: what needs the seller first.
MY_LISTING_STATES = (
    ListingState.RESERVED,
    ListingState.PUBLISHED,
    ListingState.PENDING,
    ListingState.DRAFT,
    ListingState.EXPIRED,
    ListingState.REJECTED,
    ListingState.WITHDRAWN,
    ListingState.SOLD,
)


def _ratings_prefetch() -> Prefetch:
    """A hand-off's ratings (`rating_list`): who rated already, what is published."""
    return Prefetch(
        "ratings",
        queryset=Rating.objects.order_by("created_at", "id"),
        to_attr="rating_list",
    )


def member_listings(*, member, limit: int = 200) -> list[Listing]:
    """The member's own listings, newest first, each with its open offers
    (`open_offers`), its open and finished hand-offs (`handoff_list`, with their
    `rating_list`), its product and buy-back, and its first photo. A fixed number
    of queries."""
    offers = (
        Offer.objects.filter(status=OfferStatus.OPEN)
        .select_related("buyer", "store", "made_by")
        .order_by("-created_at", "-id")
    )
    handoffs = (
        Handoff.objects.select_related("buyer", "store")
        .prefetch_related(_ratings_prefetch())
        .order_by("-reserved_at", "-id")
    )
    return list(
        Listing.objects.filter(seller_id=member.pk)
        .exclude(status=ModerationStatus.REMOVED)
        # The buy-back quote and status (buyback.py) of each listing, in the join.
        .select_related("product", "buyback")
        .prefetch_related(
            Prefetch("offers", queryset=offers, to_attr="open_offers"),
            Prefetch("handoffs", queryset=handoffs, to_attr="handoff_list"),
            _photos_prefetch(THUMB_IMAGE_SPEC),
        )
        .order_by("-created_at", "-id")[:limit]
    )


def member_listings_by_state(*, member) -> list[tuple[str, str, list[Listing]]]:
    """(state, its label, listings) for each state the member has listings in."""
    listings = member_listings(member=member)
    sections = []
    for state in MY_LISTING_STATES:
        rows = [listing for listing in listings if listing.state == state]
        if rows:
            sections.append((state.value, state.label, rows))
    return sections


def member_offers_made(*, member, limit: int = 100) -> list[Offer]:
    """The member's open offers on other members' listings (and the sellers'
    counters to answer), newest first."""
    return list(
        Offer.objects.filter(buyer_id=member.pk, status=OfferStatus.OPEN)
        .select_related("listing", "listing__seller", "store", "made_by")
        .order_by("-created_at", "-id")[:limit]
    )


def member_handoffs_as_buyer(*, member, limit: int = 100) -> list[Handoff]:
    """What the member reserved from others, open ones first, newest first."""
    return list(
        Handoff.objects.filter(buyer_id=member.pk)
        .select_related("listing", "listing__seller", "store")
        .prefetch_related(_ratings_prefetch())
        .order_by(F("ended_at").asc(nulls_first=True), "-reserved_at", "-id")[:limit]
    )
