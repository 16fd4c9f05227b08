from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.redirects import is_same_site

from . import selectors, services
from .email_categories import EmailCategory
from .forms import EmailPreferencesForm
from .unsubscribe import unsubscribe_token_read

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
    if is_same_site(request, target):
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


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def email_preferences(request):
    """/me/emails/: the member chooses which kinds of e-mail they get."""
    current = selectors.email_preferences_get(member_id=request.user.pk)
    form = EmailPreferencesForm(
        request.POST if request.method == "POST" else None, initial_choices=current
    )
    if request.method == "POST" and form.is_valid():
        services.email_preferences_update(member=request.user, choices=form.choices())
        messages.success(request, _("Your e-mail choices have been saved."))
        return redirect("notifications:email_preferences")
    return render(request, "notifications/email_preferences.html", {"form": form})


# The signed token is the authentication, and RFC 8058's one-click POST from a
# mail client carries no CSRF token: exempt, and it can only turn one category
# off for the member the token names.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def email_unsubscribe(request, token):
    """/emails/unsubscribe/<token>/: GET asks, POST unsubscribes, no login needed.

    A GET changes nothing, so a mail scanner or prefetcher opening the link does
    not unsubscribe anyone.
    """
    unsubscribe = unsubscribe_token_read(token)
    member = (
        selectors.email_recipient_get(member_id=unsubscribe.member_id)
        if unsubscribe
        else None
    )
    if member is None:
        return render(
            request, "notifications/email_unsubscribe_invalid.html", status=400
        )
    context = {
        "category_label": EmailCategory(unsubscribe.category).label,
        "done": False,
    }
    if request.method == "POST":
        services.email_unsubscribe(member=member, category=unsubscribe.category)
        context["done"] = True
    return render(request, "notifications/email_unsubscribe.html", context)
