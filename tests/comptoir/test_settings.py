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
    # Printed to the console and kept in ./sent_emails/ (comptoir/mail.py).
    assert seen["email"] == "comptoir.mail.ConsoleAndFileEmailBackend"


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


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "comptoir.settings.production",
    "DJANGO_SECRET_KEY": "k" * 20 + "-Zq8#v1!pW3$mT6^rY9&uI2*oP5(aS7)dF0_gH4+jK",
    "DATABASE_URL": "postgres://shop@127.0.0.1:5432/comptoir",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}
REQUIRED_IN_PRODUCTION = ["DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL"]


def test_production_refuses_to_start_naming_every_missing_variable():
    result = run_with_env("pass", DJANGO_SETTINGS_MODULE="comptoir.settings.production")

    assert result.returncode != 0
    assert "ImproperlyConfigured: Production settings need" in result.stderr
    for name in REQUIRED_IN_PRODUCTION:
        assert name in result.stderr


@pytest.mark.parametrize("missing", REQUIRED_IN_PRODUCTION)
def test_production_names_the_one_variable_missing(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}

    result = run_with_env("pass", **env)

    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert missing in message
    assert not [name for name in env if name in message and name != missing]


def test_production_refuses_sqlite():
    result = run_with_env("pass", **{**PRODUCTION, "DATABASE_URL": "sqlite:///x.db"})

    assert result.returncode != 0
    assert "DATABASE_URL must point at PostgreSQL" in result.stderr


