"""The integration API for the retailer's systems, versioned under /api/v1/.

Docs at /api/v1/docs use the Swagger UI files shipped with django-ninja (it is an
installed app), so they work without internet access.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import ValidationError

from marketplace.catalog.api import router as catalog_router
from marketplace.sales.api import router as sales_router

from .sections import api_sections

api = NinjaAPI(
    title="Comptoir integration API",
    version="1",
    urls_namespace="api-v1",
    description=(
        "Push the catalog, stock per store, sales and refunds. Authenticate with "
        "`Authorization: Bearer <token>`. Every bulk call takes at most 1,000 rows "
        "and answers `{created, updated, duplicates, errors}`: bad rows are listed "
        "by index with a message per field, the good rows are kept. Money is integer "
        "cents."
    ),
    docs=Swagger(),
)
api.add_router("/", catalog_router)
api.add_router("/", sales_router)
# What apps above add (reservations for the tills…): sections.py.
for section in api_sections():
    api.add_router("/", section.router)


def _field_path(loc: tuple | list) -> str:
    # ninja prefixes the location with where it read the value and the parameter
    # name ("body", "payload"): the sender only knows its own field names.
    parts = [str(p) for p in loc if p not in ("body", "payload")]
    return ".".join(parts) or "request body"


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    messages = [
        f"{_field_path(error.get('loc', ()))}: {error.get('msg', 'invalid')}"
        for error in exc.errors
    ]
    detail = "The request body is not the expected shape. " + "; ".join(messages)
    return api.create_response(
        request, {"detail": detail, "errors": exc.errors}, status=422
    )


@api.exception_handler(RequestDataTooBig)
def body_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "The request body is too large; send fewer rows a call."},
        status=413,
    )
