import datetime as dt
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.utils import timezone
from PIL import Image

from community.moderation.models import Suspension
from marketplace.sales.models import SaleEvent
from rewards.models import ProgrammeMembership
from tests.factories import MemberFactory, ProductFactory

BODY = "Solide, bien fini, je le recommande pour un petit jardin de ville."


def photo_upload(fmt="JPEG", size=(64, 48), name=None, color=(200, 120, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    extension = {"JPEG": "jpg"}.get(fmt, fmt.lower())
    return SimpleUploadedFile(
        name or f"photo.{extension}",
        buffer.getvalue(),
        content_type=f"image/{extension}",
    )


def aged(member, days=400):
    """Joined long ago, so first-day limits do not apply."""
    member.date_joined = timezone.now() - dt.timedelta(days=days)
    member.save(update_fields=["date_joined"])
    return member


@pytest.fixture
def product(db):
    return ProductFactory(name="Sécateur Pro", slug="secateur-pro", sku="SEC-001")


@pytest.fixture
def author(db):
    """A trusted member (level 2): their reviews publish at once."""
    return aged(MemberFactory(display_name="Élise", slug="elise", trust_level=2))


@pytest.fixture
def newcomer(db):
    """A level 0 member who joined long ago: premoderated, no links."""
    return aged(MemberFactory(display_name="Nouveau", slug="nouveau", trust_level=0))


@pytest.fixture
def reader(db):
    return aged(MemberFactory(display_name="Lecteur", slug="lecteur", trust_level=1))


@pytest.fixture
def staff(db):
    return aged(
        MemberFactory(
            display_name="Équipe Comptoir", slug="equipe", is_staff=True, trust_level=3
        )
    )


@pytest.fixture
def moderator(db):
    from django.contrib.auth.models import Permission

    member = aged(MemberFactory(display_name="Modo", slug="modo", trust_level=3))
    member.user_permissions.add(
        Permission.objects.get(
            codename="moderate_content", content_type__app_label="moderation"
        )
    )
    return member


@pytest.fixture
def suspended(db):
    member = aged(
        MemberFactory(display_name="Suspendu", slug="suspendu", trust_level=2)
    )
    Suspension.objects.create(
        member=member,
        until=timezone.now() + dt.timedelta(days=7),
        reason="Insultes répétées",
    )
    return member


def sale_for(member, product, *, n=1):
    return SaleEvent.objects.create(
        external_id=f"sale-{member.pk}-{product.pk}-{n}",
        kind=SaleEvent.Kind.SALE,
        product=product,
        member=member,
        quantity=1,
        channel="store",
        amount_cents=product.price_cents,
        net_cents=product.price_cents,
        occurred_at=timezone.now(),
    )


def rewards_member(member):
    return ProgrammeMembership.objects.create(member=member, terms_version="2026-1")


def with_retry(action, attempts=50):
    """Run `action` from a test thread, trying again while SQLite answers "database
    (table) is locked": its in-memory test database refuses instead of waiting, and
    a real client would try again. Any other error, PostgreSQL's deadlocks
    included, is raised."""
    for attempt in range(attempts):
        try:
            return action()
        except OperationalError as error:
            if "is locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    return None
