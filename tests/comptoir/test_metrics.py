"""Prometheus metrics: off by default; with METRICS_ENABLED, for allowed addresses."""

import asyncio
import importlib
import json

import pytest
from django.urls import clear_url_caches

from comptoir import metrics
from tests.comptoir.test_settings import run_with_env


@pytest.fixture
def metrics_on(settings):
    """The settings and URLs of METRICS_ENABLED=true, for this test only."""
    import comptoir.urls

    settings.METRICS_ENABLED = True
    settings.MIDDLEWARE = [
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *settings.MIDDLEWARE,
        "django_prometheus.middleware.PrometheusAfterMiddleware",
    ]
    importlib.reload(comptoir.urls)
    clear_url_caches()
    yield
    settings.METRICS_ENABLED = False
    importlib.reload(comptoir.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_metrics_show_requests_and_tasks_to_an_allowed_address(client, metrics_on):
    client.get("/healthz")

    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")

    assert response.status_code == 200
    body = response.content.decode()
    assert "django_http_requests_total" in body
    assert "django_http_requests_latency_seconds" in body
    assert 'comptoir_background_tasks{status="failed"} 0.0' in body
    assert "comptoir_websockets_open" in body


@pytest.mark.django_db
def test_metrics_do_not_exist_for_other_addresses(client, metrics_on):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 404


def test_the_socket_gauge_counts_a_socket_from_accept_to_close():
    async def consumer(scope, receive, send):
        await send({"type": "websocket.accept"})
        seen.append(metrics.OPEN_SOCKETS._value.get())
        await send({"type": "websocket.close"})

    async def receive():
        return {"type": "websocket.connect"}

    async def send(message):
        pass

    seen = []
    before = metrics.OPEN_SOCKETS._value.get()
    gauged = metrics.OpenSocketsGauge(consumer)
    asyncio.run(gauged({"type": "websocket"}, receive, send))

    assert seen == [before + 1]
    assert metrics.OPEN_SOCKETS._value.get() == before


PRINT_MIDDLEWARE = """
import json
from django.conf import settings
print(json.dumps({"middleware": settings.MIDDLEWARE, "apps": settings.INSTALLED_APPS}))
"""


@pytest.mark.parametrize("enabled", [True, False])
def test_metrics_middlewares_wrap_all_the_others_only_when_enabled(enabled):
    env = {"DJANGO_SETTINGS_MODULE": "comptoir.settings.dev"}
    if enabled:
        env["METRICS_ENABLED"] = "true"
    result = run_with_env(PRINT_MIDDLEWARE, **env)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    first, last = seen["middleware"][0], seen["middleware"][-1]

    wrapped = first.endswith("BeforeMiddleware") and last.endswith("AfterMiddleware")
    assert wrapped is enabled
    assert ("django_prometheus" in seen["apps"]) is enabled
