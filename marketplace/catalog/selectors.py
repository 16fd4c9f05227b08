"""Reads of the catalog: products, stores and stock, ready for pages and sockets.

Every queryset here carries its own select/prefetch so a page's query count does
not grow with the number of products or stores it shows.
"""

from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils.translation import gettext
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.search.backends import get_search_backend

from comptoir.keyset import Keyset, KeysetPage
from comptoir.search import full_text_search, search_terms

from .holds import held_expression
from .models import Product, ProductImage, StockLevel, Store
from .panels import products_annotated

# Image specs the templates use; renditions of these are prefetched with the
# products, so showing 24 cards costs two queries, not 24.
CARD_IMAGE_SPEC = "fill-480x360"
DETAIL_IMAGE_SPEC = "max-800x600"
SOCIAL_IMAGE_SPEC = "fill-1200x630"
# The gallery of a product page: its thumbnails and the large picture of the zoom.
THUMB_IMAGE_SPEC = "fill-160x120"
ZOOM_IMAGE_SPEC = "max-1600x1200"
GALLERY_IMAGE_SPECS = (DETAIL_IMAGE_SPEC, THUMB_IMAGE_SPEC, ZOOM_IMAGE_SPEC)

PRODUCT_SORTS = {
    "name": ("name", "id"),
    "price": ("price_cents", "id"),
    "-price": ("-price_cents", "-id"),
    "newest": ("-created_at", "-id"),
}
DEFAULT_PRODUCT_SORT = "name"


def _with_card_tags(queryset: QuerySet) -> QuerySet:
    # Into a plain list: prefetching into `product.tags` builds a taggit queryset
    # per product just to hold the result (a third of the list's build time).
    return queryset.prefetch_related(Prefetch("tags", to_attr="tag_list"))


def _with_image_renditions(queryset: QuerySet, *specs: str) -> QuerySet:
    images = get_image_model().objects.prefetch_renditions(*specs)
    return queryset.prefetch_related(Prefetch("image", queryset=images))


def _renditions_prefetch(path: str, *specs: str) -> Prefetch:
    """The renditions of the images at `path`, where Wagtail's `get_rendition`
    looks for prefetched ones (as `ImageQuerySet.prefetch_renditions` puts them)."""
    renditions = (
        get_image_model().get_rendition_model().objects.filter(filter_spec__in=specs)
    )
    return Prefetch(path, queryset=renditions, to_attr="prefetched_renditions")


def product_list(
    *,
    tag: str | None = None,
    store: Store | None = None,
    sort: str = DEFAULT_PRODUCT_SORT,
) -> QuerySet[Product]:
    """Active products, optionally with one tag and/or in stock at one store.

    Each carries `tag_list` (its tags, prefetched) and its card image's rendition.

    An unknown sort falls back to the name order; ties are broken by id so pages
    never repeat or skip a product.
    """
    queryset = Product.objects.filter(active=True)
    if tag:
        queryset = queryset.filter(tags__slug=tag)
    if store is not None:
        # One filter() call, so both conditions apply to the same stock row.
        queryset = queryset.filter(
            stock_levels__store=store, stock_levels__quantity__gt=0
        )
    ordering = PRODUCT_SORTS.get(sort, PRODUCT_SORTS[DEFAULT_PRODUCT_SORT])
    queryset = _with_card_tags(queryset.order_by(*ordering))
    # What registered apps show on the cards (a rating…), in the same query.
    queryset = products_annotated(queryset)
    # The image in the products' own query and its card rendition in one more,
    # as `product_get` does: one query and one prefetch level fewer per page.
    return queryset.select_related("image").prefetch_related(
        _renditions_prefetch("image__renditions", CARD_IMAGE_SPEC)
    )


def product_list_page(
    *,
    params,
    per_page: int,
    tag: str | None = None,
    store: Store | None = None,
    sort: str = DEFAULT_PRODUCT_SORT,
) -> KeysetPage:
    """One page of `product_list`, by keyset on (sort key, id): `params` (the query
    string) holds `after`/`before` cursors or `page` ("last", or an old number).

    Any page, the last included, costs the same two queries plus its prefetches.
    """
    if sort not in PRODUCT_SORTS:
        sort = DEFAULT_PRODUCT_SORT
    keyset = Keyset(PRODUCT_SORTS[sort], tag=sort)
    queryset = product_list(tag=tag, store=store, sort=sort)
    return keyset.page(queryset, params, per_page=per_page)


