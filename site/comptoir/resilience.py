"""When Redis stops answering, the site carries on without it.

Redis holds two things here, and losing either must not fail a request:

- the cache (`ResilientRedisCache`): while Redis is down every call is served from
  this process's memory instead, so pages render (Wagtail's site paths, review
  cards), and rate limits keep counting, per process (README, "Operations");
- the channel layer (`ResilientRedisChannelLayer`): a broadcast is dropped, and a
  socket is closed with 4503 "try again later" (`ChannelLayerOutageGuard`), so
  the page's script reconnects once Redis is back and catches up.

Both sit in the settings (`CACHES`, `CHANNEL_LAYERS`, built by
`comptoir.env.redis_settings`), so every caller is covered, Wagtail's and
allauth's included, without a try/except of its own. Each keeps an `Outage`: one
log line when Redis stops answering and one when it answers again, never a stack
trace per request; meanwhile Redis is tried again every `retry_seconds` only, so
no page waits on a dead host more than once.
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlsplit

from channels_redis.core import RedisChannelLayer
from channels_redis.utils import create_pool
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.asyncio import BlockingConnectionPool
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger("comptoir.outages")

# What "Redis does not answer" looks like: refused, reset, timed out, or loading.
REDIS_DOWN_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
DEFAULT_RETRY_SECONDS = 5.0
# The fallback of the cache: enough for a few pages' cards and the rate limits.
FALLBACK_MAX_ENTRIES = 1000
# "Try again later", in the application's range like moderation's 4403 (Daphne
# refuses to send RFC 6455's own 1013). The pages' script reconnects with backoff.
CLOSE_TRY_AGAIN_LATER = 4503
# Pooled connections that Redis dropped while it was away fail on first use: each
# command gets a second try, on a fresh connection, before Redis is called down.
RETRIES = 1


class Outage:
    """Whether one service answers, as this process last saw it.

    After a failure the service is left alone for `retry_seconds`: every call in
    that window takes the fallback at once. The first call after it tries again.
    One warning when the service stops answering, one when it answers again.
    """

    def __init__(self, label: str, *, consequence: str, retry_seconds: float):
        self.label = label
        self.consequence = consequence
        self.retry_seconds = retry_seconds
        self._down_since: float | None = None
        self._retry_at = 0.0
        self._lock = threading.Lock()

    def should_try(self) -> bool:
        """True unless the service failed less than `retry_seconds` ago."""
        return self._down_since is None or time.monotonic() >= self._retry_at

    def failed(self, error: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            first = self._down_since is None
            if first:
                self._down_since = now
            self._retry_at = now + self.retry_seconds
        if first:
            logger.warning(
                "%s does not answer (%s: %s): %s until it is back.",
                self.label,
                type(error).__name__,
                error,
                self.consequence,
            )

    def answered(self) -> None:
        if self._down_since is None:
            return
        with self._lock:
            if self._down_since is None:
                return
            seconds = time.monotonic() - self._down_since
            self._down_since = None
        # A warning too, so the default log level shows when the outage ended.
        logger.warning("%s answers again, after %.0f s.", self.label, seconds)


_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def outage_of(label: str, *, consequence: str, retry_seconds: float) -> Outage:
    """The one `Outage` of a service in this process (Django makes a cache backend
    per thread: they share it, so an outage is logged once, not once a thread)."""
    with _outages_lock:
        if label not in _outages:
            _outages[label] = Outage(
                label, consequence=consequence, retry_seconds=retry_seconds
            )
        return _outages[label]


def redis_address(url: str) -> str:
    """host:port/db of a Redis URL, without its credentials, for log lines."""
    parts = urlsplit(url)
    return parts.netloc.rpartition("@")[2] + parts.path


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, served from this process's memory while Redis is down.

    OPTIONS may hold RETRY_SECONDS; the rest goes to Redis's connection pool as
    with Django's own backend. What is written during an outage stays in the
    process's memory and is not copied to Redis when it answers again.
    """

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        retry_seconds = float(options.pop("RETRY_SECONDS", DEFAULT_RETRY_SECONDS))
        options.setdefault("retry", Retry(NoBackoff(), RETRIES))
        super().__init__(server, {**params, "OPTIONS": options})
        locations = server if isinstance(server, str) else ",".join(server)
        # LocMemCache keeps its entries per name, for the whole process: every
        # thread's backend falls back on the same memory.
        self.fallback = LocMemCache(
            f"comptoir-fallback:{locations}:{self.key_prefix}",
            {**params, "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}},
        )
        self.outage = outage_of(
            f"The cache (Redis at {redis_address(self._servers[0])})",
            consequence="pages are cached, and rate limits counted, in each "
            "process's memory",
            retry_seconds=retry_seconds,
        )

    def _call(self, method: str, *args, **kwargs):
        if self.outage.should_try():
            try:
                result = getattr(super(), method)(*args, **kwargs)
            except REDIS_DOWN_ERRORS as error:
                self.outage.failed(error)
            else:
                self.outage.answered()
                return result
        return getattr(self.fallback, method)(*args, **kwargs)

    # Every other method of Django's cache API (get_or_set, decr, the async
    # ones…) is built on these.
    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self, *args, **kwargs):
        self.fallback.clear()
        return self._call("clear", *args, **kwargs)


