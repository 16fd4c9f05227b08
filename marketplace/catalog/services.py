"""Writes to the catalog: products and stock. One transaction each."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from comptoir.page_cache import page_cache_invalidate
from comptoir.slugs import url_slug

from .cached_pages import PRODUCTS, STOCK, product_tag, store_tag
from .live import product_stock_broadcast
from .models import Product, StockLevel, Store
from .selectors import product_stock


def _unique_slug(name: str, sku: str) -> str:
    base = url_slug(name, max_length=180, default="product")
    slug = base
    if Product.objects.filter(slug=slug).exclude(sku=sku).exists():
        slug = f"{base}-{slugify(sku)}"[:220]
    return slug


@transaction.atomic
def product_upsert(
    *,
    sku: str,
    name: str,
    price_cents: int,
    description: str = "",
    tags: list[str] | None = None,
    active: bool = True,
) -> tuple[Product, bool]:
    """Create or update the product with this SKU; returns (product, created).

    The SKU is the retailer's key: it never changes. Price is integer cents, never
    negative. The slug is made once, at creation, so links keep working on rename.
    At most 20 tags, of at most 50 characters each; `None` leaves the tags alone.
    """
    sku = (sku or "").strip()
    if not sku:
        raise ValidationError({"sku": "A SKU is required."})
    if not (name or "").strip():
        raise ValidationError({"name": "A name is required."})
    if isinstance(price_cents, bool) or not isinstance(price_cents, int):
        raise ValidationError({"price_cents": "Price must be a whole number of cents."})
    if price_cents < 0:
        raise ValidationError({"price_cents": "Price cannot be negative."})
    if tags is not None:
        tags = _tags_checked(tags)
    product = Product.objects.select_for_update().filter(sku=sku).first()
    created = product is None
    if created:
        product = Product(sku=sku, slug=_unique_slug(name, sku))
    product.name = name.strip()
    product.price_cents = price_cents
    product.description = description or ""
    product.active = active
    if created:
        product.save()
    else:
        product.save(
            update_fields=["name", "price_cents", "description", "active", "updated_at"]
        )
    if tags is not None:
        product.tags.set(tags, clear=False)
    page_cache_invalidate(product_tag(product.pk), PRODUCTS)
    return product, created


MAX_TAGS = 20
MAX_TAG_LENGTH = 50


def _tags_checked(tags: list[str]) -> list[str]:
    """The tags without blanks; at most 20, of at most 50 characters each.

    Checked before any is saved: each tag costs queries, and 10,000 tags in one
    product kept a worker busy past two minutes.
    """
    names = [t.strip() for t in tags if t and t.strip()]
    if len(names) > MAX_TAGS:
        raise ValidationError({"tags": f"At most {MAX_TAGS} tags."})
    too_long = [name for name in names if len(name) > MAX_TAG_LENGTH]
    if too_long:
        raise ValidationError(
            {
                "tags": f"A tag has at most {MAX_TAG_LENGTH} characters: "
                f"{too_long[0][:MAX_TAG_LENGTH]}… is longer."
            }
        )
    return names


def product_stock_lines(product_id: int) -> list[dict]:
    """Every store's free stock of one product, in store order, as sent to live
    pages (catalog/holds.py: what is held for someone is not free)."""
    return [
        {"store": store.code, "store_name": store.name, "quantity": store.quantity}
        for store in product_stock(product_id=product_id)
    ]


@transaction.atomic
def stock_level_set(
    *, product: Product, store: Store, quantity: int
) -> tuple[StockLevel, bool]:
    """Set how many units of a product a store holds; returns (level, changed).

    Open product pages are told after the transaction commits, and only when the
    quantity really changed.
    """
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise ValidationError({"quantity": "Quantity must be a whole number."})
    if quantity < 0:
        raise ValidationError({"quantity": "Quantity cannot be negative."})
    level, created = StockLevel.objects.select_for_update().get_or_create(
        product=product, store=store, defaults={"quantity": quantity}
    )
    changed = created or level.quantity != quantity
    if not created and changed:
        level.quantity = quantity
        level.save(update_fields=["quantity", "updated_at"])
    if changed:
        product_id = product.pk
        page_cache_invalidate(product_tag(product_id), store_tag(store.code), STOCK)
        transaction.on_commit(
            lambda: product_stock_broadcast(
                product_id=product_id, stock=product_stock_lines(product_id)
            )
        )
    return level, changed


def product_stock_announce(*, product_id: int) -> None:
    """Send a product's stock to its open pages once the current transaction commits.

    For stock changed by another path than `stock_level_set` (the Wagtail admin's
    stock level edits and deletions); outside a transaction it sends at once.
    """
    transaction.on_commit(
        lambda: product_stock_broadcast(
            product_id=product_id, stock=product_stock_lines(product_id)
        )
    )
