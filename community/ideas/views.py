"""Public pages of ideas: the list, propose, similar ideas, one idea, how it works,
my ideas.

Who may do what: anyone reads public ideas (published by moderation, past pending);
a signed-in member proposes, supports and comments; only the author (and
moderators, and invited co-originators) see an idea that is not public — anyone
else gets 404, so its existence stays private; only the author edits, submits or
withdraws it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from community.moderation.models import ModerationStatus
from comptoir.form_errors import form_errors_add, refusal_words
from comptoir.in_place import in_place_response, wants_in_place
from comptoir.markup import markdown_to_plain_text
from comptoir.uploads import image_thumbnail

from . import discussion, lifecycle, selectors, services
from .forms import (
    CO_ORIGINATOR_ROWS,
    CommentForm,
    IdeaFilterForm,
    IdeaForm,
    OriginatorsForm,
    WithdrawForm,
)
from .models import WITHDRAWABLE_STATES, IdeaState

IDEAS_PER_PAGE = 20
COMMENTS_PER_PAGE = 30
MY_LIST_LIMIT = 100
SIMILAR_LIMIT = 8
# A title is at most 120 characters; anything longer is not a title being typed.
SIMILAR_QUERY_MAX = 200
PHOTO_THUMB_SIZE = (320, 320)


def _saved_message(idea) -> str:
    if idea.state == IdeaState.DRAFT:
        return _(
            "Your draft is saved. Submit it when it is ready: nobody else sees it "
            "until then."
        )
    if idea.state == IdeaState.PENDING:
        return _(
            "Thank you! Your idea will be public once a moderator has read it; you "
            "can follow it on “My ideas”."
        )
    return _("Thank you! Your idea is public: share it to gather supporters.")


# --- The list ----------------------------------------------------------------------


@require_safe
def idea_list(request: HttpRequest) -> HttpResponse:
    """/ideas/: public ideas, filtered by state and tag, in one of four sorts."""
    form = IdeaFilterForm(request.GET or None, tags=selectors.idea_tags())
    filters = form.filters()
    page = selectors.idea_list_page(
        params=request.GET, per_page=IDEAS_PER_PAGE, **filters
    )
    stages = selectors.ideas_settings(request).stages()
    for idea in page.object_list:
        idea.threshold = selectors.idea_threshold(idea, stages)
    return render(
        request,
        "ideas/idea_list.html",
        {
            "form": form,
            "filters": filters,
            "page_obj": page,
            "filtered": bool(filters["state"] or filters["tag"]),
        },
    )


# --- Propose, edit, submit, withdraw ------------------------------------------------


def _review_initial(review) -> dict:
    """What a disappointed review tells the idea form to start from."""
    return {
        "title": _("Improve: %(product)s") % {"product": review.product.name}
        if review.product_id
        else review.title,
        "problem": review.body,
        "from_review": review.pk,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def idea_create(request: HttpRequest) -> HttpResponse:
    """/ideas/new/: propose an idea, saved as a draft or submitted."""
    review_id = request.POST.get("from_review") or request.GET.get("from_review")
    review = (
        selectors.review_for_suggestion(review_id=review_id, member=request.user)
        if review_id
        else None
    )
    status = 200
    if request.method == "POST":
        form = IdeaForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                idea = services.idea_create(
                    author=request.user,
                    title=data["title"],
                    problem=data["problem"],
                    proposal=data["proposal"],
                    tags=data["tags"],
                    photos=data["photos"],
                    from_review=review,
                    submit="draft" not in request.POST,
                )
            except ValidationError as error:
                form_errors_add(form, error)
            except PermissionDenied as error:
                form.add_error(None, refusal_words(error))
                status = 403
            else:
                messages.success(request, _saved_message(idea))
                return redirect(idea.get_absolute_url())
        if form.errors and status == 200:
            status = 400
    else:
        form = IdeaForm(initial=_review_initial(review) if review else None)
    return render(
        request,
        "ideas/idea_form.html",
        {"form": form, "idea": None, "review": review},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def idea_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author edits a draft, pending or open idea; anyone else gets 404."""
    idea = selectors.idea_for_author(idea_id=pk, member=request.user)
    if not services.idea_can_edit(idea):
        messages.error(
            request,
            _("This idea can no longer be edited (%(state)s).")
            % {"state": idea.get_state_display()},
        )
        return redirect(idea.get_absolute_url())
    photos = list(idea.photos.all())
    status = 200
    if request.method == "POST":
        form = IdeaForm(request.POST, request.FILES, photos=photos)
        if form.is_valid():
            data = form.cleaned_data
            try:
                idea = services.idea_edit(
                    idea=idea,
                    member=request.user,
                    title=data["title"],
                    problem=data["problem"],
                    proposal=data["proposal"],
                    tags=data["tags"],
                    photos=data["photos"],
                    remove_photo_ids=data.get("remove_photos") or [],
                )
            except ValidationError as error:
                form_errors_add(form, error)
            except PermissionDenied as error:
                form.add_error(None, refusal_words(error))
                status = 403
            else:
                if "submit" in request.POST and idea.state == IdeaState.DRAFT:
                    # The edit is saved either way; a refused submission says why.
                    try:
                        idea = services.idea_submit(idea=idea, member=request.user)
                    except (ValidationError, PermissionDenied) as error:
                        messages.error(request, refusal_words(error))
                        return redirect(idea.get_absolute_url())
                messages.success(request, _saved_message(idea))
                return redirect(idea.get_absolute_url())
        if form.errors and status == 200:
            status = 400
    else:
        form = IdeaForm(
            initial={
                "title": idea.title,
                "problem": idea.problem,
                "proposal": idea.proposal,
                "tags": ", ".join(tag.name for tag in idea.tags.all()),
            },
            photos=photos,
        )
    return render(
        request,
        "ideas/idea_form.html",
        {"form": form, "idea": idea, "photos": photos, "review": None},
        status=status,
    )


