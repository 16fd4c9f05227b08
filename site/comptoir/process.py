"""What a serving process does once it has loaded the site, before its first request."""

import gc


def loaded_code_freeze() -> None:
    """Keep what the process has loaded out of the garbage collector's walks.

    Django, Wagtail and the apps leave some 250,000 objects (modules, classes,
    compiled URL patterns) that live as long as the process. Each full collection
    walked all of them again, a few times a second under load: measured on an
    uncached article page, a third of its CPU. `gc.freeze()` moves them to a
    generation no collection scans (what Python's documentation advises for
    long-running servers); what requests allocate is still collected as before.
    """
    from django.urls import get_resolver

    # Views and their modules are imported by the URLconf: load them now, so they
    # are frozen too rather than walked from the first request on.
    get_resolver().url_patterns  # noqa: B018
    gc.collect()
    gc.freeze()
