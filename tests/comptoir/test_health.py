"""/healthz, /readyz, and 503 pages while the database does not answer."""

import json
import time
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory

from comptoir import db_outage, health
from tests.comptoir.test_settings import run_with_env


@pytest.mark.django_db
def test_healthz_answers_ok_without_touching_the_database(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


@pytest.mark.django_db(transaction=True)
def test_readyz_says_database_cache_and_channels_answer(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "channels": "ok"}


def test_readyz_names_what_failed_and_answers_503(client, monkeypatch):
    def refused():
        raise OperationalError("connection refused")

    monkeypatch.setattr(health, "check_database", refused)
    monkeypatch.setattr(health, "check_cache", lambda: None)
    monkeypatch.setattr(health, "check_channel_layer", lambda: None)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "database": "OperationalError",
        "cache": "ok",
        "channels": "ok",
    }


def test_readyz_does_not_wait_on_a_check_that_hangs(monkeypatch):
    monkeypatch.setattr(health, "check_database", lambda: None)
    monkeypatch.setattr(health, "check_cache", lambda: time.sleep(3))
    monkeypatch.setattr(health, "check_channel_layer", lambda: None)

    results = health.readiness(timeout=0.2)

    assert results == {"database": "ok", "cache": "timeout", "channels": "ok"}


def test_a_view_that_cannot_reach_the_database_answers_a_503_page(settings):
    settings.ALLOWED_HOSTS = ["*"]
    request = RequestFactory().get("/products/")
    middleware = db_outage.DatabaseOutageMiddleware(lambda request: None)

    response = middleware.process_exception(
        request, OperationalError("could not connect to server: Connection refused")
    )

    assert response.status_code == 503
    assert response["Retry-After"] == str(db_outage.RETRY_AFTER_SECONDS)
    assert "Back in a moment" in response.content.decode()


def test_the_500_handler_answers_503_for_a_database_outage_met_in_a_middleware():
    request = RequestFactory().get("/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = db_outage.server_error(request)

    assert response.status_code == 503
    assert "Back in a moment" in response.content.decode()


def test_the_api_gets_its_503_as_json():
    request = RequestFactory().get("/api/v1/products/")

    response = db_outage.unavailable_response(request)

    assert response.status_code == 503
    assert json.loads(response.content)["detail"]


@pytest.mark.parametrize(
    "error, down",
    [
        (OperationalError("database is locked"), True),
        (OperationalError("unable to open database file"), True),
        # Programming mistakes on SQLite share the class: they stay a 500.
        (OperationalError("no such table: catalog_product"), False),
        (ValueError("not a database error"), False),
    ],
)
def test_which_errors_mean_the_database_is_down_on_sqlite(error, down):
    with mock.patch.object(db_outage.connections["default"], "vendor", "sqlite"):
        assert db_outage.is_database_down(error) is down


# The real thing: settings whose PostgreSQL does not listen, pages asked for.
PAGES_WITHOUT_DATABASE = """
import json
from django.test import Client
client = Client(raise_request_exception=False)
seen = {}
paths = ["/", "/products/", "/articles/", "/api/v1/products/", "/healthz", "/readyz"]
for path in paths:
    response = client.get(path, HTTP_HOST="127.0.0.1")
    seen[path] = {
        "status": response.status_code,
        "retry_after": response.get("Retry-After"),
        "body": response.content.decode()[:2000],
    }
print(json.dumps(seen))
"""


def test_with_the_database_unreachable_pages_answer_503_and_readyz_says_why():
    result = run_with_env(
        PAGES_WITHOUT_DATABASE,
        DJANGO_SETTINGS_MODULE="comptoir.settings.dev",
        DJANGO_DEBUG="false",
        # A port where nothing listens: connections are refused at once.
        DATABASE_URL="postgres://nobody@127.0.0.1:9/comptoir",
        # The page in the suite's language, whatever the site's default.
        DJANGO_LANGUAGE_CODE="en",
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    for path in ["/", "/products/", "/articles/"]:
        assert seen[path]["status"] == 503, path
        assert seen[path]["retry_after"] == "30"
        assert "Back in a moment" in seen[path]["body"]
        assert "Traceback" not in seen[path]["body"]
    assert seen["/api/v1/products/"]["status"] in (401, 503)
    assert seen["/healthz"]["status"] == 200
    assert seen["/readyz"]["status"] == 503
    assert json.loads(seen["/readyz"]["body"])["database"] == "OperationalError"
    # One line when the database stops answering, not a traceback per page.
    assert result.stderr.count("The database does not answer") == 1
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_metrics_are_off_by_default():
    response = Client().get("/metrics", HTTP_HOST="127.0.0.1", follow=True)

    assert response.status_code == 404
