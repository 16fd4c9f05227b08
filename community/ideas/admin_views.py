"""The review board and moderators' tools for product ideas, in the Wagtail admin.

Wagtail's admin URLs already send anonymous visitors and members without admin
access to its login page. Here, reading the board needs the `ideas.decide_ideas`
permission or the moderation one; deciding, launching and scheduling need
`ideas.decide_ideas`; merging a duplicate is a moderator's. Anyone else is sent
back to the admin's home with Wagtail's "no permission" message and the reason
(comptoir.permissions.admin_permission_denied), as Wagtail's own views do.

The views validate with `admin_forms` and call one function of `lifecycle`; a
refusal of the lifecycle (ValidationError, PermissionDenied) is shown as the
form's error, the page answered again with what was typed.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.log_actions import log

from community.moderation.models import ModerationStatus
from community.moderation.services import user_can_moderate
from comptoir.page_cache import page_cache_invalidate
from comptoir.permissions import admin_role_required

from . import lifecycle
from .admin_forms import (
    DecisionForm,
    DevelopmentForm,
    LaunchForm,
    MergeForm,
    MergeSearchForm,
    ReviewBoardForm,
    merge_candidates,
)
from .cached_pages import IDEAS, idea_tag
from .models import (
    BASIS_POINTS,
    PUBLIC_STATES,
    Idea,
    IdeaComment,
    IdeaOriginator,
    IdeasSettings,
    IdeaState,
    IdeaStateChange,
    IdeaSupport,
)

DECIDE_PERMISSION = "ideas.decide_ideas"
PER_PAGE = 25
SUPPORTERS_PER_PAGE = 50
LAST_COMMENTS = 10
SEARCH_LIMIT = 20
BOARD_STATES = (IdeaState.IN_REVIEW, IdeaState.ON_HOLD)
DEVELOPMENT_STATES = (IdeaState.ACCEPTED, IdeaState.IN_DEVELOPMENT)
LAUNCHABLE_STATES = DEVELOPMENT_STATES


# --- who may do what -----------------------------------------------------------


def user_can_decide(user) -> bool:
    """Review-board members (and superusers) decide, launch and schedule."""
    return bool(user and user.is_active and user.has_perm(DECIDE_PERMISSION))


def user_can_see_ideas(user) -> bool:
    """The board and moderators see the board's pages."""
    return user_can_decide(user) or user_can_moderate(user)


def _allowed_if(test, message):
    """Run the view for users passing `test`; send others back to the admin's
    home, told `message`."""
    return admin_role_required(test, message)


see_required = _allowed_if(
    user_can_see_ideas,
    gettext_lazy(
        "Only the review board and moderators may open the product ideas pages."
    ),
)
decide_required = _allowed_if(
    user_can_decide,
    gettext_lazy("Only members of the review board may decide product ideas."),
)
moderate_required = _allowed_if(
    user_can_moderate, gettext_lazy("Only moderators may merge duplicate ideas.")
)


def _render(request, template, title, context, status=200):
    context = {
        "page_title": title,
        "header_title": title,
        "header_icon": "pick",
        "can_decide": user_can_decide(request.user),
        "can_moderate": user_can_moderate(request.user),
        **context,
    }
    return render(request, template, context, status=status)


def _error_add(form, error: Exception) -> None:
    """A lifecycle refusal as the form's own error, in its words."""
    for message in getattr(error, "messages", None) or [str(error)]:
        form.add_error(None, message)


# --- reads of the board's pages -------------------------------------------------


def _with_board_relations(ideas):
    """Authors, history (with who) and originators fetched in three queries,
    whatever the number of ideas on the page."""
    return ideas.select_related("author", "product").prefetch_related(
        Prefetch(
            "history",
            queryset=IdeaStateChange.objects.select_related("by").order_by(
                "created_at", "id"
            ),
        ),
        Prefetch(
            "originators",
            queryset=IdeaOriginator.objects.select_related("member"),
        ),
    )


