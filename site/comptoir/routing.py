"""Every app's websocket routes, under /ws/ (docs/architecture.md, point 4).

Imports no app: each app with consumers registers its routes in its own
`wagtail_hooks.py`, one list of Channels routes per registration:

    @hooks.register(WEBSOCKET_ROUTES_HOOK)
    def stock_websocket_routes():
        return [path("ws/products/<int:product_id>/stock/", StockConsumer.as_asgi())]

Reading the registrations imports every app's `wagtail_hooks`, hence their models:
`asgi.py` builds the Django application first.

Consumers join their groups through `LiveGroupsMixin`, which keeps the membership
alive while the socket is open and leaves every group however the socket ends.
"""

from __future__ import annotations

import asyncio
import logging
import random
from importlib import import_module

from channels.consumer import get_handler_name
from channels.routing import URLRouter
from django.conf import settings
from wagtail import hooks

WEBSOCKET_ROUTES_HOOK = "register_websocket_routes"

logger = logging.getLogger(__name__)

# channels' own default, for a layer that does not say (the in-memory one does).
DEFAULT_GROUP_EXPIRY = 86400


class IgnoreUnreadableMixin:
    """For an AsyncJsonWebsocketConsumer that listens to its pages: text that is
    not JSON is ignored rather than closing the socket (Channels' own `receive`
    raises on it); what decodes goes to `receive_json` as usual."""

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if not text_data:
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:
            return
        await self.receive_json(content, **kwargs)


class LiveGroupsMixin:
    """For a Channels consumer: groups joined with `join_group` are renewed while
    the socket is open and left when it ends, however it ends.

    - Renewed: channels-redis drops a member `group_expiry` after it joined
      (comptoir.env.GROUP_EXPIRY_SECONDS, an hour), so members of a process that
      died without leaving are gone within the hour; a socket open longer re-joins
      every third of it, at a random moment so a thousand do not re-join at once.
    - Left: on a close, and also when the consumer stops on an error (a channel
      layer that stopped answering), where Channels would skip `disconnect`. A
      failed leave is logged once per process and never raised: the member then
      expires with the group.
    - No thread hop per message: Channels' `dispatch` closes old database
      connections on the one thread all sync code shares before every handler,
      a thousand hops for one broadcast to a thousand sockets. These consumers
      reach the database only through `database_sync_to_async`, which does it.
    """

    _leave_failure_logged = False

    async def __call__(self, scope, receive, send):
        self._live_groups: list[str] = []
        self._renewal: asyncio.Task | None = None
        try:
            return await super().__call__(scope, receive, send)
        finally:
            await self.leave_groups()

    async def dispatch(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            return await super().dispatch(message)
        await handler(message)

    async def join_group(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        self._live_groups.append(group)
        if self._renewal is None:
            self._renewal = asyncio.ensure_future(self._renew_groups())

    async def leave_groups(self) -> None:
        renewal, self._renewal = self._renewal, None
        if renewal is not None:
            renewal.cancel()
        groups, self._live_groups = self._live_groups, []
        for group in groups:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception as error:  # noqa: BLE001 - logged, the member expires
                cls = LiveGroupsMixin
                if not cls._leave_failure_logged:
                    cls._leave_failure_logged = True
                    logger.warning(
                        "A socket could not leave its group %s (%s: %s); it expires "
                        "with the group. Further failures are not logged.",
                        group,
                        type(error).__name__,
                        error,
                    )

    async def _renew_groups(self) -> None:
        expiry = getattr(self.channel_layer, "group_expiry", DEFAULT_GROUP_EXPIRY)
        while True:
            await asyncio.sleep(expiry / 3 * random.uniform(0.8, 1.0))
            for group in list(self._live_groups):
                try:
                    await self.channel_layer.group_add(group, self.channel_name)
                except Exception:  # noqa: BLE001 - the next round tries again
                    logger.debug("Could not renew group %s", group, exc_info=True)


def socket_language(query_string: bytes) -> str:
    """The site language a socket asked for (`?lang=fr`), the default otherwise.

    The page says its own language in the socket's address, so what a consumer
    sends in HTML reaches a French page rendered in French whatever the
    browser's own settings (ideas' discussion, a forum topic).
    """
    codes = {code for code, _name in settings.LANGUAGES}
    for pair in query_string.decode("latin-1").split("&"):
        key, _sep, value = pair.partition("=")
        if key == "lang" and value in codes:
            return value
    return settings.LANGUAGE_CODE


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


def _has_session_cookie(scope, cookie_name: str) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"cookie" and f"{cookie_name}=".encode() in value:
            return True
    return False


class SessionAuthMiddleware:
    """Channels' `AuthMiddlewareStack`, skipped for a socket without a session.

    A socket that sends no session cookie can only be anonymous: it gets an empty
    session and `AnonymousUser` at once. Channels' stack would reach them through
    two hops to the one thread all sync code shares, a thousand pages of one
    product connecting at once queueing behind each other there. A socket with a
    session cookie goes through the stack unchanged.
    """

    def __init__(self, inner):
        # Imported once Django is set up (asgi.py builds this after it).
        from channels.auth import AuthMiddlewareStack
        from django.contrib.auth.models import AnonymousUser

        self.inner = inner
        self.with_session = AuthMiddlewareStack(inner)
        self.anonymous = AnonymousUser()
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket" or _has_session_cookie(
            scope, settings.SESSION_COOKIE_NAME
        ):
            return await self.with_session(scope, receive, send)
        scope = {**scope, "session": self.session_store(), "user": self.anonymous}
        return await self.inner(scope, receive, send)
