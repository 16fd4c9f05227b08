"""The demo catalog: products through the catalog service, photographs, stock."""

import os
import random
from concurrent.futures import ThreadPoolExecutor

from comptoir.progress import Progress
from marketplace.catalog.models import Product, ProductImage, StockLevel, Store
from marketplace.catalog.services import product_upsert

from .catalog_data import catalog_rows
from .images import collection_get_or_create, wagtail_image_create
from .photos import SETTINGS, SHOTS, VERSION, cached_jpeg, photo_render

# What each shot shows, said for those who cannot see it (the main one is the
# product itself: the page gives it the product's name).
SHOT_ALTS = {
    "detail": "{name} : vue rapprochée",
    "in-situ": {
        "garden": "{name} : en situation, sur une terrasse du jardin",
        "workshop": "{name} : en situation, sur l'établi de l'atelier",
    },
}


def product_shots(number: int) -> tuple[str, ...]:
    """The shots of the demo's product `number`: three, or two for one in three."""
    return SHOTS[:2] if number % 3 == 2 else SHOTS


def _alt(shot: str, name: str, shape: str) -> str:
    text = SHOT_ALTS.get(shot, "{name}")
    if isinstance(text, dict):
        text = text[SETTINGS.get(shape, "workshop")]
    return text.format(name=name)


def _photo(row: dict, number: int, shot: str) -> bytes:
    category = row["category"]
    shape, colour = category["shape"], category["colour"]
    # Drawn once per machine; a later load (tests, a fresh database) reads it back.
    return cached_jpeg(
        f"{VERSION}:{shape}:{colour}:{shot}:{number % 10}",
        lambda: photo_render(shape=shape, colour=colour, shot=shot, variant=number),
    )


def _photos_prepare(rows: list[dict]) -> dict[tuple[int, str], bytes]:
    """Every product's photographs by (number, shot), drawn in parallel if new.

    One thread per category at a time (each draws its own objects and backgrounds):
    Pillow lets go of the interpreter while it draws, so a first load on a machine
    with several cores takes a fraction of the time.
    """
    by_category: dict[str, list[tuple[int, dict]]] = {}
    for number, row in enumerate(rows):
        by_category.setdefault(row["category"]["prefix"], []).append((number, row))

    def draw(products: list[tuple[int, dict]]) -> dict[tuple[int, str], bytes]:
        return {
            (number, shot): _photo(row, number, shot)
            for number, row in products
            for shot in product_shots(number)
        }

    photos: dict[tuple[int, str], bytes] = {}
    workers = max(1, min(len(by_category), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for drawn in pool.map(draw, by_category.values()):
            photos.update(drawn)
    return photos


def products_build(*, progress: Progress) -> list[Product]:
    """Create the missing demo products, each with two or three photographs."""
    rows = catalog_rows()
    existing = Product.objects.in_bulk([row["sku"] for row in rows], field_name="sku")
    with_gallery = set(
        ProductImage.objects.filter(
            product__sku__in=[row["sku"] for row in rows]
        ).values_list("product__sku", flat=True)
    )
    collection = collection_get_or_create("Produits")
    missing = [
        row
        for row in rows
        if row["sku"] not in existing
        or existing[row["sku"]].image_id is None
        or row["sku"] not in with_gallery
    ]
    photos = _photos_prepare(rows) if missing else {}
    products = []
    gallery = []
    step = progress.step("Products", len(rows))
    for number, row in enumerate(rows):
        product = existing.get(row["sku"])
        if product is None:
            product, _ = product_upsert(
                sku=row["sku"],
                name=row["name"],
                price_cents=row["price_cents"],
                description=row["description"],
                tags=[row["tag"]],
            )
        main, *extras = product_shots(number)
        if product.image_id is None:
            product.image = wagtail_image_create(
                title=row["name"],
                filename=f"{row['sku'].lower()}.jpg",
                content=photos[number, main],
                collection=collection,
                description=row["name"],
            )
            # The catalog API never sends pictures, so no service owns this field.
            product.save(update_fields=["image", "updated_at"])
        if row["sku"] not in with_gallery:
            for position, shot in enumerate(extras):
                alt = _alt(shot, row["name"], row["category"]["shape"])
                image = wagtail_image_create(
                    title=alt,
                    filename=f"{row['sku'].lower()}-{shot}.jpg",
                    content=photos[number, shot],
                    collection=collection,
                    description=alt,
                )
                gallery.append(
                    ProductImage(
                        product=product, image=image, alt=alt, sort_order=position
                    )
                )
        products.append(product)
        step.advance()
    ProductImage.objects.bulk_create(gallery)
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
