"""Build the benchmark databases: a migrated SQLite file filled with catalog and sales.

    .venv/bin/python bench/generate.py --size small [--regenerate]

Each size becomes ``bench/data/<size>.sqlite3`` with ``<size>.json`` next to it. The
JSON records the generator version, the size's figures and every migration on disk.
Repeated runs cost nothing; migrations added since are applied to a copy of the cached
file; anything else that changed (or a failure) rebuilds the file from scratch.

This is set-up, not the measured path: rows go in with ``bulk_create`` in chunks inside
transactions, with SQLite's fsync off. A size is built in a temporary file and renamed
at the end, so an interrupted build never leaves a half-filled database behind.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / "data"

# Bump when the rows this file writes change shape, so cached files are rebuilt.
GENERATOR_VERSION = 1
SEED = 20261123
CHUNK = 5_000


@dataclass(frozen=True)
class Size:
    products: int
    stores: int
    sales: int


SIZES = {
    "small": Size(products=100, stores=8, sales=10_000),
    "large": Size(products=10_000, stores=20, sales=1_000_000),
}

# Eight categories, each a tag, with the words its product names are made of.
CATEGORIES = {
    "jardin": (
        ["Tondeuse", "Taille-haie", "Sécateur", "Râteau", "Bêche", "Brouette"],
        ["thermique", "sans fil", "à main", "pliable", "renforcé", "compact"],
    ),
    "arrosage": (
        ["Tuyau d'arrosage", "Arrosoir", "Programmateur", "Enrouleur", "Asperseur"],
        ["15 m", "25 m", "10 L", "automatique", "oscillant", "mural"],
    ),
    "outillage": (
        ["Perceuse", "Visseuse", "Scie sauteuse", "Ponceuse", "Meuleuse", "Marteau"],
        ["18 V", "filaire", "à percussion", "orbitale", "de charpentier", "pro"],
    ),
    "quincaillerie": (
        ["Vis à bois", "Cheville", "Charnière", "Serrure", "Cadenas", "Crochet"],
        ["inox", "laiton", "zingué", "lot de 50", "à code", "renforcé"],
    ),
    "peinture": (
        ["Peinture murale", "Lasure", "Vernis", "Rouleau", "Pinceau", "Enduit"],
        ["blanc mat", "satinée", "chêne clair", "2,5 L", "anti-goutte", "extérieur"],
    ),
    "electricite": (
        ["Ampoule LED", "Rallonge", "Interrupteur", "Projecteur", "Guirlande"],
        ["E27", "10 m", "étanche", "à détecteur", "solaire", "connecté"],
    ),
    "plomberie": (
        ["Mitigeur", "Siphon", "Flexible", "Robinet", "Pommeau de douche"],
        ["chromé", "thermostatique", "1/2 pouce", "anticalcaire", "eco", "mural"],
    ),
    "mobilier-jardin": (
        ["Salon de jardin", "Transat", "Parasol", "Table", "Banc", "Hamac"],
        ["en teck", "aluminium", "déporté", "extensible", "résine", "4 places"],
    ),
}

CITIES = [
    ("Lyon", "69003"), ("Villeurbanne", "69100"), ("Grenoble", "38000"),
    ("Annecy", "74000"), ("Chambéry", "73000"), ("Saint-Étienne", "42000"),
    ("Valence", "26000"), ("Clermont-Ferrand", "63000"), ("Dijon", "21000"),
    ("Mâcon", "71000"), ("Bourg-en-Bresse", "01000"), ("Vienne", "38200"),
    ("Roanne", "42300"), ("Besançon", "25000"), ("Montélimar", "26200"),
    ("Aix-les-Bains", "73100"), ("Thonon-les-Bains", "74200"), ("Vichy", "03200"),
    ("Villefranche-sur-Saône", "69400"), ("Oyonnax", "01100"),
]  # fmt: skip


def _log(message: str) -> None:
    print(f"[generate] {message}", flush=True)


def database_path(size: str) -> Path:
    return DATA_DIR / f"{size}.sqlite3"


def marker_path(size: str) -> Path:
    return DATA_DIR / f"{size}.json"


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _setup_django(sqlite_path: Path) -> None:
    """Point the dev settings at ``sqlite_path`` and start Django (once a process)."""
    sys.path[:0] = [str(ROOT), str(ROOT / "site")]
    os.environ["DJANGO_SETTINGS_MODULE"] = "comptoir.settings.dev"
    os.environ["SQLITE_PATH"] = str(sqlite_path)
    # DEBUG keeps every query in memory: a million inserts would eat the machine.
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


def _disk_migrations() -> list[str]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.disk_migrations)


def _sales_model():
    """The SaleEvent model when marketplace.sales has one yet, else None."""
    from django.apps import apps

    try:
        return apps.get_model("sales", "SaleEvent")
    except LookupError:
        return None


def _marker(size: str) -> dict:
    return {
        "generator_version": GENERATOR_VERSION,
        "size": size,
        "figures": asdict(SIZES[size]),
        "migrations": _disk_migrations(),
    }


def _chunks(seq, n: int = CHUNK):
    for start in range(0, len(seq), n):
        yield seq[start : start + n]


def _build_stores(count: int):
    from django.utils.text import slugify

    from marketplace.catalog.models import Store

    stores = []
    for i, (city, postcode) in enumerate(CITIES[:count]):
        stores.append(
            Store(
                code=slugify(city)[:16] + f"-{i + 1:02d}",
                name=f"Comptoir {city}",
                address=f"{10 + i} avenue de la République",
                postcode=postcode,
                city=city,
                opening_hours="Lun–Sam 9h–19h\nDim 9h–12h30",
            )
        )
    Store.objects.bulk_create(stores)
    return list(Store.objects.order_by("id"))


def _build_products(count: int, rng: random.Random):
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils.text import slugify
    from taggit.models import Tag, TaggedItem

    from marketplace.catalog.models import Product

    categories = list(CATEGORIES)
    tags = {
        name: tag
        for name, tag in zip(
            categories,
            Tag.objects.bulk_create([Tag(name=c, slug=c) for c in categories]),
            strict=True,
        )
    }
    products, product_categories = [], []
    for i in range(count):
        category = categories[i % len(categories)]
        nouns, qualities = CATEGORIES[category]
        sku = f"CPT-{i + 1:06d}"
        name = f"{rng.choice(nouns)} {rng.choice(qualities)} {rng.randint(100, 999)}"
        products.append(
            Product(
                sku=sku,
                name=name,
                slug=f"{slugify(name)}-{sku.lower()}",
                description=(
                    f"{name} : un article {category.replace('-', ' ')} choisi par "
                    "nos vendeurs, garanti deux ans, repris en magasin sous 30 jours."
                ),
                price_cents=rng.randint(99, 49_999),
                active=rng.random() > 0.02,
            )
        )
        product_categories.append(category)
    with transaction.atomic():
        for chunk in _chunks(products):
            Product.objects.bulk_create(chunk)
    ids = dict(Product.objects.values_list("sku", "id"))
    product_type = ContentType.objects.get_for_model(Product)
    tagged = []
    for product, category in zip(products, product_categories, strict=True):
        # Every product carries its category; one in five also a second one.
        chosen = {category}
        if rng.random() < 0.2:
            chosen.add(rng.choice(categories))
        for tag_name in sorted(chosen):
            tagged.append(
                TaggedItem(
                    tag=tags[tag_name],
                    content_type=product_type,
                    object_id=ids[product.sku],
                )
            )
    with transaction.atomic():
        for chunk in _chunks(tagged):
            TaggedItem.objects.bulk_create(chunk)
    return list(Product.objects.order_by("id").only("id", "sku", "price_cents"))


def _build_stock(products, stores, rng: random.Random) -> int:
    from django.db import transaction

    from marketplace.catalog.models import StockLevel

    rows = [
        StockLevel(
            product_id=product.id,
            store_id=store.id,
            quantity=0 if rng.random() < 0.15 else rng.randint(1, 60),
        )
        for product in products
        for store in stores
    ]
    with transaction.atomic():
        for chunk in _chunks(rows):
            StockLevel.objects.bulk_create(chunk)
    return len(rows)


def sale_event_kwargs(
    *, number: int, product, store, occurred_at: datetime, refund: bool, rng
) -> dict:
    """The fields of one generated sale (or refund) event, as the API would store them.

    Amounts are positive as sent; ``net_cents`` carries the sign. A refund points at
    an earlier generated sale by its sender's id. One in five sales is online, without
    a store.
    """
    quantity = 1 if rng.random() < 0.7 else rng.randint(2, 4)
    amount = product.price_cents * quantity
    online = rng.random() < 0.2
    return {
        "external_id": f"gen-{number:08d}",
        "kind": "refund" if refund else "sale",
        "product_id": product.id,
        "store_id": None if online else store.id,
        "channel": "online" if online else "store",
        "quantity": quantity,
        "amount_cents": amount,
        "net_cents": -amount if refund else amount,
        "refund_of": f"gen-{max(0, number - rng.randint(1, 5_000)):08d}"
        if refund
        else "",
        "occurred_at": occurred_at,
    }


def _build_sales(count: int, products, stores, rng: random.Random) -> int:
    from django.db import connection, transaction

    model = _sales_model()
    tables = connection.introspection.table_names()
    if model is None or model._meta.db_table not in tables:
        _log("no marketplace.sales.SaleEvent table yet: sales skipped")
        return 0
    started = time.perf_counter()
    end = datetime(2026, 10, 31, 20, 0, tzinfo=UTC)
    span = int(timedelta(days=365).total_seconds())
    written = 0
    while written < count:
        batch = min(CHUNK, count - written)
        rows = []
        for n in range(written, written + batch):
            rows.append(
                model(
                    **sale_event_kwargs(
                        number=n,
                        product=rng.choice(products),
                        store=rng.choice(stores),
                        occurred_at=end - timedelta(seconds=rng.randrange(span)),
                        refund=rng.random() < 0.03,
                        rng=rng,
                    )
                )
            )
        with transaction.atomic():
            model.objects.bulk_create(rows)
        written += batch
        if written % 100_000 == 0 or written == count:
            rate = written / (time.perf_counter() - started)
            _log(f"  sales {written:>9,}/{count:,} ({rate:,.0f}/s)")
    return written


def generate(size: str, *, regenerate: bool = False) -> Path:
    """Make sure ``bench/data/<size>.sqlite3`` is there and current; return its path."""
    if size not in SIZES:
        raise SystemExit(f"Unknown size {size!r}: choose from {', '.join(SIZES)}.")
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    final, marker_file = database_path(size), marker_path(size)
    building = DATA_DIR / f"{size}.building.sqlite3"
    _setup_django(building)
    marker = _marker(size)
    if not regenerate and final.exists() and marker_file.exists():
        recorded = json.loads(marker_file.read_text())
        if {key: recorded.get(key) for key in marker} == marker:
            _log(f"{size}: {final.relative_to(ROOT)} is up to date")
            return final
        why = _rebuild_reason(recorded, marker)
        if not why:
            try:
                return _migrate_forward(size, recorded, marker)
            except Exception as exc:  # noqa: BLE001 - any failure: build afresh
                _log(f"{size}: migrating the cached file failed ({exc}), rebuilding")
        else:
            _log(f"{size}: {why}, rebuilding")
    return _build(size, marker)


def _rebuild_reason(recorded: dict, marker: dict) -> str:
    """Why the cached file cannot just be migrated forward, or "" if it can.

    It can when the generator and figures are the same, its data is complete, and
    the only change is migrations added since.
    """
    for key in ("generator_version", "size", "figures"):
        if recorded.get(key) != marker[key]:
            return f"{key} changed"
    if recorded.get("built", {}).get("sale_events") != marker["figures"]["sales"]:
        return "its sales were incomplete"
    gone = sorted(set(recorded.get("migrations", [])) - set(marker["migrations"]))
    if gone:
        more = f" and {len(gone) - 1} more" if len(gone) > 1 else ""
        return f"migration {gone[0]}{more} is no longer on disk"
    return ""


def _migrate_forward(size: str, recorded: dict, marker: dict) -> Path:
    """Apply the new migrations to a copy of the cached file, then swap it in.

    Other apps add migrations all the time; the generated rows stay valid, so this
    costs seconds where a rebuild costs minutes, as a deployment's migrate would.
    """
    import shutil

    from django.core.management import call_command
    from django.db import connection

    final, building = database_path(size), DATA_DIR / f"{size}.building.sqlite3"
    started = time.perf_counter()
    new = len(set(marker["migrations"]) - set(recorded["migrations"]))
    _log(f"{size}: applying {new} new migration(s) to the cached file")
    _remove_sqlite(building)
    shutil.copyfile(final, building)
    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    _remove_sqlite(final)
    building.rename(final)
    _remove_sqlite(building)
    marker["built"] = {
        **recorded["built"],
        "migrated_forward_seconds": round(time.perf_counter() - started, 1),
    }
    marker_path(size).write_text(json.dumps(marker, indent=1) + "\n")
    _log(f"{size}: migrated in {time.perf_counter() - started:.1f}s")
    return final


def _build(size: str, marker: dict) -> Path:
    """Migrate a fresh file, fill it, and swap it in place of the cached one."""
    from django.core.management import call_command
    from django.db import connection

    final, marker_file = database_path(size), marker_path(size)
    building = DATA_DIR / f"{size}.building.sqlite3"
    figures = SIZES[size]
    started = time.perf_counter()
    connection.close()  # a failed forward migration may have left it open
    _remove_sqlite(building)
    _log(f"{size}: migrating a fresh database")
    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        # Set-up data, rebuilt on any failure: durability buys nothing here.
        cursor.execute("PRAGMA synchronous=OFF")
    rng = random.Random(SEED)
    stores = _build_stores(figures.stores)
    products = _build_products(figures.products, rng)
    stock = _build_stock(products, stores, rng)
    _log(
        f"{size}: {len(stores)} stores, {len(products):,} products, "
        f"{stock:,} stock rows ({time.perf_counter() - started:.1f}s)"
    )
    sales = _build_sales(figures.sales, products, stores, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        # Fold the WAL into the main file, so copying one file copies everything.
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    _remove_sqlite(final)
    building.rename(final)
    _remove_sqlite(building)
    marker["built"] = {
        "stores": len(stores),
        "products": len(products),
        "stock_levels": stock,
        "sale_events": sales,
        "seconds": round(time.perf_counter() - started, 1),
    }
    marker_file.write_text(json.dumps(marker, indent=1) + "\n")
    _log(
        f"{size}: done in {time.perf_counter() - started:.1f}s, "
        f"{sales:,} sales events, {final.stat().st_size / 1e6:.0f} MB"
    )
    return final


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), required=True)
    parser.add_argument(
        "--regenerate", action="store_true", help="rebuild even if the file is current"
    )
    args = parser.parse_args(argv)
    generate(args.size, regenerate=args.regenerate)


if __name__ == "__main__":
    main()
