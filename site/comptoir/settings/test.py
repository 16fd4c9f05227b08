"""The pytest suite: fast hashing, e-mail kept in memory, English strings."""

import tempfile
import uuid

from comptoir.env import env_str

from .base import *  # noqa: F403
from .base import CACHES, CHANNEL_LAYERS, DATABASES

DEBUG = False
SECRET_KEY = "test-only-key"
LANGUAGE_CODE = "en"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Each run uploads into a folder of its own, removed when the run ends.
MEDIA_ROOT = env_str("TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="comptoir-media-")
PRIVATE_MEDIA_ROOT = f"{str(MEDIA_ROOT).rstrip('/')}-private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private_media": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
# Off but in the page cache's own tests (tests/comptoir/test_page_cache.py, which
# turn it on): pages are forgotten when a change *commits*, and a test's changes
# never commit unless it captures the commit callbacks; many tests read a page,
# change data (with factories, or hooks registered for the test) and read it again.
# The headers it sends (Cache-Control, Vary) are sent either way.
PAGE_CACHE_ENABLED = False

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django empties the test database with TRUNCATE between transactional tests;
    # the ledger's and sales' triggers refuse TRUNCATE unless the session allows it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c comptoir.allow_truncate=on"
    )

if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # A prefix of this run's own: tests never see, or clear, anyone else's keys.
    _run = uuid.uuid4().hex[:12]
    CACHES["default"]["KEY_PREFIX"] = f"comptoir-test-{_run}"
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"comptoir-test-{_run}"
