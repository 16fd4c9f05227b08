"""The store's hand-off desk in the admin (docs/architecture.md, point 12).

Store staff meet members at the desk to hand over what was reserved (and, with
resale, second-hand goods between members). The catalog owns stores and who works
in them (`Store.staff`), so it owns the desk page, `/admin/desk/<store>/`; each app
with something to hand over registers a `DeskSection` in its own
`wagtail_hooks.py`:

    @hooks.register(DESK_SECTION_HOOK)
    def reservations_desk():
        return ReservationsDesk()

The page shows every section for the chosen store and day, and one "code" box:
the code a member shows (typed, or read from their QR) is offered to every
section until one recognises it.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.template import Context
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy
from wagtail import hooks

from comptoir.permissions import admin_role_required

DESK_SECTION_HOOK = "register_desk_section"


class DeskSection:
    """One kind of hand-off on a store's desk page.

    `name` tells sections apart, `order` places them (lower first), `label` is
    the section's heading. `get_context(request, store, day)` reads what
    `template_name` shows, in a fixed number of queries whatever the number of
    rows. `find_code(request, store, code)` returns the admin URL where staff
    confirm the hand-off with this code at this store, or None if the code is
    not this section's (or not this store's: never another store's).
    """

    name: str = ""
    order: int = 100
    label: str = ""
    template_name: str = ""

    def get_context(self, request: HttpRequest, store, day) -> dict:
        return {}

    def find_code(self, request: HttpRequest, store, code: str) -> str | None:
        return None

    def render_html(self, parent_context: Context, context: dict) -> SafeString:
        if not self.template_name:
            return SafeString("")
        template = parent_context.template.engine.get_template(self.template_name)
        with parent_context.push(context):
            return template.render(parent_context)


def desk_sections() -> list[DeskSection]:
    """The registered sections, in order (then by name)."""
    sections = [register() for register in hooks.get_hooks(DESK_SECTION_HOOK)]
    return sorted(sections, key=lambda section: (section.order, section.name))


def stores_staffed_by(user) -> QuerySet:
    """The stores whose desk `user` works: all of them for those who may see every
    store's desk (superusers, the `catalog.view_every_desk` permission), the
    stores they are staff of otherwise."""
    from .models import Store

    if not user.is_authenticated or not user.is_active:
        return Store.objects.none()
    if user.is_superuser or user.has_perm("catalog.view_every_desk"):
        return Store.objects.order_by("name", "id")
    return Store.objects.filter(staff=user).order_by("name", "id")


def store_staffed_by(user, code: str):
    """The store with this code if `user` works its desk; None otherwise (the
    views answer 404 then, so a store's existence is not told to others)."""
    return stores_staffed_by(user).filter(code=code).first()


def works_a_desk(user) -> bool:
    """Whether `user` works at least one store's desk (or may see every desk)."""
    return stores_staffed_by(user).exists()


# The desk's pages, and the hand-offs they lead to, for those who work a desk:
# anyone else in the admin (a moderator, a rewards manager) is sent back to the
# admin's home, told why. A store one does not work stays a 404 for its staff.
desk_staff_required = admin_role_required(
    works_a_desk,
    gettext_lazy(
        "You work no store's hand-off desk yet: ask an administrator to add you "
        "to a store's staff."
    ),
)
