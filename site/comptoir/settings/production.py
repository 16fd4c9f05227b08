"""Production: PostgreSQL, Redis and a secret key required; secure cookies and headers.

`make serve-prod` runs with these (README, "Deploying").
"""

import os

from django.core.exceptions import ImproperlyConfigured

from comptoir.env import env_bool, env_int, env_str

from .base import *  # noqa: F403
from .base import DATABASES, tasks_setting

# Several processes share the sessions, the cache, the live updates and the task
# queue: SQLite and in-memory layers cannot; and a secret key is never invented.
REQUIRED = {
    "DJANGO_SECRET_KEY": "the key that signs sessions and tokens",
    "DATABASE_URL": "a PostgreSQL database, postgres://user:password@host:5432/name",
    "REDIS_URL": "Redis for the cache and the live updates, redis://host:6379/0",
}
_missing = [name for name in REQUIRED if not os.environ.get(name, "").strip()]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need "
        + "; ".join(f"{name} ({REQUIRED[name]})" for name in _missing)
        + ": not set. Production refuses to invent a secret key or to run "
        "without PostgreSQL and Redis."
    )
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "DATABASE_URL must point at PostgreSQL in production (postgres://…), not "
        f"{DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}."
    )

DEBUG = False
WHITENOISE_USE_FINDERS = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# A load balancer probes over plain HTTP: the probes are not redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Secure cookies follow the HTTPS redirect: with SECURE_SSL_REDIRECT=false (trying
# it over plain HTTP on 127.0.0.1) a browser would drop secure cookies, and no one
# could log in. Either can be set on its own.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", SECURE_SSL_REDIRECT)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SECURE_SSL_REDIRECT)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Jobs wait in the database for `manage.py tasks_worker`; a request never runs them.
TASKS = tasks_setting(env_str("TASKS_BACKEND", "database"))
