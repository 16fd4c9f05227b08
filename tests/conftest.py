import datetime as dt
import shutil

import pytest
import time_machine
from django.conf import settings
from redis.exceptions import ConnectionError as RedisConnectionError

# The suite runs at this instant, whatever day it is run on, and the clock ticks on
# from there (waits, rate limits and cache expiry behave). A test that needs another
# moment travels there itself or passes `now` to the service it calls.
SUITE_NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True, scope="session")
def suite_clock():
    """The suite's clock, set to `SUITE_NOW` before any fixture or test runs.

    Session-wide, so fixtures shared by a module (the demo content) are built on
    the same day as the tests that read them. Browser tests drive a site that runs
    in its own process, on the real clock; their own code reads no date.
    """
    with time_machine.travel(SUITE_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True, scope="session")
def _clean_test_media():
    """Uploaded files of a run never leak into the next one."""
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's default language. A request in French leaves
    French active in its thread (LocaleMiddleware activates, nothing deactivates),
    and a service called after it would write French notification titles."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, so rate limits never leak between tests.

    On Redis the suite's keys carry a per-run prefix (settings/test.py): only those
    are deleted, never the rest of the server.
    """
    from django.core.cache import cache

    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        # What the cache kept in memory while Redis was down (comptoir/resilience).
        fallback = getattr(cache, "fallback", None)
        if fallback is not None:
            fallback.clear()
        try:
            client = cache._cache.get_client(write=True)
            for key in client.scan_iter(match=f"{prefix}:*"):
                client.delete(key)
        except RedisConnectionError:
            pass  # A Redis that does not answer holds nothing of this run.
    else:
        cache.clear()
    # A test's transaction is rolled back, so the page-cache tags it collected are
    # never sent; without this the next test that commits would send them too.
    from comptoir import page_cache

    page_cache._batches.__dict__.clear()
    yield