class ChannelLayerUnavailable(Exception):
    """The channel layer does not answer: a socket cannot be live right now."""


class ResilientRedisChannelLayer(RedisChannelLayer):
    """channels-redis's layer, which drops what it cannot send while Redis is down.

    Broadcasts (`send`, `group_send`) are dropped and a socket leaving its group
    is let go; joining a group or waiting for messages raises
    `ChannelLayerUnavailable`, which `ChannelLayerOutageGuard` turns into a
    close. CONFIG may hold `retry_seconds`.
    """

    def __init__(self, *args, retry_seconds: float = DEFAULT_RETRY_SECONDS, **kwargs):
        super().__init__(*args, **kwargs)
        addresses = ", ".join(
            redis_address(host["address"])
            if "address" in host
            else f"{host.get('host')}:{host.get('port')}"
            for host in self.hosts
        )
        self.outage = outage_of(
            f"The channel layer (Redis at {addresses})",
            consequence="live updates are dropped and sockets closed",
            retry_seconds=retry_seconds,
        )

    def create_pool(self, index):
        host = {"retry": AsyncRetry(NoBackoff(), RETRIES), **self.hosts[index]}
        wait = host.pop("pool_wait_seconds", None)
        if "address" not in host or wait is None:
            return create_pool(host)
        # redis-py's own pool raises MaxConnectionsError once it is full, which
        # would fail a burst of connects as if Redis were down: this one waits.
        return BlockingConnectionPool.from_url(
            host.pop("address"), timeout=wait, **host
        )

    async def _call(self, method: str, *args, drop: bool):
        if not self.outage.should_try():
            if drop:
                return None
            raise ChannelLayerUnavailable(self.outage.label)
        try:
            result = await getattr(super(), method)(*args)
        except REDIS_DOWN_ERRORS as error:
            self.outage.failed(error)
            if drop:
                return None
            raise ChannelLayerUnavailable(self.outage.label) from error
        self.outage.answered()
        return result

    async def send(self, channel, message):
        return await self._call("send", channel, message, drop=True)

    async def group_send(self, group, message):
        return await self._call("group_send", group, message, drop=True)

    async def group_discard(self, group, channel):
        return await self._call("group_discard", group, channel, drop=True)

    async def group_add(self, group, channel):
        return await self._call("group_add", group, channel, drop=False)

    async def receive(self, channel):
        return await self._call("receive", channel, drop=False)


class ChannelLayerOutageGuard:
    """ASGI middleware: a socket whose channel layer is down is closed, not crashed.

    The socket is accepted (if it was not yet) and closed with 4503 "try again
    later", whatever its consumer: the pages' script reconnects with backoff, a
    refused handshake would make some of them stop trying. The consumer sent
    nothing before, so accepting first lets no one see anything.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        state = {"accepted": False, "closed": False}

        async def tracked_receive():
            message = await receive()
            if message["type"] == "websocket.disconnect":
                state["closed"] = True
            return message

        async def tracked_send(message):
            if message["type"] == "websocket.accept":
                state["accepted"] = True
            elif message["type"] == "websocket.close":
                state["closed"] = True
            await send(message)

        try:
            return await self.app(scope, tracked_receive, tracked_send)
        except ChannelLayerUnavailable:
            # Logged once by the layer's Outage; nothing more to say per socket.
            if state["closed"]:
                return None
            if not state["accepted"]:
                await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER})
            return None
