from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from wagtail.admin.views.account import LogoutView as WagtailLogoutView

from . import data_requests, selectors
from .forms import ErasureForm, ProfileForm
from .member_data import member_data_erase_summary
from .profile_sections import profile_sections
from .trust import member_trust_progress

FAREWELL_SESSION_KEY = "members_erasure_farewell"


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    """/me/: the signed-in member edits their own public profile."""
    member = selectors.member_profile_get(member_id=request.user.pk)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, member=member)
        if form.is_valid() and form.save():
            messages.success(request, _("Your profile has been saved."))
            return redirect("members:profile_edit")
        status = 200
    else:
        form = ProfileForm(member=member)
        status = 200
    return render(
        request,
        "members/profile_form.html",
        {
            "form": form,
            "member": member,
            "trust": member_trust_progress(member=member, request=request),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD"])
def profile_detail(request, slug):
    """/members/<slug>/: what anyone may see of a member, never the e-mail."""
    member = selectors.member_public_get(slug=slug)
    if member is None:
        raise Http404(_("No member has this profile address."))
    return render(
        request,
        "members/user.html",
        {"member": member, "sections": profile_sections(request, member)},
    )


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def data_copy(request):
    """/me/data/: ask for a copy of my data, follow its preparation, download it."""
    if request.method == "POST":
        try:
            data_requests.data_export_request(member=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Your copy is being prepared. We will e-mail you when it is ready."),
            )
        return redirect("members:data")
    latest = selectors.data_export_latest(member=request.user)
    return render(
        request,
        "members/data_copy.html",
        {
            "latest": latest,
            "expired": bool(
                latest
                and latest.status == latest.Status.READY
                and (latest.is_expired() or not latest.archive)
            ),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def data_copy_download(request, request_id):
    """/me/data/<id>/download/: the archive, to the member who asked for it alone."""
    export = selectors.data_export_for_download(
        member=request.user, request_id=request_id
    )
    if export is None:
        raise Http404(_("No copy of your data has this number."))
    if export.is_expired() or not export.archive:
        messages.warning(
            request,
            _(
                "This copy of your data has expired: copies can be downloaded for "
                "%(days)s days. Ask for a new one below."
            )
            % {"days": data_requests.ARCHIVE_DAYS},
        )
        return redirect("members:data")
    try:
        archive = export.archive.open("rb")
    except FileNotFoundError:
        raise Http404(_("This copy is no longer stored: ask for a new one.")) from None
    filename = f"comptoir-data-{timezone.localdate(export.handled_at):%Y-%m-%d}.zip"
    response = FileResponse(
        archive, as_attachment=True, filename=filename, content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def account_erase(request):
    """/me/delete/: what erasure does, then the password to confirm it."""
    member = request.user
    summary = member_data_erase_summary(member=member)
    if request.method == "POST":
        form = ErasureForm(request.POST, summary=summary)
        if form.is_valid():
            try:
                farewell = data_requests.member_erasure_request(
                    member=member,
                    password=form.cleaned_data["password"],
                    delete_public=form.delete_public(),
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error.messages)
            else:
                logout(request)
                request.session[FAREWELL_SESSION_KEY] = [str(line) for line in farewell]
                return redirect("members:goodbye")
        status = 400
    else:
        form = ErasureForm(summary=summary)
        status = 200
    return render(
        request,
        "members/account_erase.html",
        {
            "form": form,
            "summary": summary,
            "has_password": member.has_usable_password(),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD"])
def goodbye(request):
    """/me/goodbye/: after an erasure, what the former member should keep."""
    return render(
        request,
        "members/goodbye.html",
        {"farewell": request.session.get(FAREWELL_SESSION_KEY, [])},
    )


class AdminLogoutView(WagtailLogoutView):
    """/admin/logout/: Wagtail's admin logout, ending the session on POST only.

    Wagtail's view deletes the session cookie whatever the method, even while it
    answers a GET with 405: any link or image pointing here logged staff out.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST":
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)
