"""Staff views in the Wagtail admin: members' data requests and their deadlines.

Every view requires the `members.handle_data_requests` permission (others are
sent back to the admin's home, told why); Wagtail's admin URLs already require
admin access.
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comptoir.permissions import admin_permission_denied

from . import selectors

PER_PAGE = 50
PERMISSION = "members.handle_data_requests"


@require_http_methods(["GET", "HEAD"])
def data_requests(request):
    """Every request for a copy or an erasure, newest first, overdue ones marked."""
    if not request.user.has_perm(PERMISSION):
        return admin_permission_denied(
            request, _("Only staff handling data requests may open this.")
        )
    page = Paginator(selectors.data_request_list(), PER_PAGE).get_page(
        request.GET.get("p")
    )
    now = timezone.now()
    rows = [
        {
            "request": item,
            "overdue": item.is_overdue(now),
            "expired": item.is_expired(now),
        }
        for item in page
    ]
    title = _("Data requests")
    return render(
        request,
        "members/admin/data_requests.html",
        {
            "page_title": title,
            "header_title": title,
            "header_icon": "doc-full",
            "page_obj": page,
            "rows": rows,
        },
    )