@login_required
@require_POST
def idea_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author sends a draft to moderation (or opens it, when trusted)."""
    idea = selectors.idea_for_author(idea_id=pk, member=request.user)
    try:
        idea = services.idea_submit(idea=idea, member=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_words(error))
    else:
        messages.success(request, _saved_message(idea))
    return redirect(idea.get_absolute_url())


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def idea_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then withdraw the author's idea (before the review board looks at it)."""
    idea = selectors.idea_for_author(idea_id=pk, member=request.user)
    if idea.state not in WITHDRAWABLE_STATES:
        messages.error(
            request,
            _("An idea can be withdrawn only before the review board looks at it."),
        )
        return redirect(idea.get_absolute_url())
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.idea_withdraw(
                idea=idea, member=request.user, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, refusal_words(error))
            return redirect(idea.get_absolute_url())
        messages.success(
            request,
            _("Your idea is withdrawn; its supporters have their support back."),
        )
        return redirect("ideas:mine")
    return render(
        request, "ideas/idea_confirm_withdraw.html", {"idea": idea, "form": form}
    )


def _originators_initial(idea) -> dict:
    initial, row = {}, 1
    for originator in idea.originators.select_related("member").order_by("id"):
        if originator.member_id == idea.author_id:
            initial["author_share"] = originator.share_bp / 100
        elif row <= CO_ORIGINATOR_ROWS:
            initial[f"member_{row}"] = originator.member.slug
            initial[f"share_{row}"] = originator.share_bp / 100
            row += 1
    return initial


def _originators_shares(form, idea) -> dict | None:
    """Member → basis points from the form's rows, or None with the form's errors."""
    from django.contrib.auth import get_user_model

    rows = form.cleaned_data["rows"]
    found = {
        member.slug.lower(): member
        for member in get_user_model().objects.filter(
            slug__in=[name for _row, name, _share in rows], is_active=True
        )
    }
    shares = {idea.author: int(form.cleaned_data["author_share"] * 100)}
    for row, name, share in rows:
        member = found.get(name)
        if member is None:
            form.add_error(f"member_{row}", _("No member has this profile name."))
        elif member in shares:
            form.add_error(f"member_{row}", _("This member is named twice."))
        else:
            shares[member] = int(share * 100)
    return None if form.errors else shares


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def idea_originators(request: HttpRequest, pk: int) -> HttpResponse:
    """The author names co-originators and their shares; invited members accept
    on /me/ideas/. Shares are frozen once the board accepts the idea."""
    idea = selectors.idea_for_author(idea_id=pk, member=request.user)
    if idea.shares_frozen_at or idea.state not in services.NAMING_STATES:
        messages.error(
            request,
            _("The originators of this idea can no longer change (%(state)s).")
            % {"state": idea.get_state_display()},
        )
        return redirect(idea.get_absolute_url())
    form = OriginatorsForm(request.POST or None, initial=_originators_initial(idea))
    status = 200
    if request.method == "POST":
        shares = _originators_shares(form, idea) if form.is_valid() else None
        if shares is not None:
            try:
                services.idea_originators_set(
                    idea=idea, member=request.user, shares=shares
                )
            except ValidationError as error:
                form_errors_add(form, error)
            except PermissionDenied as error:
                form.add_error(None, refusal_words(error))
            else:
                messages.success(
                    request,
                    _(
                        "The originators are saved; those newly named are asked to "
                        "accept."
                    ),
                )
                return redirect(idea.get_absolute_url() + "#originators-heading")
        status = 400
    originators = idea.originators.select_related("member").order_by("id")
    return render(
        request,
        "ideas/idea_originators.html",
        {"idea": idea, "form": form, "originators": originators},
        status=status,
    )