def board_ideas():
    """Ideas waiting for the board: in review first, then on hold, oldest first."""
    waiting_first = Case(
        When(state=IdeaState.IN_REVIEW, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return _with_board_relations(
        # An idea its author deleted with their account (removed) waits for no one.
        Idea.objects.filter(state__in=BOARD_STATES)
        .exclude(status=ModerationStatus.REMOVED)
        .annotate(board_order=waiting_first)
        .order_by("board_order", "state_changed_at", "id")
    )


def development_ideas():
    """Accepted ideas and those in development, oldest decision first."""
    return _with_board_relations(
        Idea.objects.filter(state__in=DEVELOPMENT_STATES).order_by(
            "state_changed_at", "id"
        )
    )


def public_ideas_search(*, query: str = "", state: str = ""):
    """Public ideas, newest first, whose title has `query` (or whose number it is)."""
    ideas = Idea.objects.filter(
        status=ModerationStatus.PUBLISHED, state__in=PUBLIC_STATES
    )
    if state in PUBLIC_STATES:
        ideas = ideas.filter(state=state)
    if query:
        number = query.lstrip("#").strip()
        match = Q(title__icontains=query)
        if number.isdigit() and len(number) < 10:
            match |= Q(pk=int(number))
        ideas = ideas.filter(match)
    return ideas.select_related("author").order_by("-created_at", "-id")


def _public_url(idea: Idea) -> str:
    """The idea's page on the site ('' while the public pages are not mounted)."""
    try:
        return idea.get_absolute_url()
    except NoReverseMatch:
        return ""


def _share_percent(share_bp: int) -> Decimal:
    return Decimal(share_bp) * 100 / BASIS_POINTS


def _decorate(ideas) -> list[Idea]:
    """Add what the templates show and the models do not carry."""
    ideas = list(ideas)
    for idea in ideas:
        idea.public_url = _public_url(idea)
        for originator in idea.originators.all():
            originator.share_percent = _share_percent(originator.share_bp)
    return ideas


def _page(request, queryset, per_page: int, param: str = "p"):
    page = Paginator(queryset, per_page).get_page(request.GET.get(param))
    page.object_list = _decorate(page.object_list)
    return page


def _settings(request) -> IdeasSettings:
    return IdeasSettings.load(request_or_site=request)


# --- the board's lists ----------------------------------------------------------


@see_required
@require_http_methods(["GET", "HEAD"])
def board(request):
    """Ideas in review and on hold, with their supporters, history, originators."""
    return _render(
        request,
        "ideas/admin/board.html",
        _("Review board"),
        {
            "page_obj": _page(request, board_ideas(), PER_PAGE),
            "next_review_board": _settings(request).next_review_board,
        },
    )


@see_required
@require_http_methods(["GET", "HEAD"])
def development(request):
    """Accepted ideas and ideas in development, each to mark or launch."""
    return _render(
        request,
        "ideas/admin/development.html",
        _("Accepted and in development"),
        {"page_obj": _page(request, development_ideas(), PER_PAGE)},
    )


@see_required
@require_http_methods(["GET", "HEAD"])
def ideas_all(request):
    """Every public idea, searchable by title or number: where merges start."""
    form = MergeSearchForm(request.GET or None)
    query = form.query()
    state = request.GET.get("state", "")
    ideas = public_ideas_search(query=query, state=state)
    return _render(
        request,
        "ideas/admin/ideas_all.html",
        _("All public ideas"),
        {
            "page_obj": _page(request, ideas, PER_PAGE),
            "search_form": form,
            "query": query,
            "state": state if state in PUBLIC_STATES else "",
            "states": [
                (value, label)
                for value, label in IdeaState.choices
                if value in PUBLIC_STATES
            ],
        },
    )


# --- one idea's board page -----------------------------------------------------


def _idea_or_404(idea_id: int) -> Idea:
    return get_object_or_404(
        Idea.objects.select_related("author", "product", "merged_into"), pk=idea_id
    )


def _detail(request, idea: Idea, status: int = 200, **forms):
    """The idea's board page; `forms` replaces the blank form that was sent."""
    can_decide = user_can_decide(request.user)
    supporters = Paginator(
        IdeaSupport.objects.filter(idea=idea)
        .select_related("member")
        .order_by("-created_at", "-id"),
        SUPPORTERS_PER_PAGE,
    ).get_page(request.GET.get("p"))
    comments = (
        IdeaComment.objects.filter(idea=idea)
        .select_related("author")
        .order_by("-created_at", "-id")[:LAST_COMMENTS]
    )
    if can_decide and idea.state in BOARD_STATES:
        forms.setdefault("decision_form", DecisionForm(idea=idea))
    if can_decide and idea.state == IdeaState.ACCEPTED:
        forms.setdefault("development_form", DevelopmentForm())
    if can_decide and idea.state in LAUNCHABLE_STATES:
        forms.setdefault("launch_form", LaunchForm())
    can_merge = (
        user_can_moderate(request.user)
        and idea.is_public
        and IdeaState.MERGED in lifecycle.ALLOWED_MOVES[idea.state]
    )
    return _render(
        request,
        "ideas/admin/idea_detail.html",
        _("Idea #%(id)s") % {"id": idea.pk},
        {
            "idea": idea,
            "public_url": _public_url(idea),
            "moderation_url": _moderation_url(request, idea),
            "history": idea.history.select_related("by").order_by("created_at", "id"),
            "tags": list(idea.tags.all()),
            "photos": list(idea.photos.all()),
            "originators": _originators_with_percent(idea, accepted=False),
            "supporters": supporters,
            "comments": comments,
            "stages": _settings(request).stages(),
            "next_review_board": _settings(request).next_review_board,
            "can_merge": can_merge,
            **forms,
        },
        status=status,
    )


def _moderation_url(request, idea: Idea) -> str:
    if not user_can_moderate(request.user):
        return ""
    content_type = ContentType.objects.get_for_model(Idea)
    return reverse("moderation_admin:item_history", args=[content_type.pk, idea.pk])


@see_required
@require_http_methods(["GET", "HEAD"])
def idea_detail(request, idea_id: int):
    """One idea: its history, originators, supporters, last comments and the
    board's forms for the state it is in."""
    return _detail(request, _idea_or_404(idea_id))


def _back_to(idea: Idea):
    return redirect("ideas_admin:idea", idea_id=idea.pk)


@decide_required
@require_POST
def idea_decide(request, idea_id: int):
    """Accept, decline or put on hold, with a public reason; accepting and
    declining are confirmed on a second page."""
    idea = _idea_or_404(idea_id)
    form = DecisionForm(request.POST, idea=idea)
    if not form.is_valid():
        return _detail(request, idea, status=400, decision_form=form)
    decision = form.cleaned_data["decision"]
    if form.needs_confirmation:
        return _render(
            request,
            "ideas/admin/confirm_decision.html",
            _("Confirm the decision"),
            {
                "idea": idea,
                "form": form,
                "decision": decision,
                "decision_label": dict(form.fields["decision"].choices)[decision],
                "holding_supports": IdeaSupport.objects.filter(
                    idea=idea, released_at__isnull=True
                ).count(),
                "originators": _originators_with_percent(idea, accepted=False),
            },
        )
    try:
        lifecycle.idea_review_decide(
            idea=idea,
            by=request.user,
            decision=decision,
            reason=form.cleaned_data["reason"],
        )
    except (ValidationError, PermissionDenied) as error:
        _error_add(form, error)
        return _detail(request, _idea_or_404(idea_id), status=400, decision_form=form)
    done = {
        IdeaState.ACCEPTED: _("“%(title)s” is accepted; its supporters are told."),
        IdeaState.DECLINED: _("“%(title)s” is declined; its supporters are told."),
        IdeaState.ON_HOLD: _("“%(title)s” is on hold; its supporters are told."),
    }[decision]
    messages.success(request, done % {"title": idea.title})
    return _back_to(idea)


def _originators_with_percent(
    idea: Idea, *, accepted: bool = True
) -> list[IdeaOriginator]:
    """The idea's originators with their shares in percent: those who accepted
    (what a launch pays), or every one, invitations included."""
    originators = idea.originators.select_related("member")
    if accepted:
        originators = originators.filter(accepted_at__isnull=False)
    originators = list(originators)
    for originator in originators:
        originator.share_percent = _share_percent(originator.share_bp)
    return originators


@decide_required
@require_POST
def idea_development(request, idea_id: int):
    """Mark an accepted idea as in development."""
    idea = _idea_or_404(idea_id)
    form = DevelopmentForm(request.POST)
    if not form.is_valid():
        return _detail(request, idea, status=400, development_form=form)
    try:
        lifecycle.idea_development_start(
            idea=idea, by=request.user, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, PermissionDenied) as error:
        _error_add(form, error)
        return _detail(
            request, _idea_or_404(idea_id), status=400, development_form=form
        )
    messages.success(
        request, _("“%(title)s” is in development.") % {"title": idea.title}
    )
    return _back_to(idea)


@decide_required
@require_POST
def idea_launch(request, idea_id: int):
    """Launch an idea as a catalog product, after a page that shows the product
    and the originators who will be paid on its sales."""
    idea = _idea_or_404(idea_id)
    form = LaunchForm(request.POST)
    if not form.is_valid():
        return _detail(request, idea, status=400, launch_form=form)
    # An idea that cannot be launched goes straight to the lifecycle's refusal.
    if not form.cleaned_data["confirmed"] and idea.state in LAUNCHABLE_STATES:
        return _render(
            request,
            "ideas/admin/confirm_launch.html",
            _("Confirm the launch"),
            {
                "idea": idea,
                "form": form,
                "product": form.product,
                "originators": _originators_with_percent(idea),
            },
        )
    try:
        lifecycle.idea_launch(
            idea=idea,
            by=request.user,
            sku=form.cleaned_data["sku"],
            reason=form.cleaned_data["reason"],
        )
    except (ValidationError, PermissionDenied) as error:
        _error_add(form, error)
        return _detail(request, _idea_or_404(idea_id), status=400, launch_form=form)
    messages.success(
        request,
        _(
            "“%(title)s” is launched as %(product)s: its originators earn on its "
            "sales from the next monthly close."
        )
        % {"title": idea.title, "product": form.product},
    )
    return _back_to(idea)


# --- the next review board -----------------------------------------------------


def review_board_schedule(*, date, by=None) -> IdeasSettings:
    """Set (or clear, with None) the date of the next review board.

    Every idea in review and on hold shows it, as does /ideas/how-it-works/: their
    cached pages are forgotten once the change is committed. Wagtail's history of
    the settings keeps who changed it and when.
    """
    with transaction.atomic():
        settings = IdeasSettings.load()
        settings = IdeasSettings.objects.select_for_update().get(pk=settings.pk)
        settings.next_review_board = date
        settings.save(update_fields=["next_review_board"])
        log(instance=settings, action="wagtail.edit", user=by)
        waiting = Idea.objects.filter(state__in=BOARD_STATES).values_list(
            "pk", flat=True
        )
        page_cache_invalidate(IDEAS, *(idea_tag(pk) for pk in waiting))
    return settings


@decide_required
@require_http_methods(["GET", "HEAD", "POST"])
def schedule(request):
    """The form that sets the next review board's date."""
    current = _settings(request).next_review_board
    form = ReviewBoardForm(request.POST or None, initial={"next_review_board": current})
    if request.method == "POST":
        if form.is_valid():
            date = form.cleaned_data["next_review_board"]
            review_board_schedule(date=date, by=request.user)
            if date:
                messages.success(
                    request,
                    _("The next review board is on %(date)s.")
                    % {"date": _date_text(date)},
                )
            else:
                messages.success(request, _("No review board date is shown now."))
            return redirect("ideas_admin:board")
    return _render(
        request,
        "ideas/admin/schedule.html",
        _("Next review board"),
        {"form": form, "current": current},
        status=400 if form.is_bound else 200,
    )


def _date_text(date) -> str:
    from django.utils.formats import date_format

    return date_format(date, "DATE_FORMAT")


# --- merging a duplicate (moderators) ------------------------------------------


def merge_preview(*, duplicate: Idea, original: Idea) -> dict[str, int]:
    """What a merge would do to the supports, counted as the lifecycle moves them:
    a member who supports both counts once, the original's author never supports
    their own idea."""
    supports = IdeaSupport.objects.filter(idea=duplicate)
    both = supports.filter(
        member__in=IdeaSupport.objects.filter(idea=original).values("member")
    )
    total = supports.count()
    counted_once = both.count()
    own = supports.filter(member=original.author_id).exclude(pk__in=both.values("pk"))
    by_original_author = own.count()
    moved = total - counted_once - by_original_author
    return {
        "total": total,
        "counted_once": counted_once,
        "by_original_author": by_original_author,
        "moved": moved,
        "original_after": original.supporter_count + moved,
    }


@moderate_required
@require_http_methods(["GET", "HEAD", "POST"])
def idea_merge(request, idea_id: int):
    """Merge this idea into its original: choose it, see what will happen, confirm."""
    duplicate = _idea_or_404(idea_id)
    if not (
        duplicate.is_public
        and IdeaState.MERGED in lifecycle.ALLOWED_MOVES[duplicate.state]
    ):
        messages.error(
            request,
            _("An idea that is “%(state)s” cannot be merged into another.")
            % {"state": duplicate.get_state_display()},
        )
        return _back_to(duplicate)
    search_form = MergeSearchForm(request.GET or None)
    query = search_form.query()
    candidates = []
    if query:
        candidates = list(
            public_ideas_search(query=query)
            .filter(pk__in=merge_candidates(duplicate=duplicate).values("pk"))
            .order_by("-supporter_count", "-id")[:SEARCH_LIMIT]
        )
    if request.method == "POST":
        form = MergeForm(request.POST, duplicate=duplicate)
    else:
        form = MergeForm(
            duplicate=duplicate, initial={"original": request.GET.get("original", "")}
        )
    context = {
        "idea": duplicate,
        "form": form,
        "search_form": search_form,
        "query": query,
        "candidates": candidates,
    }
    title = _("Merge “%(title)s” into another idea") % {"title": duplicate.title}
    if request.method != "POST":
        return _render(request, "ideas/admin/merge.html", title, context)
    if not form.is_valid():
        return _render(request, "ideas/admin/merge.html", title, context, status=400)
    original = form.original_idea
    if not form.cleaned_data["confirmed"]:
        return _render(
            request,
            "ideas/admin/confirm_merge.html",
            _("Confirm the merge"),
            {
                **context,
                "original": original,
                "preview": merge_preview(duplicate=duplicate, original=original),
                "add_co_originator": form.cleaned_data["add_co_originator"],
            },
        )
    try:
        lifecycle.idea_merge(
            duplicate=duplicate,
            original=original,
            by=request.user,
            reason=form.cleaned_data["reason"],
            add_co_originator=form.cleaned_data["add_co_originator"],
        )
    except (ValidationError, PermissionDenied) as error:
        _error_add(form, error)
        return _render(request, "ideas/admin/merge.html", title, context, status=400)
    messages.success(
        request,
        _("“%(duplicate)s” is merged into “%(original)s”; both authors are told.")
        % {"duplicate": duplicate.title, "original": original.title},
    )
    return _back_to(original)