def product_get(*, slug: str) -> Product:
    """The active product with this slug and its image, in one query; 404 otherwise.

    Its tags and the image's renditions come with `product_page_media`, read only
    by a page that renders them (a product page whose fragments are kept reads
    none)."""
    product = (
        Product.objects.filter(active=True, slug=slug).select_related("image").first()
    )
    if product is None:
        raise Http404("No such product.")
    return product


def product_page_media(*, product: Product) -> Product:
    """`product` read again, with its image, its tags and the image's renditions
    for the page (gallery and social card): three queries, two without an image.

    The product page's fragments read it after their version, so they never keep
    a row older than that version; `product` itself when it is no longer active.
    """
    fresh = (
        Product.objects.filter(active=True, pk=product.pk)
        .select_related("image")
        .prefetch_related(
            "tags",
            _renditions_prefetch(
                "image__renditions", *GALLERY_IMAGE_SPECS, SOCIAL_IMAGE_SPEC
            ),
        )
        .first()
    )
    return fresh or product


@dataclass(frozen=True)
class GalleryImage:
    """One picture of a product's gallery and the text that stands for it."""

    image: object
    alt: str


def product_gallery(*, product: Product) -> list[GalleryImage]:
    """The product's pictures in order: its main image, then its gallery images.

    The gallery images and their renditions (GALLERY_IMAGE_SPECS) cost two
    queries however many there are, one when there are none; the main image's
    renditions came with `product_get`. An empty alternative text becomes the
    product's name and the picture's number, so no two pictures read the same.
    """
    extras = (
        ProductImage.objects.filter(product=product)
        .select_related("image")
        .prefetch_related(
            _renditions_prefetch("image__renditions", *GALLERY_IMAGE_SPECS)
        )
        .order_by("sort_order", "id")
    )
    gallery = [GalleryImage(product.image, product.name)] if product.image else []
    for extra in extras:
        alt = extra.alt or gettext("%(name)s, picture %(number)s") % {
            "name": product.name,
            "number": len(gallery) + 1,
        }
        gallery.append(GalleryImage(extra.image, alt))
    return gallery


def product_get_by_sku(*, sku: str) -> Product:
    """The active product with this SKU (shelf short links); 404 otherwise."""
    product = Product.objects.filter(active=True, sku=sku).only("sku", "slug").first()
    if product is None:
        raise Http404("No such product.")
    return product


def product_stock(*, product_id: int) -> QuerySet[Store]:
    """Every store, in name order, annotated with its stock of one product.

    `on_hand` is what the store holds, `held` what registered holds keep for
    someone (catalog/holds.py: reservations), and `quantity` what is free to
    take: on hand minus held, never below zero. Stores that never held the
    product show 0. One query whatever the store count.
    """
    on_hand = StockLevel.objects.filter(
        product_id=product_id, store_id=OuterRef("pk")
    ).values("quantity")[:1]
    return (
        Store.objects.annotate(
            on_hand=Coalesce(Subquery(on_hand), Value(0), output_field=IntegerField()),
            held=held_expression(Value(product_id), OuterRef("pk")),
        )
        .annotate(
            quantity=Greatest(
                F("on_hand") - F("held"), Value(0), output_field=IntegerField()
            )
        )
        .order_by("name", "id")
    )


def product_stock_payload(*, product_id: int) -> list[dict] | None:
    """A product's stock lines as live pages receive them, or None if not shown.

    Same shape as `product_stock_broadcast` sends: store code, name, quantity.
    None when the product is unknown or inactive: nobody may watch it.
    """
    if not Product.objects.filter(pk=product_id, active=True).exists():
        return None
    return [
        {"store": store.code, "store_name": store.name, "quantity": store.quantity}
        for store in product_stock(product_id=product_id)
    ]


def product_tags() -> QuerySet[Tag]:
    """Tags used by at least one active product, for the product filters.

    An EXISTS per tag stops at the first active product carrying it, so the cost
    follows the number of tags, not of products (a DISTINCT over the join grew with
    the catalog: 9 ms of a 25 ms page at 10,000 products).
    """
    return (
        Tag.objects.filter(
            Exists(Product.objects.filter(active=True, tags=OuterRef("pk")))
        )
        .order_by("name")
        .only("name", "slug")
    )


def store_list() -> QuerySet[Store]:
    """Stores in name order, each with how many active products it has in stock."""
    return Store.objects.annotate(
        products_in_stock=Count(
            "stock_levels",
            filter=Q(stock_levels__quantity__gt=0, stock_levels__product__active=True),
        )
    ).order_by("name", "id")


