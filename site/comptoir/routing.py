"""Every app's websocket routes, under /ws/."""

from community.moderation.routing import (
    websocket_urlpatterns as moderation_websockets,
)
from community.notifications.routing import (
    websocket_urlpatterns as notifications_websockets,
)
from marketplace.catalog.routing import websocket_urlpatterns as catalog_websockets

websocket_urlpatterns = [
    *catalog_websockets,
    *notifications_websockets,
    *moderation_websockets,
]
