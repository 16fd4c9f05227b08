"""Live stock: the websocket group of a product and what is sent to it."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def product_stock_group(product_id: int) -> str:
    """The channel-layer group whose sockets watch one product's stock."""
    return f"product-stock-{product_id}"


def product_stock_broadcast(*, product_id: int, stock: list[dict]) -> None:
    """Send a product's stock lines to every open page of that product.

    `stock` is a list of {"store": code, "store_name": name, "quantity": n}.
    Called after commit only, so no page ever shows stock that was rolled back.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(
        product_stock_group(product_id),
        {"type": "stock.changed", "product_id": product_id, "stock": stock},
    )
