"""Every app's websocket routes, under /ws/ (docs/architecture.md, point 4).

Imports no app: each app with consumers registers its routes in its own
`wagtail_hooks.py`, one list of Channels routes per registration:

    @hooks.register(WEBSOCKET_ROUTES_HOOK)
    def stock_websocket_routes():
        return [path("ws/products/<int:product_id>/stock/", StockConsumer.as_asgi())]

Reading the registrations imports every app's `wagtail_hooks`, hence their models:
`asgi.py` builds the Django application first.
"""

from __future__ import annotations

from channels.routing import URLRouter
from wagtail import hooks

WEBSOCKET_ROUTES_HOOK = "register_websocket_routes"


def websocket_urlpatterns() -> list:
    """The registered routes, in registration order (INSTALLED_APPS, then `order`)."""
    return [
        route
        for register in hooks.get_hooks(WEBSOCKET_ROUTES_HOOK)
        for route in register()
    ]


class RegisteredWebsocketRouter:
    """An ASGI app routing each websocket to the registered routes.

    Built once Django is set up (asgi.py), reading the routes at once so a broken
    registration fails at start-up. They are read again only when the
    registrations change (a test's `hooks.register_temporarily`); otherwise every
    connection reuses one router.
    """

    def __init__(self) -> None:
        self._registrations: tuple = ()
        self._router: URLRouter | None = None
        self.router()

    def router(self) -> URLRouter:
        registrations = tuple(hooks.get_hooks(WEBSOCKET_ROUTES_HOOK))
        if self._router is None or registrations != self._registrations:
            self._router = URLRouter(websocket_urlpatterns())
            self._registrations = registrations
        return self._router

    async def __call__(self, scope, receive, send):
        return await self.router()(scope, receive, send)
