"""The product stock websocket, against the real ASGI application."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from comptoir.asgi import application
from marketplace.catalog.services import stock_level_set
from tests.factories import ProductFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]

ORIGIN = [(b"origin", b"http://testserver")]


def communicator(product_id) -> WebsocketCommunicator:
    return WebsocketCommunicator(
        application, f"/ws/products/{product_id}/stock/", headers=ORIGIN
    )


def set_stock(product, store, quantity):
    with transaction.atomic():
        stock_level_set(product=product, store=store, quantity=quantity)


def quantities(message) -> dict[str, int]:
    return {line["store"]: line["quantity"] for line in message["stock"]}


def test_socket_sends_current_stock_then_every_change(product, lyon, nantes):
    set_stock(product, lyon, 4)

    async def scenario():
        socket = communicator(product.pk)
        connected, _ = await socket.connect()
        assert connected
        # on connect: the stock as it is now
        first = await socket.receive_json_from(timeout=5)
        # when the retailer's systems change Lyon's stock
        await database_sync_to_async(set_stock)(product, lyon, 12)
        second = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return first, second

    first, second = async_to_sync(scenario)()

    assert first["type"] == "stock"
    assert quantities(first) == {"lyon-part-dieu": 4, "nantes-centre": 0}
    assert second["type"] == "stock"
    assert quantities(second) == {"lyon-part-dieu": 12, "nantes-centre": 0}
    assert {line["store_name"] for line in second["stock"]} == {
        "Lyon Part-Dieu",
        "Nantes Centre",
    }


def test_socket_hears_nothing_from_a_rolled_back_change(product, lyon):
    def set_then_roll_back():
        with transaction.atomic():
            stock_level_set(product=product, store=lyon, quantity=99)
            transaction.set_rollback(True)

    async def scenario():
        socket = communicator(product.pk)
        await socket.connect()
        await socket.receive_json_from(timeout=5)
        await database_sync_to_async(set_then_roll_back)()
        # A real change afterwards: it must be the very next message.
        await database_sync_to_async(set_stock)(product, lyon, 7)
        message = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return message

    assert quantities(async_to_sync(scenario)())["lyon-part-dieu"] == 7


def test_socket_only_hears_its_own_product(product, lyon):
    other = ProductFactory()

    async def scenario():
        socket = communicator(product.pk)
        await socket.connect()
        await socket.receive_json_from(timeout=5)
        await database_sync_to_async(set_stock)(other, lyon, 5)
        await database_sync_to_async(set_stock)(product, lyon, 3)
        # Had the other product's change leaked here, it would come first.
        message = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return message

    assert quantities(async_to_sync(scenario)())["lyon-part-dieu"] == 3


@pytest.mark.parametrize("which", ["unknown", "inactive"])
def test_socket_refuses_unknown_or_inactive_product(which):
    inactive = ProductFactory(active=False)
    product_id = 999_999 if which == "unknown" else inactive.pk

    async def scenario():
        connected, _ = await communicator(product_id).connect()
        return connected

    assert async_to_sync(scenario)() is False


def test_socket_ignores_what_the_client_sends(product, lyon):
    async def scenario():
        socket = communicator(product.pk)
        await socket.connect()
        await socket.receive_json_from(timeout=5)
        await socket.send_to(text_data="not json at all")
        await database_sync_to_async(set_stock)(product, lyon, 2)
        message = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return message

    assert quantities(async_to_sync(scenario)())["lyon-part-dieu"] == 2
