"""Whether this process is up (`/healthz`) and what it needs answers (`/readyz`).

A load balancer or an orchestrator asks `/healthz` to know whether to restart the
process: it touches nothing but the process, so a database outage does not get
every web process restarted in a loop. `/readyz` asks the database, the cache and
the channel layer, each under a short timeout, so a probe never hangs on a dead
host: 200 when all three answer, 503 naming the ones that did not.
"""

from __future__ import annotations

import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from asgiref.sync import async_to_sync
from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import channel_layers
from django.core.cache import caches
from django.db import connections
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from comptoir.resilience import ResilientRedisCache, ResilientRedisChannelLayer

logger = logging.getLogger("comptoir.health")

# Each check gets this long; they run side by side, so a probe answers within it.
CHECK_SECONDS = 2.0


@never_cache
def healthz(request):
    """The process answers: no database, no cache, nothing else asked."""
    return HttpResponse("ok", content_type="text/plain")


def check_database() -> None:
    # Run in a thread of its own: a connection of its own, closed afterwards.
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connections.close_all()


def check_cache() -> None:
    key = f"comptoir:readyz:{uuid.uuid4().hex}"
    cache = caches["default"]
    # The resilient cache falls back on memory while Redis is down: readiness is
    # whether Redis itself answers, so ask Django's Redis backend underneath it.
    backend = (
        super(ResilientRedisCache, cache)
        if isinstance(cache, ResilientRedisCache)
        else cache
    )
    backend.set(key, "ok", timeout=10)
    if backend.get(key) != "ok":
        raise RuntimeError("the cache did not keep what it was given")
    backend.delete(key)


def check_channel_layer() -> None:
    # A layer of its own, on its own event loop: the process's layer may be
    # receiving for its sockets on another loop, which channels-redis refuses.
    layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
    # The resilient layer drops messages while Redis is down: go past it.
    own = (
        super(ResilientRedisChannelLayer, layer)
        if isinstance(layer, ResilientRedisChannelLayer)
        else layer
    )

    async def round_trip():
        try:
            channel = await own.new_channel("readyz")
            await own.send(channel, {"type": "readyz.check"})
            message = await own.receive(channel)
            if message.get("type") != "readyz.check":
                raise RuntimeError("the channel layer returned another message")
        finally:
            if hasattr(layer, "close_pools"):
                await layer.close_pools()

    async_to_sync(round_trip)()


def readiness(timeout: float = CHECK_SECONDS) -> dict[str, str]:
    """{"database": "ok", "cache": "ok", "channels": "ok"}, or what failed instead
    ("timeout", or the error's class name: details go to the log, not the page)."""
    checks = {
        "database": check_database,
        "cache": check_cache,
        "channels": check_channel_layer,
    }
    results: dict[str, str] = {}
    # Not a `with` block: a check stuck on a dead host must not hold the answer.
    pool = ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="readyz")
    try:
        futures = {name: pool.submit(check) for name, check in checks.items()}
        deadline = time.monotonic() + timeout
        for name, future in futures.items():
            try:
                future.result(timeout=max(0.0, deadline - time.monotonic()))
            except FutureTimeout:
                results[name] = "timeout"
                logger.warning("Readiness: %s did not answer in %s s.", name, timeout)
            except Exception as error:  # noqa: BLE001 — any failure means not ready
                results[name] = type(error).__name__
                logger.warning(
                    "Readiness: %s failed (%s: %s).", name, type(error).__name__, error
                )
            else:
                results[name] = "ok"
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return results


@never_cache
def readyz(request):
    """200 when the database, the cache and the channel layer answer, else 503."""
    results = readiness()
    ready = all(value == "ok" for value in results.values())
    return JsonResponse(results, status=200 if ready else 503)
