"""The demo catalog: products through the catalog service, pictures, stock."""

import random

from comptoir.progress import Progress
from marketplace.catalog.models import Product, StockLevel, Store
from marketplace.catalog.services import product_upsert

from .catalog_data import catalog_rows
from .images import collection_get_or_create, picture_render, wagtail_image_create


def products_build(*, progress: Progress) -> list[Product]:
    """Create the missing demo products, each with its drawn picture."""
    rows = catalog_rows()
    existing = Product.objects.in_bulk([row["sku"] for row in rows], field_name="sku")
    collection = collection_get_or_create("Produits")
    products = []
    step = progress.step("Products", len(rows))
    for row in rows:
        product = existing.get(row["sku"])
        if product is None:
            product, _ = product_upsert(
                sku=row["sku"],
                name=row["name"],
                price_cents=row["price_cents"],
                description=row["description"],
                tags=[row["tag"]],
            )
        if product.image_id is None:
            category = row["category"]
            product.image = wagtail_image_create(
                title=row["name"],
                filename=f"{row['sku'].lower()}.jpg",
                content=picture_render(
                    caption=row["name"],
                    kicker=category["label"],
                    colour=category["colour"],
                    shape=category["shape"],
                ),
                collection=collection,
                description=row["name"],
            )
            # The catalog API never sends pictures, so no service owns this field.
            product.save(update_fields=["image", "updated_at"])
        products.append(product)
        step.advance()
    step.done()
    return products


def _quantity(rng: random.Random, price_cents: int) -> int:
    if rng.random() < 0.12:
        return 0  # out of stock here: pages must say so
    if price_cents >= 30000:
        return rng.randint(1, 4)
    if price_cents >= 5000:
        return rng.randint(1, 15)
    return rng.randint(2, 60)


def stock_build(
    *, products: list[Product], stores: list[Store], progress: Progress
) -> int:
    """Stock of every product in every store; pairs that exist are left alone."""
    rng = random.Random(42)
    levels = [
        StockLevel(
            product=product,
            store=store,
            quantity=_quantity(rng, product.price_cents),
        )
        for product in products
        for store in stores
    ]
    step = progress.step("Stock", len(levels))
    # Nobody watches product pages yet, so the live broadcast of the service is moot.
    StockLevel.objects.bulk_create(levels, batch_size=500, ignore_conflicts=True)
    step.advance(len(levels))
    step.done()
    return len(levels)
