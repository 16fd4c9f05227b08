"""While the database does not answer, pages say so with a 503, not a stack trace.

`DatabaseOutageMiddleware` turns a database that cannot be reached (refused,
timed out, a dropped connection, a full pool) raised by a view or its template
into a small "back in a moment" page, status 503 with `Retry-After`, rendered
without the database (no session, no user, no context processor). The same
errors raised elsewhere in the middleware stack (a session saved on the way
out) reach Django's 500 handler: `server_error` answers them the same way.

One warning is logged when the database stops answering and one when it answers
again (comptoir.resilience.Outage), not a traceback per request. `/readyz`
(comptoir/health.py) says which part does not answer.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views import defaults

from comptoir.resilience import outage_of

# Long enough for a database restart or a failover; browsers and proxies may honour it.
RETRY_AFTER_SECONDS = 30
# SQLite reports a programming mistake ("no such table", a syntax error) with the
# same class as a locked or missing file: those stay a 500, they will not heal.
SQLITE_BUGS = ("no such ", "syntax error", "has no column", "near ")


def _driver_errors() -> tuple[type[BaseException], ...]:
    # psycopg's own errors, for those that escape Django's wrapper (pool timeouts
    # raised while connecting); absent on an SQLite-only install.
    try:
        import psycopg
    except ImportError:
        return ()
    return (psycopg.OperationalError, psycopg.InterfaceError)


DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError, *_driver_errors())


def database_outage():
    return outage_of(
        "The database",
        consequence="pages answer 503 and /readyz reports it",
        retry_seconds=0,
    )


def is_database_down(error: BaseException | None) -> bool:
    """Whether `error` means the database cannot be reached right now."""
    if not isinstance(error, DATABASE_DOWN_ERRORS):
        return False
    if connections[DEFAULT_DB_ALIAS].vendor == "sqlite":
        return not str(error).lower().startswith(SQLITE_BUGS)
    return True


def unavailable_response(request) -> HttpResponse:
    """The 503 answer: JSON for the API, a page of its own for everyone else."""
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {"detail": gettext("The service is unavailable for a moment.")},
            status=503,
        )
    else:
        # No request in the context: context processors would ask the database.
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # A proxy must not keep the outage once the database is back.
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """A view that cannot reach the database answers 503 with `Retry-After`."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.outage = database_outage()

    def __call__(self, request):
        response = self.get_response(request)
        # Back only once a request really used a connection and succeeded (a no-op
        # while the database was never down).
        if response.status_code < 500 and any(
            conn.connection is not None
            for conn in connections.all(initialized_only=True)
        ):
            self.outage.answered()
        return response

    def process_exception(self, request, exception):
        if settings.DEBUG or not is_database_down(exception):
            return None
        self.outage.failed(exception)
        return unavailable_response(request)


def server_error(request, template_name="500.html"):
    """Django's 500 handler, but a 503 when the error was the database being down."""
    error = sys.exc_info()[1]
    if is_database_down(error):
        database_outage().failed(error)
        return unavailable_response(request)
    return defaults.server_error(request, template_name=template_name)