# --- Similar ideas -----------------------------------------------------------------


@require_safe
def idea_similar(request: HttpRequest) -> HttpResponse:
    """/ideas/similar/?q=: public ideas like a title being typed, from the search
    index. A plain page without JavaScript; `fragment=1` answers only the list, for
    the idea form's script."""
    query = " ".join(request.GET.get("q", "").split())[:SIMILAR_QUERY_MAX]
    ideas = (
        list(selectors.similar_ideas(query=query, limit=SIMILAR_LIMIT)) if query else []
    )
    fragment = request.GET.get("fragment") == "1"
    template = "ideas/includes/similar_list.html" if fragment else "ideas/similar.html"
    return render(request, template, {"query": query, "ideas": ideas})


# --- One idea ----------------------------------------------------------------------


def _login_url(request: HttpRequest, anchor: str = "") -> str:
    return (
        reverse("account_login")
        + "?"
        + urlencode({"next": request.get_full_path() + anchor})
    )


@require_safe
def idea_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """/ideas/<id>-<slug>/: the idea, its history, progress, support, discussion."""
    idea = selectors.idea_for_viewer(idea_id=pk, viewer=request.user)
    if idea.state == IdeaState.MERGED and idea.merged_into_id:
        return redirect(idea.merged_into.get_absolute_url(), permanent=True)
    if slug != idea.slug:
        target = idea.get_absolute_url()
        if request.META.get("QUERY_STRING"):
            target += "?" + request.META["QUERY_STRING"]
        return redirect(target, permanent=True)
    user = request.user
    member = user if user.is_authenticated else None
    rules = selectors.ideas_settings(request)
    is_author = member is not None and member.pk == idea.author_id
    context = {
        "idea": idea,
        # Plain text, escaped by the template: it goes into an attribute.
        "description": markdown_to_plain_text(idea.problem),
        "is_author": is_author,
        "rules": rules,
        "threshold": selectors.idea_threshold(idea, rules.stages()),
        "photos": selectors.idea_photos(idea=idea),
        "history": selectors.idea_history(idea=idea),
        "originators": selectors.idea_originators(idea=idea),
        "tags": list(idea.tags.all()),
        "comment_page": None,
        "can_edit": is_author and services.idea_can_edit(idea),
        "can_withdraw": is_author and idea.state in WITHDRAWABLE_STATES,
        "can_name_originators": is_author
        and not idea.shares_frozen_at
        and idea.state in services.NAMING_STATES,
        "login_url": _login_url(request, "#support"),
        "login_to_comment_url": _login_url(request, "#discussion"),
    }
    if idea.is_public:
        context["comment_page"] = selectors.idea_comments_page(
            idea=idea, params=request.GET, per_page=COMMENTS_PER_PAGE
        )
        context["comment_form"] = CommentForm()
        context["can_comment"] = idea.state not in (
            IdeaState.MERGED,
            IdeaState.WITHDRAWN,
        )
    if member is not None:
        context["supports"] = selectors.member_supports(member=member, idea_id=idea.pk)
        context["supports_left"] = services.member_supports_left(member=member)
    if idea.state == IdeaState.LAUNCHED and idea.product_id:
        from rewards.selectors import product_originator_royalties_cents

        context["royalties_cents"] = product_originator_royalties_cents(
            product_id=idea.product_id
        )
    response = render(request, "ideas/idea_detail.html", context)
    if not idea.is_public:
        # Only its author and moderators see it: no shared cache may keep it.
        patch_cache_control(response, private=True)
    return response


def _support_fragment(request: HttpRequest, idea_id: int) -> dict[str, str]:
    """The idea page's support part as the member now sees it (count, progress,
    their button, supports left), to replace it after an in-place support."""
    idea = selectors.idea_public(idea_id=idea_id)
    member = request.user
    rules = selectors.ideas_settings(request)
    context = {
        "idea": idea,
        "threshold": selectors.idea_threshold(idea, rules.stages()),
        "is_author": member.pk == idea.author_id,
        "supports": selectors.member_supports(member=member, idea_id=idea.pk),
        "supports_left": services.member_supports_left(member=member),
    }
    return {
        "support-body": render_to_string(
            "ideas/includes/idea_support.html", context, request
        )
    }


