"""Members' side of moderation: reporting content."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comptoir.redirects import next_url

from . import selectors, services
from .forms import ReportForm
from .models import ModerationStatus
from .registry import moderated_type_of


def error_messages_add(request, error: Exception) -> None:
    """A service's refusal (ValidationError, PermissionDenied) as error messages."""
    for message in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, message)


def _published_or_404(content_type_id: int, object_id: int):
    content = selectors.content_get(
        content_type_id=content_type_id, object_id=object_id
    )
    if content is None or content.status != ModerationStatus.PUBLISHED:
        raise Http404(_("There is nothing to report at this address."))
    return content


@login_required
@require_http_methods(["GET", "POST"])
def report(request, content_type_id: int, object_id: int):
    """/report/<type>/<id>/: a member reports published content to moderators.

    GET shows the form on its own page (where logging in leads back to); the
    report button on content pages posts here directly.
    """
    content = _published_or_404(content_type_id, object_id)
    moderated_type = moderated_type_of(content)
    # A type whose items only some members see (a private conversation's
    # messages) may say who can report them; to anyone else nothing is here.
    reportable_by = getattr(moderated_type, "reportable_by", None)
    if reportable_by is not None and not reportable_by(request.user, content):
        raise Http404(_("There is nothing to report at this address."))
    get_url = getattr(content, "get_absolute_url", None)
    back = next_url(request, default=get_url() if get_url else "/")
    if request.method == "POST":
        form = ReportForm(request.POST, moderated_type=moderated_type)
        if form.is_valid():
            try:
                services.report_create(
                    reporter=request.user,
                    content=content,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except (ValidationError, PermissionDenied) as error:
                error_messages_add(request, error)
                return redirect(back)
            messages.success(
                request, _("Thank you: a moderator will look at your report.")
            )
            return redirect(back)
        status = 400
    else:
        form = ReportForm(moderated_type=moderated_type)
        status = 200
    return render(
        request,
        "moderation/report_form.html",
        {
            "form": form,
            "content": content,
            "next_url": back,
            "is_author": content.moderation_author == request.user,
        },
        status=status,
    )
