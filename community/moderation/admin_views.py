"""The moderation queue and histories in the Wagtail admin (moderators only).

Wagtail wraps these views in its admin-access check; each view also requires the
moderation permission. A PermissionDenied raised here becomes Wagtail's usual
"no permission" redirect to the dashboard.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from comptoir.redirects import next_url

from . import selectors, services
from .forms import (
    DecisionForm,
    ItemDecisionForm,
    QueueFilterForm,
    QueueShortcutsForm,
    SuspendForm,
)
from .models import ModerationAction, Suspension
from .posting import member_active_suspension
from .registry import moderated_type_for, moderated_type_of, rejection_reason_choices
from .views import error_messages_add

# After a decision the queue is shown again with `?after=<entry>`, so the focus
# returns to the next item rather than to the top of the page (without JS too).
FOCUS_PARAM = "after"


def _require_moderator(request) -> None:
    if not services.user_can_moderate(request.user):
        raise PermissionDenied(_("Only moderators may open the moderation queue."))


def _errors_to_messages(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _queue_rejection_reasons(content_type_id: int | None) -> list:
    """The reasons of the type the queue is filtered on, or of every type."""
    moderated_type = moderated_type_for(content_type_id) if content_type_id else None
    if moderated_type is None:
        return rejection_reason_choices()
    return moderated_type.rejection_choices()


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _posted_entry_id(request) -> int | None:
    """The last queue entry the form posted (in page order), to focus after it."""
    ids = [_int_or_none(value) for value in request.POST.getlist("entries")]
    ids = [entry_id for entry_id in ids if entry_id is not None]
    return ids[-1] if ids else None


def _with_focus(url: str, entry_id: int | None) -> str:
    """The queue address `url` asking to focus the item after `entry_id`."""
    if entry_id is None:
        return url
    path, _sep, query = url.split("#", 1)[0].partition("?")
    params = QueryDict(query, mutable=True)
    params[FOCUS_PARAM] = str(entry_id)
    return f"{path}?{params.urlencode()}"


def _wants_json(request) -> bool:
    # The queue's script sends a decision in the background once its undo
    # delay is over and asks for JSON; a form without JavaScript gets a redirect.
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


@require_GET
def queue(request):
    """The open queue entries, oldest first, with filters and bulk actions."""
    _require_moderator(request)
    filter_form = QueueFilterForm(request.GET or None)
    filters = filter_form.filters()
    page = selectors.queue_page(**filters, page_number=request.GET.get("p", 1))
    query = request.GET.copy()
    query.pop("p", None)
    query.pop(FOCUS_PARAM, None)
    # Decisions come back here, to this page of the queue, without the focus
    # request of the previous one.
    back_query = request.GET.copy()
    back_query.pop(FOCUS_PARAM, None)
    back = request.path + (f"?{back_query.urlencode()}" if back_query else "")
    entries = list(page.object_list)
    shortcuts = selectors.queue_shortcuts_for(moderator=request.user)
    return render(
        request,
        "moderation/admin/queue.html",
        {
            "page": page,
            "entries": entries,
            "filter_form": filter_form,
            "filter_query": query.urlencode(),
            "rejection_reasons": _queue_rejection_reasons(
                filters.get("content_type_id")
            ),
            "open_count": selectors.queue_open_count(),
            "next_url": back,
            "focus_entry_id": selectors.queue_focus_entry_id(
                page_entries=entries,
                after_entry_id=_int_or_none(request.GET.get(FOCUS_PARAM)),
            ),
            "shortcuts": shortcuts,
            "shortcuts_form": QueueShortcutsForm.for_shortcuts(shortcuts),
        },
    )


@require_POST
def decide(request):
    """Approve or reject the selected entries; bulk rejection asks to confirm."""
    _require_moderator(request)
    if _wants_json(request):
        return _decide_json(request)
    back = _with_focus(
        next_url(request, default=reverse("moderation_admin:queue")),
        _posted_entry_id(request),
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _errors_to_messages(request, form)
        return redirect(back)
    data = form.cleaned_data
    entries = selectors.queue_entries_by_ids(entry_ids=data["entries"])
    if not entries:
        messages.warning(request, _already_decided_text())
        return redirect(back)
    rejecting = data["action"] == ModerationAction.REJECT
    if rejecting and len(entries) > 1 and not data["confirmed"]:
        return render(
            request,
            "moderation/admin/confirm_reject.html",
            {
                "entries": entries,
                "reason_label": dict(rejection_reason_choices())[data["reason"]],
                "data": data,
                "next_url": next_url(
                    request, default=reverse("moderation_admin:queue")
                ),
            },
        )
    decisions = _decide(request, entries, data)
    if decisions is None:
        return redirect(back)
    messages.success(request, _decided_text(data["action"], len(decisions)))
    return redirect(back)


def _already_decided_text() -> str:
    return _("These items were already decided by another moderator.")


def _decided_text(action, count: int) -> str:
    if action == ModerationAction.APPROVE:
        text = ngettext("%(count)s item approved.", "%(count)s items approved.", count)
    else:
        text = ngettext("%(count)s item rejected.", "%(count)s items rejected.", count)
    return text % {"count": count}


def _decide_json(request) -> JsonResponse:
    """The same decision for the queue's script: what happened, as JSON, and no
    message left for the next page (the script announces it)."""
    form = DecisionForm(request.POST)
    if not form.is_valid():
        errors = [error for errors in form.errors.values() for error in errors]
        return JsonResponse({"message": " ".join(errors)}, status=400)
    data = form.cleaned_data
    entries = selectors.queue_entries_by_ids(entry_ids=data["entries"])
    if not entries:
        return JsonResponse({"message": _already_decided_text()}, status=409)
    if data["action"] == ModerationAction.REJECT and len(entries) > 1:
        # Bulk rejection is always confirmed on its own page first.
        if not data["confirmed"]:
            return JsonResponse(
                {"message": _("Confirm the rejection of several items first.")},
                status=400,
            )
    try:
        decisions = services.moderation_decide(
            moderator=request.user,
            entries_or_contents=entries,
            action=data["action"],
            reason=data["reason"] or None,
            note=data["note"],
        )
    except (ValidationError, PermissionDenied) as error:
        texts = getattr(error, "messages", None) or [str(error)]
        return JsonResponse({"message": " ".join(texts)}, status=400)
    return JsonResponse(
        {
            "decided": len(decisions),
            "message": _decided_text(data["action"], len(decisions)),
        }
    )


def _decide(request, entries_or_contents, data: dict) -> list | None:
    """The decisions written, or None when the service refused (told as messages)."""
    try:
        return services.moderation_decide(
            moderator=request.user,
            entries_or_contents=entries_or_contents,
            action=data["action"],
            reason=data["reason"] or None,
            note=data["note"],
        )
    except (ValidationError, PermissionDenied) as error:
        error_messages_add(request, error)
        return None


def _content_or_404(content_type_id: int, object_id: int):
    content = selectors.content_get(
        content_type_id=content_type_id, object_id=object_id
    )
    if content is None:
        raise Http404(_("No moderated content has this address."))
    return content


@require_GET
def item_history(request, content_type_id: int, object_id: int):
    """One item: its preview, status, reports and every decision on it."""
    _require_moderator(request)
    content = _content_or_404(content_type_id, object_id)
    return render(
        request,
        "moderation/admin/item_history.html",
        {
            "content": content,
            "content_type_id": content_type_id,
            "author": content.moderation_author,
            "open_entry": selectors.queue_entry_open_for(content=content),
            "decisions": selectors.content_decisions(content=content)[
                : selectors.HISTORY_LIMIT
            ],
            "reports": selectors.content_reports(content=content)[
                : selectors.HISTORY_LIMIT
            ],
            "rejection_reasons": moderated_type_of(content).rejection_choices(),
        },
    )


@require_POST
def item_decide(request, content_type_id: int, object_id: int):
    """Approve or reject one item from its history page (e.g. a hidden one)."""
    _require_moderator(request)
    content = _content_or_404(content_type_id, object_id)
    back = reverse("moderation_admin:item_history", args=[content_type_id, object_id])
    form = ItemDecisionForm(request.POST, moderated_type=moderated_type_of(content))
    if not form.is_valid():
        _errors_to_messages(request, form)
        return redirect(back)
    data = form.cleaned_data
    if _decide(request, [content], data) is None:
        return redirect(back)
    if data["action"] == ModerationAction.APPROVE:
        messages.success(request, _("Approved: it is published."))
    else:
        messages.success(request, _("Rejected: the author has been told why."))
    return redirect(back)


def _member_or_404(member_id: int):
    return get_object_or_404(get_user_model(), pk=member_id)


def _member_history_render(request, member, suspend_form, status=200):
    return render(
        request,
        "moderation/admin/member_history.html",
        {
            "member": member,
            "active_suspension": member_active_suspension(member=member),
            "suspensions": selectors.member_suspensions(member=member)[
                : selectors.HISTORY_LIMIT
            ],
            "decisions": selectors.member_decisions(member=member)[
                : selectors.HISTORY_LIMIT
            ],
            "reports_received": selectors.member_reports_received(member=member)[
                : selectors.HISTORY_LIMIT
            ],
            "reports_made": selectors.member_reports_made(member=member)[
                : selectors.HISTORY_LIMIT
            ],
            "suspend_form": suspend_form,
        },
        status=status,
    )


@require_GET
def member_history(request, member_id: int):
    """A member: suspension state, decisions received, reports, suspend form."""
    _require_moderator(request)
    member = _member_or_404(member_id)
    return _member_history_render(request, member, SuspendForm())


@require_POST
def member_suspend(request, member_id: int):
    """Suspend a member until a date, with a reason they are shown."""
    _require_moderator(request)
    member = _member_or_404(member_id)
    form = SuspendForm(request.POST)
    if form.is_valid():
        try:
            services.member_suspend(
                moderator=request.user,
                member=member,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(member)s is suspended and has been told why.")
                % {"member": member.public_name},
            )
            return redirect("moderation_admin:member_history", member_id=member.pk)
    return _member_history_render(request, member, form, status=400)


@require_POST
def suspension_lift(request, suspension_id: int):
    """End a member's suspension now."""
    _require_moderator(request)
    suspension = get_object_or_404(Suspension, pk=suspension_id)
    back = reverse("moderation_admin:member_history", args=[suspension.member_id])
    try:
        services.suspension_lift(
            moderator=request.user,
            suspension=suspension,
            note=request.POST.get("note", "")[: services.NOTE_MAX_LENGTH],
        )
    except ValidationError as error:
        error_messages_add(request, error)
    else:
        messages.success(request, _("The suspension is lifted."))
    return redirect(back)


@require_POST
def shortcuts_save(request):
    """Turn the moderator's single-key queue shortcuts on or off, or remap them."""
    _require_moderator(request)
    back = next_url(request, default=reverse("moderation_admin:queue"))
    form = QueueShortcutsForm(request.POST)
    if not form.is_valid():
        _errors_to_messages(request, form)
        return redirect(f"{back}#keyboard-shortcuts")
    try:
        services.queue_shortcuts_save(
            moderator=request.user,
            enabled=form.cleaned_data["enabled"],
            keys=form.keys(),
        )
    except ValidationError as error:
        error_messages_add(request, error)
    else:
        if form.cleaned_data["enabled"]:
            messages.success(request, _("Your keyboard shortcuts are saved."))
        else:
            messages.success(request, _("Single-key shortcuts are off for you."))
    return redirect(f"{back}#keyboard-shortcuts")