def store_options() -> QuerySet[Store]:
    """Stores by name with only what a filter menu needs."""
    return Store.objects.order_by("name", "id").only("code", "name")


def store_get(*, code: str) -> Store:
    """The store with this code; 404 otherwise."""
    store = Store.objects.filter(code=code).first()
    if store is None:
        raise Http404("No such store.")
    return store


def store_products_in_stock(*, store: Store) -> QuerySet[Product]:
    """Active products this store holds at least one of, with the `quantity` there."""
    queryset = (
        Product.objects.filter(
            active=True, stock_levels__store=store, stock_levels__quantity__gt=0
        )
        .annotate(quantity=Coalesce("stock_levels__quantity", 0))
        .order_by("name", "id")
    )
    return _with_image_renditions(_with_card_tags(queryset), CARD_IMAGE_SPEC)


def product_search(*, query: str):
    """Active products holding every word of the query, best match first."""
    return full_text_search(Product.objects.filter(active=True), query)


def store_search(*, query: str):
    """Stores holding every word of the query (name, town), best match first."""
    return full_text_search(Store.objects.all(), query)


# --- Picking a product: the resale form's product field --------------------------

# What a picker shows and needs: a short list, from the second character typed.
PRODUCT_CHOICES_LIMIT = 8
PRODUCT_CHOICES_MIN_LENGTH = 2
# Longer than any name (200) or reference (64): the rest cannot match anything.
PRODUCT_CHOICES_QUERY_MAX = 200
# What a choice shows: its name, reference, price and page (the slug).
CHOICE_FIELDS = ("pk", "sku", "name", "slug", "price_cents")
CONTROL_CHARACTERS = dict.fromkeys(range(32), " ")


def product_choice_text(text: str) -> str:
    """What a seller typed, as the product lookups read it: control characters
    (NUL, which PostgreSQL refuses in a string) and repeated spaces made one
    space, cut at `PRODUCT_CHOICES_QUERY_MAX` characters."""
    cleaned = (text or "").translate(CONTROL_CHARACTERS)
    return " ".join(cleaned.split())[:PRODUCT_CHOICES_QUERY_MAX].strip()


def product_by_reference(*, reference: str) -> Product | None:
    """The active product with this reference, whatever its case; None otherwise."""
    reference = product_choice_text(reference)
    if not reference:
        return None
    return (
        Product.objects.filter(active=True, sku__iexact=reference)
        .only(*CHOICE_FIELDS)
        .first()
    )


def product_name_matches(*, query: str, limit: int) -> list[Product]:
    """Up to `limit` active products whose name holds every word of `query`, the
    last one possibly cut short ("sécateur pr"), best match first.

    The site search's index and its reading of a query (`search_terms`), in
    autocomplete mode: accents and case do not matter, and the cost is one
    query whatever the catalog's size.
    """
    terms = search_terms(product_choice_text(query))
    if not terms or limit <= 0:
        return []
    products = Product.objects.filter(active=True).only(*CHOICE_FIELDS)
    return list(
        get_search_backend().autocomplete(terms, products, operator="and")[:limit]
    )


def product_named(*, name: str) -> list[Product]:
    """The active products whose whole name is `name` (any case), by reference.

    At most two: a caller only needs to know whether the name is someone's alone.
    """
    name = product_choice_text(name)
    if not name:
        return []
    return list(
        Product.objects.filter(active=True, name__iexact=name)
        .only(*CHOICE_FIELDS)
        .order_by("sku")[:2]
    )


def product_choices(*, query: str, limit: int = PRODUCT_CHOICES_LIMIT) -> list[Product]:
    """Up to `limit` active products a seller may mean by `query`: those whose
    reference starts with it first, by reference, then those whose name holds its
    words (`product_name_matches`). Fewer than `PRODUCT_CHOICES_MIN_LENGTH`
    characters is no choice at all.

    Two queries, whatever the catalog's size and whatever was typed.
    """
    text = product_choice_text(query)
    if len(text) < PRODUCT_CHOICES_MIN_LENGTH:
        return []
    # References are printed in capitals and may hold a slash: a prefix as typed.
    by_reference = list(
        Product.objects.filter(active=True, sku__istartswith=text[:64])
        .only(*CHOICE_FIELDS)
        .order_by("sku")[:limit]
    )
    choices = {product.pk: product for product in by_reference}
    if len(choices) < limit:
        for product in product_name_matches(query=text, limit=limit):
            choices.setdefault(product.pk, product)
    return list(choices.values())[:limit]
