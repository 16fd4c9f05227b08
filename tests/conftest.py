import shutil

import pytest
from django.conf import settings


@pytest.fixture(autouse=True, scope="session")
def _clean_test_media():
    """Uploaded files of a run never leak into the next one."""
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, so rate limits never leak between tests.

    On Redis the suite's keys carry a per-run prefix (settings/test.py): only those
    are deleted, never the rest of the server.
    """
    from django.core.cache import cache

    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
    else:
        cache.clear()
    yield
