from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services

PER_PAGE = 20


@login_required
@require_http_methods(["GET", "HEAD"])
def notification_list(request):
    """/me/notifications/: the member's notifications, newest first, unread marked."""
    notifications = selectors.notification_list(member_id=request.user.pk)
    page_obj = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notification_list.html",
        {"page_obj": page_obj, "notifications": page_obj.object_list},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_open(request, notification_id):
    """Go where one of the member's notifications points; a POST marks it read.

    The list opens notifications with a form (POST), so a browser or mail client
    prefetching the link (GET) changes nothing: a GET only follows it. Someone
    else's notification is a 404, as if it did not exist.
    """
    notification = selectors.notification_get_for_member(
        member_id=request.user.pk, notification_id=notification_id
    )
    if notification is None:
        raise Http404(_("You have no such notification."))
    if request.method == "POST":
        services.notification_mark_read(notification=notification)
    target = notification.url
    # Links are written by our own services, but a stored URL must never send a
    # member to another site.
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_mark_all_read(request):
    """Mark every notification of the member read."""
    marked = services.notification_mark_all_read(member=request.user)
    if marked:
        messages.success(
            request,
            ngettext(
                "%(count)s notification marked as read.",
                "%(count)s notifications marked as read.",
                marked,
            )
            % {"count": marked},
        )
    return redirect("notifications:list")
