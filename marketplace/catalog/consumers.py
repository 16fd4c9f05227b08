"""Live stock of one product, pushed to its open pages."""

from __future__ import annotations

import asyncio
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from comptoir.routing import LiveGroupsMixin

from .live import product_stock_group
from .selectors import product_stock_payload

# How long this process answers a connect from what it already knows of a product
# (whether it may be watched, its stock) before reading the database again.
# Changes of stock reach that memory at once (every broadcast is heard by the
# sockets already watching); a product switched off or a store renamed shows
# to new sockets within this time.
KNOWN_SECONDS = 2.0


class WatchedProducts:
    """What this process knows of the products its sockets watch.

    A thousand pages of one product opening at once cost one query, not a
    thousand: connects read this memory, the first one of a product reads the
    database for all the others waiting (one read in flight per product), and
    every broadcast heard by a watching socket replaces the stock kept. A
    product nobody watches here any more is forgotten, so what a page gets on
    (re)connecting is never older than `KNOWN_SECONDS` or the last broadcast.
    """

    def __init__(self) -> None:
        # product id -> (stock lines or None when it may not be watched, read at)
        self._known: dict[int, tuple[list[dict] | None, float]] = {}
        self._watchers: dict[int, int] = {}
        self._reads: dict[tuple[int, int], asyncio.Future] = {}

    async def stock(self, product_id: int) -> list[dict] | None:
        """The product's stock lines, or None if it is unknown or inactive."""
        known = self._known.get(product_id)
        if known is not None and time.monotonic() - known[1] < KNOWN_SECONDS:
            return known[0]
        # One read per product and event loop (tests run several loops).
        key = (id(asyncio.get_running_loop()), product_id)
        read = self._reads.get(key)
        if read is None:
            read = asyncio.ensure_future(self._read(product_id))
            self._reads[key] = read
            read.add_done_callback(lambda _done: self._reads.pop(key, None))
        return await asyncio.shield(read)

    async def _read(self, product_id: int) -> list[dict] | None:
        read_at = time.monotonic()
        stock = await database_sync_to_async(product_stock_payload)(
            product_id=product_id
        )
        known = self._known.get(product_id)
        # A broadcast heard during the read is newer than what was read.
        if self._watchers.get(product_id) and (known is None or known[1] < read_at):
            self._known[product_id] = (stock, read_at)
        return stock

    def heard(self, product_id: int, stock: list[dict]) -> None:
        """A broadcast reached a socket watching the product: the newest stock."""
        if self._watchers.get(product_id):
            self._known[product_id] = (stock, time.monotonic())

    def watch(self, product_id: int) -> None:
        self._watchers[product_id] = self._watchers.get(product_id, 0) + 1

    def unwatch(self, product_id: int) -> None:
        left = self._watchers.get(product_id, 0) - 1
        if left > 0:
            self._watchers[product_id] = left
        else:
            # Nobody here hears its broadcasts any more: what we know goes stale.
            self._watchers.pop(product_id, None)
            self._known.pop(product_id, None)


watched_products = WatchedProducts()


class ProductStockConsumer(LiveGroupsMixin, AsyncJsonWebsocketConsumer):
    """Sends a product's stock lines whenever they change.

    Stock is public, like the product page, so anyone may watch an active
    product; unknown or inactive products are refused at the handshake. A
    connect reads no database while other sockets of this process watch the
    product (`WatchedProducts`).
    """

    product_id: int | None = None

    async def connect(self):
        product_id = self.scope["url_route"]["kwargs"]["product_id"]
        # Counted as watching before the read, so the read is kept for the
        # sockets arriving with this one; joined before the read, so a change
        # committed meanwhile is either in what is read or heard after it.
        watched_products.watch(product_id)
        self.product_id = product_id
        await self.join_group(product_stock_group(product_id))
        stock = await watched_products.stock(product_id)
        if stock is None:
            await self.close()
            return
        await self.accept()
        # A page that reconnects after a drop may have missed changes: bring it up
        # to date at once instead of waiting for the next one.
        await self.send_json({"type": "stock", "stock": stock})

    async def leave_groups(self):
        await super().leave_groups()
        product_id, self.product_id = self.product_id, None
        if product_id is not None:
            watched_products.unwatch(product_id)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # The socket only talks one way: whatever a client sends, even text that
        # is not JSON, is ignored rather than crashing the connection.
        return

    async def stock_changed(self, event):
        watched_products.heard(event["product_id"], event["stock"])
        await self.send_json({"type": "stock", "stock": event["stock"]})
