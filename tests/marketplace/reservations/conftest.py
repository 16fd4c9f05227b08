"""Shared fixtures of the reservations tests: two stores open Monday to Saturday
with their staff, a product stocked at both, two members and one reservation made
through the real service.

The suite's clock stands on Monday 2026-11-23 at 09:00 UTC (10:00 in Paris), so
`TODAY` is a Monday and `NEXT_OPEN_DAY` the Tuesday after.
"""

import datetime as dt
from itertools import count

import pytest
from django.contrib.auth.models import Permission

from marketplace.catalog.models import StockLevel
from tests.conftest import SUITE_NOW
from tests.factories import MemberFactory, ProductFactory, StoreFactory

NOW = SUITE_NOW
TODAY = dt.date(2026, 11, 23)  # a Monday, in Paris as in UTC
NEXT_OPEN_DAY = TODAY + dt.timedelta(days=1)
SUNDAY = dt.date(2026, 11, 29)

_keys = count(1)


def request_key() -> str:
    """A fresh one-time form key, as the reserve form would carry."""
    return f"test-key-{next(_keys)}"


def stock_set(product, store, quantity: int) -> StockLevel:
    """What the retailer's API would leave: `quantity` on hand at `store`."""
    level, _ = StockLevel.objects.update_or_create(
        product=product, store=store, defaults={"quantity": quantity}
    )
    return level


def make_reservation(*, member, product, store, quantity=1, pickup_day=None, now=None):
    """A reservation through the real service, with a fresh request key."""
    from marketplace.reservations.services import reservation_make

    return reservation_make(
        member=member,
        product=product,
        store=store,
        quantity=quantity,
        pickup_day=pickup_day or NEXT_OPEN_DAY,
        request_key=request_key(),
        now=now or NOW,
    )


def _admin_user(**kwargs):
    user = MemberFactory(**kwargs)
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    return user


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
def product(store, other_store):
    product = ProductFactory(
        sku="ARR-0042",
        name="Arrosoir galvanisé 10 L",
        slug="arrosoir-galvanise-10-l",
        description="Un arrosoir solide pour le potager.",
        price_cents=2490,
    )
    stock_set(product, store, 5)
    stock_set(product, other_store, 3)
    return product


@pytest.fixture
def member(db):
    return MemberFactory(
        email="camille@example.com", display_name="Camille", slug="camille"
    )


@pytest.fixture
def other_member(db):
    return MemberFactory(
        email="dominique@example.com", display_name="Dominique", slug="dominique"
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
def reservation(member, product, store):
    """Camille's 2 units at Lyon Part-Dieu, for the next open day, confirmed."""
    return make_reservation(member=member, product=product, store=store, quantity=2)
