"""Endpoints other apps add to the integration API (docs/architecture.md, point 14).

The API's catalog and sales endpoints live with those apps; an app above them
with something for the retailer's systems (reservations for the tills) registers
an `ApiSection` in its own `wagtail_hooks.py`:

    @hooks.register(API_SECTION_HOOK)
    def reservations_api():
        return ApiSection(name="reservations", router=router, scopes={...})

Its router is mounted under /api/v1/ when the URLs load, and its scopes may be
given to clients (`manage.py api_client create --scopes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wagtail import hooks

API_SECTION_HOOK = "register_api_section"


@dataclass(frozen=True)
class ApiSection:
    """A django-ninja `Router` and the scopes (name -> what it allows) it checks."""

    name: str
    router: object
    scopes: dict = field(default_factory=dict)


def api_sections() -> list[ApiSection]:
    """The registered sections, by name."""
    sections = [register() for register in hooks.get_hooks(API_SECTION_HOOK)]
    return sorted(sections, key=lambda section: section.name)


def api_scopes() -> dict:
    """Every scope a client may hold: the catalog's and sales', then the sections'."""
    from .models import SCOPES

    scopes = dict(SCOPES)
    for section in api_sections():
        scopes.update(section.scopes)
    return scopes
