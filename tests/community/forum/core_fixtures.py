"""Members of every role, categories and a published topic, for the tests of the
forum's rules (services, permissions, moderation, mentions, member data).

Imported by those test modules (`from .core_fixtures import *`), so the pages'
tests keep their own helpers.
"""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.utils import timezone

from community.forum.models import ForumCategory, WhoMayStart
from community.forum.services import topic_start
from community.moderation.models import Suspension
from tests.factories import MemberFactory, ProductFactory

BODY = "Quand tailler les rosiers grimpants ? Avant ou après les gelées ?"
REPLY = "Après les grosses gelées, fin février, au-dessus d'un œil tourné dehors."


def aged(member, days=400):
    """Joined long ago, so first-day limits do not apply."""
    member.date_joined = timezone.now() - dt.timedelta(days=days)
    member.save(update_fields=["date_joined"])
    return member


def member(level, name, *, days=400, **fields):
    return aged(
        MemberFactory(
            display_name=name, slug=name.lower(), trust_level=level, **fields
        ),
        days=days,
    )


def later(seconds):
    """The clock moved on by `seconds` (for limits moderation times itself)."""
    return time_machine.travel(
        timezone.now() + dt.timedelta(seconds=seconds), tick=True
    )


@pytest.fixture
def category(db):
    return ForumCategory.objects.create(name="Jardinage", slug="jardinage")


@pytest.fixture
def other_category(db):
    return ForumCategory.objects.create(name="Potager", slug="potager")


@pytest.fixture
def staff_room(db):
    return ForumCategory.objects.create(
        name="Salle de l'équipe", slug="equipe", staff_only=True
    )


@pytest.fixture
def news(db):
    return ForumCategory.objects.create(
        name="Nouvelles du magasin", slug="nouvelles", who_may_start=WhoMayStart.STAFF
    )


@pytest.fixture
def author(db):
    """Level 2: publishes at once, no pause between posts."""
    return member(2, "Elise")


@pytest.fixture
def replier(db):
    return member(2, "Paul")


@pytest.fixture
def basic(db):
    """Level 1: premoderated, waits between posts."""
    return member(1, "Basile")


@pytest.fixture
def newcomer(db):
    """Level 0, joined long ago: premoderated, no links."""
    return member(0, "Nouveau")


@pytest.fixture
def leader(db):
    return member(4, "Leader")


@pytest.fixture
def staff(db):
    return member(3, "Equipe", is_staff=True)


@pytest.fixture
def moderator(db):
    user = member(3, "Modo")
    user.user_permissions.add(
        Permission.objects.get(
            codename="moderate_content", content_type__app_label="moderation"
        )
    )
    return user


@pytest.fixture
def suspended(db):
    user = member(2, "Suspendu")
    Suspension.objects.create(
        member=user,
        until=timezone.now() + dt.timedelta(days=7),
        reason="Insultes répétées",
    )
    return user


@pytest.fixture
def product(db):
    return ProductFactory(name="Sécateur Pro", slug="secateur-pro", sku="SEC-001")


@pytest.fixture
def topic(author, category):
    return topic_start(
        author=author, category=category, title="Tailler les rosiers", body=BODY
    )
