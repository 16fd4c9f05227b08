"""Live stock of one product, pushed to its open pages."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .live import product_stock_group
from .selectors import product_stock_payload


class ProductStockConsumer(AsyncJsonWebsocketConsumer):
    """Sends a product's stock lines whenever they change.

    Stock is public, like the product page, so anyone may watch an active
    product; unknown or inactive products are refused at the handshake.
    """

    group_name: str | None = None

    async def connect(self):
        product_id = self.scope["url_route"]["kwargs"]["product_id"]
        stock = await database_sync_to_async(product_stock_payload)(
            product_id=product_id
        )
        if stock is None:
            await self.close()
            return
        self.group_name = product_stock_group(product_id)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()
        # A page that reconnects after a drop may have missed changes: bring it up
        # to date at once instead of waiting for the next one.
        await self.send_json({"type": "stock", "stock": stock})

    async def disconnect(self, code):
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # The socket only talks one way: whatever a client sends, even text that
        # is not JSON, is ignored rather than crashing the connection.
        return

    async def stock_changed(self, event):
        await self.send_json({"type": "stock", "stock": event["stock"]})
