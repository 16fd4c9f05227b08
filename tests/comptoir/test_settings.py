"""Configuration comes from the environment; production refuses to guess."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"],
    "name": str(db["NAME"]),
    "options": {k: str(v) for k, v in db.get("OPTIONS", {}).items()},
    "cache": settings.CACHES["default"]["BACKEND"],
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "debug": settings.DEBUG,
    "hosts": settings.ALLOWED_HOSTS,
    "email": settings.EMAIL_BACKEND,
}))
"""


def run_with_env(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_"))
    }
    clean.update(env)
    clean["PYTHONPATH"] = "site"
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_under(**env: str) -> dict:
    result = run_with_env(PRINT_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_need_no_server_sqlite_in_wal_with_immediate_transactions():
    seen = settings_under(DJANGO_SETTINGS_MODULE="comptoir.settings.dev")

    assert seen["engine"] == "django.db.backends.sqlite3"
    assert seen["options"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in seen["options"]["init_command"]
    assert "busy_timeout" in seen["options"]["init_command"]
    assert seen["cache"].endswith("LocMemCache")
    assert seen["layer"] == "channels.layers.InMemoryChannelLayer"
    assert seen["debug"] is True
    assert seen["email"].endswith("console.EmailBackend")


def test_database_and_redis_urls_switch_to_postgresql_and_redis():
    seen = settings_under(
        DJANGO_SETTINGS_MODULE="comptoir.settings.dev",
        DATABASE_URL="postgres://shop:secret@db.internal:5432/comptoir",
        REDIS_URL="redis://cache.internal:6379/1",
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="shop.example.com, www.shop.example.com",
    )

    assert seen["engine"] == "django.db.backends.postgresql"
    assert seen["name"] == "comptoir"
    # Django's and channels-redis's backends, carrying on when Redis is down.
    assert seen["cache"] == "comptoir.resilience.ResilientRedisCache"
    assert seen["layer"] == "comptoir.resilience.ResilientRedisChannelLayer"
    assert seen["debug"] is False
    assert seen["hosts"] == ["shop.example.com", "www.shop.example.com"]


def test_a_misspelt_boolean_is_refused_with_its_name():
    result = run_with_env(
        "pass", DJANGO_SETTINGS_MODULE="comptoir.settings.dev", DJANGO_DEBUG="maybe"
    )

    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_with_env("pass", DJANGO_SETTINGS_MODULE="comptoir.settings.production")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_production_settings_pass_the_deploy_check(database, tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    env.update(
        PYTHONPATH="site",
        DJANGO_SETTINGS_MODULE="comptoir.settings.production",
        DJANGO_SECRET_KEY="k" * 20 + "-Zq8#v1!pW3$mT6^rY9&uI2*oP5(aS7)dF0_gH4+jK",
        DJANGO_ALLOWED_HOSTS="shop.example.com",
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
    )
    if database == "postgres":
        env["DATABASE_URL"] = "postgres://shop@127.0.0.1:5432/comptoir"

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
