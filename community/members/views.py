from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.views.account import LogoutView as WagtailLogoutView

from . import selectors
from .forms import ProfileForm
from .trust import member_trust_progress


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
    return render(request, "members/user.html", {"member": member})


class AdminLogoutView(WagtailLogoutView):
    """/admin/logout/: Wagtail's admin logout, ending the session on POST only.

    Wagtail's view deletes the session cookie whatever the method, even while it
    answers a GET with 405: any link or image pointing here logged staff out.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST":
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)
