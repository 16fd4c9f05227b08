"""Shared fixtures of the resale tests, for every resale test module to import.

Two stores open Monday to Saturday with their staff, a catalog product stocked at
both, a trusted seller (trust level 2, publishes at once) with a matched purchase
of that product, two trusted buyers, a premoderated newcomer, a moderator, and a
published listing made through the real service. `conftest.py` beside this file
imports everything here; another folder's tests may do the same::

    from tests.marketplace.resale.fixtures import *  # noqa: F403

The suite's clock stands on Monday 2026-11-23 at 09:00 UTC (10:00 in Paris), so
`TODAY` is a Monday and `HANDOFF_DAY` (the first day a buyer may pick) the
Tuesday after.
"""

from __future__ import annotations

import datetime as dt
import io
from itertools import count

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from marketplace.catalog.models import StockLevel
from marketplace.sales.models import SaleEvent
from tests.conftest import SUITE_NOW
from tests.factories import MemberFactory, ProductFactory, StoreFactory

__all__ = [
    "DESCRIPTION",
    "HANDOFF_DAY",
    "NOW",
    "PRICE",
    "SUNDAY",
    "TODAY",
    "aged",
    "buyer",
    "listing",
    "make_listing",
    "moderator",
    "newcomer",
    "other_buyer",
    "other_staff",
    "other_store",
    "photo_upload",
    "product",
    "purchase",
    "purchase_of",
    "seller",
    "staff",
    "store",
]

NOW = SUITE_NOW
TODAY = dt.date(2026, 11, 23)  # a Monday, in Paris as in UTC
HANDOFF_DAY = TODAY + dt.timedelta(days=1)  # hand-offs are offered from tomorrow
SUNDAY = dt.date(2026, 11, 29)  # both stores are closed
PRICE = 4500
DESCRIPTION = "Servi deux saisons, lame affûtée, poignées comme neuves."

_sales = count(1)


def photo_upload(fmt="JPEG", size=(64, 48), name=None, color=(200, 120, 40)):
    """A small real image, as a browser would upload it."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    extension = {"JPEG": "jpg"}.get(fmt, fmt.lower())
    return SimpleUploadedFile(
        name or f"photo.{extension}",
        buffer.getvalue(),
        content_type=f"image/{extension}",
    )


def aged(member, days=400):
    """Joined long ago, so first-day posting limits do not apply."""
    member.date_joined = timezone.now() - dt.timedelta(days=days)
    member.save(update_fields=["date_joined"])
    return member


def _admin_user(**kwargs):
    user = MemberFactory(**kwargs)
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    return user


def purchase_of(member, product, *, store=None, when=None) -> SaleEvent:
    """A sale of `product` matched to `member`, as the tills would record it."""
    return SaleEvent.objects.create(
        external_id=f"resale-test-sale-{next(_sales)}",
        kind=SaleEvent.Kind.SALE,
        product=product,
        member=member,
        store=store,
        quantity=1,
        channel=SaleEvent.Channel.STORE,
        amount_cents=product.price_cents,
        net_cents=product.price_cents,
        occurred_at=when or NOW - dt.timedelta(days=200),
    )


def make_listing(*, seller, stores, submit=True, now=None, **fields):
    """A listing through the real service (`listing_create`), published when its
    seller's trust allows and `submit` is true. `stores` are Store instances."""
    from marketplace.resale.services import listing_create

    values = {
        "title": "Sécateur Pro à lame franche",
        "description": DESCRIPTION,
        "price_cents": PRICE,
        "condition": "very_good",
        "tags": ("jardin",),
    }
    values.update(fields)
    return listing_create(
        seller=seller,
        store_ids=[s.pk for s in stores],
        submit=submit,
        now=now or NOW,
        **values,
    )


@pytest.fixture
def store(db):
    return StoreFactory(
        code="lyon-part-dieu",
        name="Lyon Part-Dieu",
        city="Lyon",
        address="17 rue du Docteur Bouchut",
        postcode="69003",
        opening_hours="Lun–Sam 9h–20h",
        opening_days="123456",
    )


@pytest.fixture
def other_store(db):
    return StoreFactory(
        code="nantes-centre",
        name="Nantes Centre",
        city="Nantes",
        address="2 rue de la Marne",
        postcode="44000",
        opening_hours="Lun–Sam 9h–19h",
        opening_days="123456",
    )


@pytest.fixture
def staff(store):
    """A member of `store`'s staff who may open the Wagtail admin."""
    user = _admin_user(
        email="vendeur@example.com", display_name="Vendeur Lyon", slug="vendeur-lyon"
    )
    store.staff.add(user)
    return user


@pytest.fixture
def other_staff(other_store):
    user = _admin_user(
        email="vendeur.nantes@example.com",
        display_name="Vendeur Nantes",
        slug="vendeur-nantes",
    )
    other_store.staff.add(user)
    return user


@pytest.fixture
def product(store, other_store):
    """The catalog's new product, stocked at both stores."""
    product = ProductFactory(
        sku="SEC-0042",
        name="Sécateur Pro",
        slug="secateur-pro",
        description="Un sécateur à lame franche.",
        price_cents=8990,
    )
    for where, quantity in ((store, 5), (other_store, 3)):
        StockLevel.objects.update_or_create(
            product=product, store=where, defaults={"quantity": quantity}
        )
    return product


@pytest.fixture
def seller(db):
    """A trusted member (level 2): their listings are published at once."""
    return aged(
        MemberFactory(
            email="sacha@example.com",
            display_name="Sacha",
            slug="sacha",
            trust_level=2,
        )
    )


@pytest.fixture
def buyer(db):
    return aged(
        MemberFactory(
            email="bao@example.com", display_name="Bao", slug="bao", trust_level=2
        )
    )


@pytest.fixture
def other_buyer(db):
    return aged(
        MemberFactory(
            email="ines@example.com", display_name="Inès", slug="ines", trust_level=2
        )
    )


@pytest.fixture
def newcomer(db):
    """A level 0 member who joined long ago: their listings wait for a moderator."""
    return aged(
        MemberFactory(
            email="nouveau@example.com",
            display_name="Nouveau",
            slug="nouveau",
            trust_level=0,
        )
    )


@pytest.fixture
def moderator(db):
    member = aged(
        MemberFactory(
            email="modo@example.com", display_name="Modo", slug="modo", trust_level=3
        )
    )
    member.user_permissions.add(
        Permission.objects.get(
            codename="moderate_content", content_type__app_label="moderation"
        )
    )
    return member


@pytest.fixture
def purchase(seller, product, store):
    """The seller's own purchase of `product`, matched to their account."""
    return purchase_of(seller, product, store=store)


@pytest.fixture
def listing(seller, store, other_store, product, purchase):
    """Sacha's published listing of their Sécateur Pro (verified owner), €45,
    to hand over at Lyon Part-Dieu or Nantes Centre."""
    return make_listing(
        seller=seller,
        stores=[store, other_store],
        product=product,
        purchase=purchase,
    )
