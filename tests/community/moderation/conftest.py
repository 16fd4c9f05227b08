import factory
import pytest
from channels.layers import channel_layers
from django.contrib.auth.models import Group, Permission

from community.moderation.models import ModerationStatus
from community.moderation.services import MODERATORS_GROUP
from community.reviews.models import Review
from tests.factories import MemberFactory, ProductFactory


class ReviewFactory(factory.django.DjangoModelFactory):
    """Reviews straight through the ORM: moderation only needs the rows."""

    class Meta:
        model = Review

    product = factory.SubFactory(ProductFactory)
    author = factory.SubFactory(MemberFactory)
    rating = 4
    title = factory.Sequence(lambda n: f"Avis {n}")
    body = "Solide et pratique, je recommande."
    status = ModerationStatus.PUBLISHED


def member(trust_level: int = 1, **kwargs):
    return MemberFactory(trust_level=trust_level, **kwargs)


def moderators_group() -> Group:
    """The group the data migration creates; transactional tests flush it away."""
    group, created = Group.objects.get_or_create(name=MODERATORS_GROUP)
    if created:
        group.permissions.add(
            Permission.objects.get(
                codename="moderate_content", content_type__app_label="moderation"
            ),
            Permission.objects.get(
                codename="access_admin", content_type__app_label="wagtailadmin"
            ),
        )
    return group


@pytest.fixture
def moderator():
    user = MemberFactory(display_name="Modératrice", email="moderatrice@example.com")
    user.groups.add(moderators_group())
    return user


@pytest.fixture
def newcomer():
    return member(0)


@pytest.fixture
def trusted():
    return member(2)


@pytest.fixture
def published_review(newcomer):
    return ReviewFactory(author=newcomer)


@pytest.fixture
def fresh_channel_layer():
    """Each websocket test gets its own layer, not one bound to an old event loop."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