def settings_values(expressions: dict[str, str], **env: str) -> dict:
    """The values of settings expressions (`settings.X[...]`) under `env`."""
    pairs = ", ".join(f"{name!r}: {value}" for name, value in expressions.items())
    code = (
        "import json\nfrom django.conf import settings\n"
        f"print(json.dumps({{{pairs}}}, default=str))"
    )
    result = run_with_env(code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


COOKIES = {
    "redirect": "settings.SECURE_SSL_REDIRECT",
    "session": "settings.SESSION_COOKIE_SECURE",
    "csrf": "settings.CSRF_COOKIE_SECURE",
}


def test_production_cookies_are_secure_with_the_https_redirect():
    assert settings_values(COOKIES, **PRODUCTION) == {
        "redirect": True,
        "session": True,
        "csrf": True,
    }


def test_plain_http_on_127_0_0_1_keeps_cookies_a_browser_sends_back():
    seen = settings_values(COOKIES, **PRODUCTION, SECURE_SSL_REDIRECT="false")

    assert seen == {"redirect": False, "session": False, "csrf": False}


def test_production_settings_pass_the_deploy_check():
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    env.update(
        PYTHONPATH="site",
        **PRODUCTION,
        DJANGO_ALLOWED_HOSTS="shop.example.com",
    )

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


# --- At scale, by settings only ---------------------------------------------------

DEV = {"DJANGO_SETTINGS_MODULE": "comptoir.settings.dev"}
POSTGRES = {**DEV, "DATABASE_URL": "postgres://shop@db.internal:5432/comptoir"}
DATABASE = {
    "default": "settings.DATABASES['default']",
    "routers": "settings.DATABASE_ROUTERS",
    "aliases": "sorted(settings.DATABASES)",
}


def test_postgresql_gets_a_connect_timeout_and_no_pool_by_default():
    seen = settings_values(DATABASE, **POSTGRES)

    assert seen["default"]["OPTIONS"] == {"connect_timeout": 5}
    assert seen["default"]["CONN_MAX_AGE"] == 0
    assert seen["aliases"] == ["default"]
    assert seen["routers"] == []


def test_persistent_connections_come_with_health_checks():
    seen = settings_values(DATABASE, **POSTGRES, DATABASE_CONN_MAX_AGE="60")

    assert seen["default"]["CONN_MAX_AGE"] == 60
    assert seen["default"]["CONN_HEALTH_CHECKS"] is True


def test_database_pool_switches_psycopgs_pool_on_and_persistence_off():
    seen = settings_values(
        DATABASE,
        **POSTGRES,
        DATABASE_POOL="true",
        DATABASE_POOL_MAX_SIZE="8",
        DATABASE_CONN_MAX_AGE="60",
    )

    assert seen["default"]["OPTIONS"]["pool"] == {
        "min_size": 1,
        "max_size": 8,
        "timeout": 10,
    }
    # Django refuses a pool beside persistent connections.
    assert seen["default"]["CONN_MAX_AGE"] == 0


def test_a_read_replica_gets_its_alias_and_the_router():
    seen = settings_values(
        DATABASE,
        **POSTGRES,
        DATABASE_REPLICA_URL="postgres://reader@replica.internal:5432/comptoir",
    )

    assert seen["aliases"] == ["default", "replica"]
    assert seen["routers"] == ["comptoir.db_router.ReplicaRouter"]


MEDIA = {
    "storages": "settings.STORAGES",
    "media_url": "settings.MEDIA_URL",
    "serve_media": "settings.SERVE_MEDIA",
    "img_src": "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']",
}


def test_media_stay_on_disk_by_default():
    seen = settings_values(MEDIA, **DEV)

    assert seen["storages"]["default"]["BACKEND"].endswith("FileSystemStorage")
    assert seen["serve_media"] is True


def test_a_bucket_puts_media_and_private_media_on_s3_apart():
    seen = settings_values(
        MEDIA,
        **DEV,
        AWS_STORAGE_BUCKET_NAME="comptoir-media",
        AWS_PRIVATE_STORAGE_BUCKET_NAME="comptoir-private",
        AWS_S3_ENDPOINT_URL="https://s3.fr-par.example.com",
    )

    public, private = seen["storages"]["default"], seen["storages"]["private_media"]
    assert public["BACKEND"] == private["BACKEND"] == "storages.backends.s3.S3Storage"
    assert public["OPTIONS"]["bucket_name"] == "comptoir-media"
    assert public["OPTIONS"]["querystring_auth"] is False
    assert private["OPTIONS"]["bucket_name"] == "comptoir-private"
    assert private["OPTIONS"]["querystring_auth"] is True
    assert private["OPTIONS"]["default_acl"] == "private"
    assert seen["media_url"] == "https://s3.fr-par.example.com/comptoir-media/"
    assert "https://s3.fr-par.example.com" in seen["img_src"]
    assert seen["serve_media"] is False


def test_s3_storage_loads_without_touching_the_network():
    code = (
        "from django.core.files.storage import storages\n"
        "print(type(storages['default']).__name__, storages['default'].location)"
    )
    result = run_with_env(code, **DEV, MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="b")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["S3Storage", "media"]


def test_search_url_switches_wagtail_to_elasticsearch_or_opensearch():
    search = {"search": "settings.WAGTAILSEARCH_BACKENDS['default']"}

    default = settings_values(search, **DEV)["search"]
    elastic = settings_values(search, **DEV, SEARCH_URL="http://es.internal:9200")
    opensearch = settings_values(
        search, **DEV, SEARCH_URL="https://os.internal", SEARCH_BACKEND="opensearch2"
    )

    assert default["BACKEND"] == "wagtail.search.backends.database"
    assert elastic["search"]["BACKEND"] == "wagtail.search.backends.elasticsearch8"
    assert elastic["search"]["URLS"] == ["http://es.internal:9200"]
    assert opensearch["search"]["BACKEND"] == "wagtail.search.backends.opensearch2"


def test_a_search_engine_without_its_client_is_a_clear_check_error():
    result = run_with_env(
        "from django.core.management import call_command\ncall_command('check')",
        **DEV,
        SEARCH_URL="http://es.internal:9200",
    )

    if "comptoir.E001" not in result.stderr:
        pytest.skip("the Elasticsearch client is installed here")
    assert 'pip install "elasticsearch>=8,<9"' in result.stderr


def test_live_socket_url_on_another_port_opens_connect_src_to_it():
    seen = settings_values(
        {"connect": "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['connect-src']"},
        **DEV,
        LIVE_SOCKET_URL=":8001",
        DJANGO_ALLOWED_HOSTS="shop.example.com,.shop.example",
    )

    assert seen["connect"] == [
        "'self'",
        "ws://*.shop.example:8001",
        "ws://shop.example.com:8001",
        "wss://*.shop.example:8001",
        "wss://shop.example.com:8001",
    ]


def test_sockets_stay_on_the_pages_origin_by_default():
    seen = settings_values(
        {"connect": "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['connect-src']"},
        **DEV,
    )

    assert seen["connect"] == ["'self'"]
