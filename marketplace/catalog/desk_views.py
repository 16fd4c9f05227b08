"""The store's hand-off desk in the Wagtail admin (docs/architecture.md, point 12).

`/admin/desk/` lists the stores the user works (straight to the store when there
is one); `/admin/desk/<store>/?day=YYYY-MM-DD` shows every registered
`DeskSection` for that store and day, and the code box. Wagtail's admin URLs
already send anonymous visitors and people without admin access to its login;
here a store the user does not work is a 404, never a 403, so its existence is
not told to others. Someone who works no desk at all (a moderator, a rewards
manager) is sent back to the admin's home with a message (`desk_staff_required`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from .desk import (
    DeskSection,
    desk_sections,
    desk_staff_required,
    store_staffed_by,
    stores_staffed_by,
)
from .models import Store

# Longer than any code a section hands out; what a QR reader types is trimmed
# to its last path segment first.
CODE_MAX = 64
_SPACES = re.compile(r"\s+")


def desk_code_clean(raw: str) -> str:
    """What was typed in the code box as a code: a QR reader types the URL it
    read, so a URL (or a path) gives its last segment; case and spaces do not
    count."""
    text = (raw or "").replace("\x00", "").strip()
    if "/" in text:
        path = urlsplit(text).path if "://" in text else text.split("?")[0]
        segments = [segment for segment in path.split("/") if segment.strip()]
        text = segments[-1] if segments else ""
    return _SPACES.sub("", text).upper()


class DeskCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=500,
        help_text=gettext_lazy("Type the member's code or scan their QR code."),
        error_messages={"required": gettext_lazy("Type or scan the member's code.")},
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    day = forms.DateField(required=False, widget=forms.HiddenInput)

    def clean_code(self) -> str:
        code = desk_code_clean(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(_("Type or scan the member's code."))
        return code


@dataclass
class ShownSection:
    """A section with the context it read, for Wagtail's `{% component %}` tag."""

    section: DeskSection
    context: dict

    @property
    def label(self) -> str:
        return str(self.section.label)

    def render_html(self, parent_context) -> SafeString:
        return self.section.render_html(parent_context, self.context)


def _store_or_404(request, code: str) -> Store:
    store = store_staffed_by(request.user, code)
    if store is None:
        raise Http404(_("No store with this code."))
    return store


def _today() -> dt.date:
    return timezone.localdate()


def _day_from(value: str | None) -> tuple[dt.date, bool]:
    """The day asked for (today if none) and whether what was asked was a day."""
    if not value:
        return _today(), True
    try:
        return dt.date.fromisoformat(value.strip()), True
    except ValueError:
        return _today(), False


def desk_url(store: Store, day: dt.date | None = None) -> str:
    """The desk page of a store, on `day` (today's page without one)."""
    url = reverse("catalog_desk:store", kwargs={"code": store.code})
    if day is not None and day != _today():
        url = f"{url}?day={day.isoformat()}"
    return url


def _render(request, template, title, context, status=200):
    return render(
        request,
        template,
        {"page_title": title, "header_title": title, "header_icon": "desktop"}
        | context,
        status=status,
    )


@desk_staff_required
@require_http_methods(["GET", "HEAD"])
def desk_index(request):
    """The stores whose desk the user works; straight to it when there is one."""
    stores = list(stores_staffed_by(request.user))
    if len(stores) == 1:
        return redirect(desk_url(stores[0]))
    return _render(
        request,
        "catalog/desk/index.html",
        _("Hand-off desk"),
        {"stores": stores},
    )


@desk_staff_required
@require_http_methods(["GET", "HEAD"])
def desk_store(request, code: str):
    """One store's desk for one day: every section, the day picker, the code box."""
    store = _store_or_404(request, code)
    day, understood = _day_from(request.GET.get("day"))
    if not understood:
        messages.error(
            request,
            _("“%(value)s” is not a day: give it as YYYY-MM-DD. Showing today.")
            % {"value": request.GET.get("day", "")[:40]},
        )
    sections = [
        ShownSection(section, section.get_context(request, store, day))
        for section in desk_sections()
    ]
    return _render(
        request,
        "catalog/desk/store.html",
        _("Hand-off desk · %(store)s") % {"store": store.name},
        {
            "store": store,
            "day": day,
            "today": _today(),
            "is_today": day == _today(),
            "is_open": store.is_open_on(day),
            "previous_url": desk_url(store, day - dt.timedelta(days=1)),
            "next_url": desk_url(store, day + dt.timedelta(days=1)),
            "today_url": desk_url(store),
            "sections": sections,
            "code_form": DeskCodeForm(initial={"day": day}),
            "other_stores": stores_staffed_by(request.user).exclude(pk=store.pk)[:20],
        },
    )


@desk_staff_required
@require_POST
def desk_find(request, code: str):
    """The code a member shows, offered to every section until one knows it at
    this store; another store's code is not found here either."""
    store = _store_or_404(request, code)
    form = DeskCodeForm(request.POST)
    valid = form.is_valid()
    day = form.cleaned_data.get("day") if valid else None
    back = desk_url(store, day)
    if not valid:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    typed = form.cleaned_data["code"]
    if len(typed) <= CODE_MAX:
        for section in desk_sections():
            url = section.find_code(request, store, typed)
            if url and url_has_allowed_host_and_scheme(
                url, allowed_hosts={request.get_host()}
            ):
                return redirect(url)
    messages.error(
        request,
        _("No hand-off with code %(code)s at this store.") % {"code": typed[:CODE_MAX]},
    )
    return redirect(back)
