"""Permission policies and refusals shared by the apps' admin views."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.permission_policies import ModelPermissionPolicy


def admin_permission_denied(request, reason: str = ""):
    """Wagtail's answer to an admin page outside one's role: back to the admin's
    home with its "no permission" message, followed by `reason` when given.

    A moderator who follows a rewards manager's link (or the other way round)
    lands on a page they know, told why, instead of a bare 403 or 404 page.
    Scripts asking with XMLHttpRequest get PermissionDenied (a 403), as from
    Wagtail's own views.
    """
    if request.headers.get("x-requested-with") == "XMLHttpRequest":
        raise PermissionDenied(reason)
    # Wagtail's own sentence (translated by Wagtail), then what the role is.
    text = _("Sorry, you do not have permission to access this area.")
    if reason:
        text = f"{text} {reason}"
    messages.error(request, text)
    return redirect("wagtailadmin_home")


def admin_role_required(test, reason: str = ""):
    """A view decorator: users for whom `test(user)` is false are sent back to
    the admin's home with `reason` (admin_permission_denied)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not test(request.user):
                return admin_permission_denied(request, str(reason))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Append-only records (sale events, the ledger): staff may look, nobody may add,
    edit or delete, not even a superuser."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)
