"""Second-hand hand-offs on the store's desk (catalog/desk.py, point 12).

The section lists the hand-offs reserved at the store for the day shown (and
those of earlier days not handed over yet), the coming days' by day, and the
items the shop bought back that wait for their inspection: a member may bring
one to any store, so every desk lists them. The buyer's code (typed, or read
from their QR) leads to the hand-off's admin page, where staff record what the
buyer paid and how the seller is paid (desk_views.py). Staff see their stores'
hand-offs only; another store's code is not found.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.catalog.desk import DeskSection, stores_staffed_by

from .models import Buyback, BuybackStatus, Handoff, HandoffStatus
from .selectors import handoff_code_display
from .services import handoff_code_clean

# A desk shows the next two weeks (buyers pick a day within 14): more than this
# many rows at once is a list to read elsewhere, not at a desk.
UPCOMING_DAYS = 14
DESK_ROWS_MAX = 200
BUYBACKS_SHOWN = 50


def staff_handoff_url(handoff: Handoff, *, code: str = "") -> str:
    """The admin page where staff hand this over (the code typed at the desk
    carried along, so they need not type it again)."""
    url = reverse("resale_desk:handoff", kwargs={"handoff_id": handoff.pk})
    return f"{url}?code={code}" if code else url


def staff_buyback_url(buyback: Buyback, store) -> str:
    """The admin page where `store`'s staff inspect a bought-back item."""
    return reverse(
        "resale_desk:buyback",
        kwargs={"store_code": store.code, "buyback_id": buyback.pk},
    )


def _handoffs():
    return Handoff.objects.select_related(
        "listing", "listing__product", "buyer", "seller", "store"
    )


def staff_handoff_get(*, user, handoff_id: int) -> Handoff:
    """A hand-off at a store whose desk `user` works, with its listing and both
    parties; Http404 for any other (another store's is not told to exist)."""
    handoff = (
        _handoffs()
        .select_related("confirmed_by")
        .filter(pk=handoff_id, store__in=stores_staffed_by(user))
        .first()
    )
    if handoff is None:
        raise Http404(_("No hand-off with this number at your stores."))
    return handoff


def store_handoff_by_code(*, store, code: str) -> Handoff | None:
    """The hand-off of this store with this code, whatever its status (the page
    then says it was handed over, lapsed or cancelled); None for another store's."""
    typed = handoff_code_clean(code)
    if not typed:
        return None
    return Handoff.objects.filter(store=store, code=typed).first()


def store_desk_handoffs(*, store, day: dt.date) -> dict:
    """What the desk shows of `store` on `day`: `due`, the reserved hand-offs of
    that day and of earlier days still reserved; `upcoming`, those of the next
    UPCOMING_DAYS days as (day, hand-offs) by day. One query."""
    rows = list(
        _handoffs()
        .filter(
            store=store,
            status=HandoffStatus.RESERVED,
            day__lte=day + dt.timedelta(days=UPCOMING_DAYS),
        )
        .order_by("day", "id")[:DESK_ROWS_MAX]
    )
    for handoff in rows:
        handoff.code_display = handoff_code_display(handoff.code)
        handoff.staff_url = staff_handoff_url(handoff)
        handoff.overdue = handoff.day < day
    due = [handoff for handoff in rows if handoff.day <= day]
    later = [handoff for handoff in rows if handoff.day > day]
    upcoming = [
        (when, list(handoffs))
        for when, handoffs in groupby(later, key=lambda handoff: handoff.day)
    ]
    return {"due": due, "upcoming": upcoming, "upcoming_count": len(later)}


def buybacks_waiting() -> list[Buyback]:
    """Bought-back items to inspect (accepted, not inspected yet), the oldest
    first, with their listing, product and member: one query."""
    return list(
        Buyback.objects.filter(status=BuybackStatus.ACCEPTED)
        .select_related("listing", "product", "member")
        .order_by("created_at", "id")[:BUYBACKS_SHOWN]
    )


def staff_buyback_get(*, buyback_id: int) -> Buyback:
    """A buy-back, with its listing, product and member; Http404 if unknown."""
    buyback = (
        Buyback.objects.select_related("listing", "product", "member", "store")
        .filter(pk=buyback_id)
        .first()
    )
    if buyback is None:
        raise Http404(_("No buy-back with this number."))
    return buyback


class ResaleDesk(DeskSection):
    name = "resale"
    # After the reservations (10): the shop's own goods first, then members'.
    order = 20
    label = gettext_lazy("Second-hand hand-offs")
    template_name = "resale/desk/section.html"

    def get_context(self, request, store, day) -> dict:
        # Two queries whatever the number of rows: the hand-offs, the buy-backs.
        context = store_desk_handoffs(store=store, day=day)
        buybacks = buybacks_waiting()
        for buyback in buybacks:
            buyback.staff_url = staff_buyback_url(buyback, store)
        context["buybacks"] = buybacks
        context["buybacks_more"] = len(buybacks) >= BUYBACKS_SHOWN
        return context

    def find_code(self, request, store, code: str) -> str | None:
        handoff = store_handoff_by_code(store=store, code=code)
        if handoff is None:
            return None
        return staff_handoff_url(handoff, code=handoff.code)
