import pytest
from channels.layers import channel_layers

from tests.factories import MemberFactory


@pytest.fixture
def member(db):
    return MemberFactory(display_name="Marie Dupont", slug="marie-dupont")


@pytest.fixture
def other_member(db):
    return MemberFactory(display_name="Paul Bêche", slug="paul-beche")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def fresh_channel_layer():
    """Each websocket test gets its own layer, not one bound to an old event loop."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
