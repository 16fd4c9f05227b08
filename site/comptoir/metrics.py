"""Prometheus metrics (METRICS_ENABLED): requests and latencies, tasks, open sockets.

django-prometheus counts requests and their latencies (its two middlewares wrap
MIDDLEWARE, settings/base.py). This module adds what it does not know: background
tasks by status, counted from the database at each scrape, and the websockets
open in this process, counted by an ASGI middleware (asgi.py).

Under `make serve-prod` every process writes its figures to PROMETHEUS_MULTIPROC_DIR
(manage.py serve_prod empties it at start) and `/metrics`, served by any gunicorn
worker, adds up all of them, Daphne's sockets included. `/metrics` answers only the
addresses in METRICS_ALLOWED_IPS; to anyone else it does not exist.
"""

from __future__ import annotations

import logging
import os

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Gauge,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger("comptoir.metrics")

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Any process of the deployment may be the first one to write there.
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

# "livesum": the sum over the processes alive now (a restarted Daphne's old
# sockets do not count).
OPEN_SOCKETS = Gauge(
    "comptoir_websockets_open",
    "Websockets accepted and not yet closed.",
    multiprocess_mode="livesum",
)


class TaskCollector:
    """Background tasks by status, read from the database at each scrape."""

    def collect(self):
        from comptoir.models import BackgroundJob

        family = GaugeMetricFamily(
            "comptoir_background_tasks",
            "Background tasks in the database, by status.",
            labels=["status"],
        )
        try:
            counts = dict(
                BackgroundJob.objects.order_by()
                .values_list("status")
                .annotate(n=Count("pk"))
                .values_list("status", "n")
            )
        except DatabaseError as error:
            # The scrape still reports requests and sockets; /readyz says why.
            logger.warning("No task counts for the metrics: %s", error)
            return
        for status, _label in BackgroundJob._meta.get_field("status").choices:
            family.add_metric([status], counts.get(status, 0))
        yield family


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def client_allowed(request) -> bool:
    return request.META.get("REMOTE_ADDR", "") in settings.METRICS_ALLOWED_IPS


@never_cache
def metrics_view(request):
    """Prometheus's text format, for the allowed addresses only (404 otherwise)."""
    if not client_allowed(request):
        raise Http404
    tasks = CollectorRegistry(auto_describe=False)
    tasks.register(TaskCollector())
    body = generate_latest(_registry()) + generate_latest(tasks)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


class OpenSocketsGauge:
    """ASGI middleware: counts each websocket from its accept to its end."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        accepted = False

        async def counting_send(message):
            nonlocal accepted
            if message["type"] == "websocket.accept" and not accepted:
                accepted = True
                OPEN_SOCKETS.inc()
            await send(message)

        try:
            return await self.app(scope, receive, counting_send)
        finally:
            if accepted:
                OPEN_SOCKETS.dec()


def count_open_sockets(app):
    """`app`, counting its open websockets when metrics are on."""
    return OpenSocketsGauge(app) if settings.METRICS_ENABLED else app