@login_required
@require_POST
def idea_support(request: HttpRequest, pk: int) -> HttpResponse:
    """Support a public idea, or take the support back (`withdraw`), POST only.

    A plain POST redirects back to the idea's support part. From in-place.js (it
    asks for JSON) the answer is the sentence to show by the button and the new
    support part; a refusal is a sentence there too.
    """
    in_place = wants_in_place(request)
    try:
        idea = selectors.idea_public(idea_id=pk)
    except Http404:
        if not in_place:
            raise
        return in_place_response(
            message=_("This idea is no longer public: reload the page."), status=404
        )
    level, status = messages.SUCCESS, 200
    try:
        if request.POST.get("action") == "withdraw":
            if services.idea_support_withdraw(idea=idea, member=request.user):
                said = _("Your support is withdrawn.")
            else:
                said, level = _("You were not supporting this idea."), messages.INFO
        else:
            services.idea_support(idea=idea, member=request.user)
            said = _("Thank you for your support!")
    except (ValidationError, PermissionDenied) as error:
        said, level = refusal_words(error), messages.ERROR
        status = 403 if isinstance(error, PermissionDenied) else 400
    if in_place:
        if level == messages.ERROR:
            return in_place_response(message=said, status=status)
        return in_place_response(
            message=said, fragments=_support_fragment(request, idea.pk)
        )
    messages.add_message(request, level, said)
    return redirect(idea.get_absolute_url() + "#support")


@login_required
@require_POST
def idea_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """Post a comment in a public idea's discussion."""
    idea = selectors.idea_public(idea_id=pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(idea.get_absolute_url() + "#comment-form")
    try:
        comment = discussion.comment_post(
            idea=idea, author=request.user, body=form.cleaned_data["body"]
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_words(error))
        return redirect(idea.get_absolute_url() + "#comment-form")
    if comment.status == ModerationStatus.PUBLISHED:
        messages.success(request, _("Your comment is published."))
        # The last page of the discussion, where the new comment is.
        return redirect(idea.get_absolute_url() + f"?page=last#comment-{comment.pk}")
    messages.success(
        request,
        _("Thank you! Your comment will show once a moderator has read it."),
    )
    return redirect(idea.get_absolute_url() + "#discussion")


@require_safe
def idea_photo(request: HttpRequest, pk: int, thumbnail: bool = False):
    """An idea photo, full size or as a thumbnail, streamed from private storage:
    to anyone while the idea is public, its author and moderators otherwise."""
    photo = selectors.idea_photo_for_viewer(photo_id=pk, viewer=request.user)
    if thumbnail:
        with photo.file.open("rb") as private:
            response = HttpResponse(
                image_thumbnail(private, size=PHOTO_THUMB_SIZE),
                content_type="image/jpeg",
            )
    else:
        response = FileResponse(photo.file.open("rb"))
    if photo.idea.is_public:
        patch_cache_control(response, public=True, max_age=600)
    else:
        patch_cache_control(response, private=True, max_age=600)
    return response


# --- How it works, my ideas ----------------------------------------------------------


@require_safe
def how_it_works(request: HttpRequest) -> HttpResponse:
    """/ideas/how-it-works/: the rules as configured right now."""
    from rewards.selectors import programme_in_force

    rules = selectors.ideas_settings(request)
    stages = []
    for number, (supporters, days) in enumerate(rules.stages(), start=1):
        stages.append({"number": number, "supporters": supporters, "days": days})
    programme = programme_in_force()
    return render(
        request,
        "ideas/how_it_works.html",
        {
            "rules": rules,
            "stages": stages,
            "originator_rate_bp": programme.originator_rate_bp,
            "originator_rate_percent": programme.originator_rate_bp / 100,
        },
    )


@login_required
@require_safe
def my_ideas(request: HttpRequest) -> HttpResponse:
    """/me/ideas/: my ideas, the ideas I support, supports left, invitations."""
    member = request.user
    response = render(
        request,
        "ideas/my_ideas.html",
        {
            "ideas": list(selectors.member_ideas(member=member)[:MY_LIST_LIMIT]),
            "supports": list(
                selectors.member_supported_ideas(member=member)[:MY_LIST_LIMIT]
            ),
            "invitations": list(selectors.member_invitations(member=member)),
            "supports_left": services.member_supports_left(member=member),
            "budget": selectors.ideas_settings(request).support_budget,
        },
    )
    return response


@login_required
@require_POST
def invitation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or decline being named a co-originator of an idea."""
    origination = selectors.invitation_for_member(
        origination_id=pk, member=request.user
    )
    accept = request.POST.get("answer") == "accept"
    try:
        services.idea_origination_answer(
            origination=origination, member=request.user, accept=accept
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_words(error))
    else:
        messages.success(
            request,
            _("You are now a co-originator of “%(title)s”.")
            % {"title": origination.idea.title}
            if accept
            else _("You declined the invitation."),
        )
    return redirect("ideas:mine")
