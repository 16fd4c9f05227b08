"""Idle live sockets survive on the Redis channel layer (issue 11).

channels-redis waits for a consumer's messages with a 5-second BZPOPMIN; with
redis-py's default 5-second read timeout the read gave up first and killed the
waiting consumer (close 1011), about every five seconds per idle socket. The
layer's read timeout is now above the wait (comptoir/env.py). This holds sockets
idle for 30 seconds through a real Redis, then changes the stock: every socket is
still open and hears the change once. Skipped where no Redis answers.
"""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from comptoir.asgi import application
from marketplace.catalog.services import stock_level_set
from tests.factories import ProductFactory, StoreFactory

from .test_redis_down import (  # noqa: F401  (a fixture)
    REAL_REDIS,
    answers,
    fresh_channel_layer,
    redis_at,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
    pytest.mark.skipif(not answers(REAL_REDIS), reason="no Redis on 127.0.0.1:6379"),
]

ORIGIN = [(b"origin", b"http://testserver")]
SOCKETS = 20
IDLE_SECONDS = 30


def test_idle_sockets_stay_open_and_hear_the_next_change():
    product = ProductFactory(sku="IDLE-001", slug="arrosoir-idle")
    store = StoreFactory(code="lyon-idle", name="Lyon")

    def set_stock(quantity):
        with transaction.atomic():
            stock_level_set(product=product, store=store, quantity=quantity)

    async def scenario():
        sockets = [
            WebsocketCommunicator(
                application, f"/ws/products/{product.pk}/stock/", headers=ORIGIN
            )
            for _ in range(SOCKETS)
        ]
        for socket in sockets:
            connected, _ = await socket.connect()
            assert connected
            await socket.receive_json_from(timeout=5)  # the stock as it is
        # Idle: nothing is sent to them for longer than several BZPOPMIN waits.
        await asyncio.sleep(IDLE_SECONDS)
        closed = [n for n, s in enumerate(sockets) if not await s.receive_nothing(0.01)]
        await database_sync_to_async(set_stock)(9)
        heard = []
        for socket in sockets:
            message = await socket.receive_json_from(timeout=5)
            heard.append(message["stock"][0]["quantity"])
            assert await socket.receive_nothing(0.1)  # once, not twice
        for socket in sockets:
            await socket.disconnect()
        return closed, heard

    with redis_at(REAL_REDIS):
        closed, heard = async_to_sync(scenario)()

    assert closed == []
    assert heard == [9] * SOCKETS
