"""Members' conversation pages: my conversations, one conversation, contact the
seller, report a message.

Every conversation page is one of its two parties' own: anyone else gets 404,
staff and moderators included, so nobody learns whether it exists. Everything
works without JavaScript by posting the forms; conversation.js sends the message
form in place (asking for JSON) and appends what the socket delivers.

resale-pages includes `conversation_urlpatterns` in the app's urls.py (namespace
"resale").
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from community.moderation.forms import ReportForm
from comptoir.form_errors import form_errors_add, refusal_words

from . import conversations as talk
from .live import MESSAGE_TEMPLATE
from .models import MESSAGE_MAX_LENGTH, PUBLIC_STATES, Listing, ResaleSettings

CONVERSATIONS_PER_PAGE = 20


class MessageForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your message"),
        # The length is the service's rule, said in its words.
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MESSAGE_MAX_LENGTH}),
        error_messages={"required": gettext_lazy("Write a message first.")},
    )


class ContactForm(MessageForm):
    """The first message to a seller; may be left empty to open the conversation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].required = False


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _masked_note(request: HttpRequest) -> None:
    rules = ResaleSettings.load(request_or_site=request)
    messages.info(
        request,
        _(
            "E-mail addresses and phone numbers are hidden in messages until trust "
            "level %(level)s. Meet in one of our stores for the hand-off: it "
            "protects you both."
        )
        % {"level": rules.link_min_level},
    )


def _send(request, conversation, form):
    """Send the form's message; the message, or None with the refusal on the form."""
    try:
        return talk.message_send(
            conversation=conversation,
            sender=request.user,
            body=form.cleaned_data["body"],
        )
    except ValidationError as error:
        form_errors_add(form, error)
    except PermissionDenied as error:
        form.add_error(None, refusal_words(error))
    return None


def _listing_for_contact(pk: int) -> Listing:
    listing = (
        Listing.objects.select_related("seller")
        .filter(pk=pk, status="published", state__in=PUBLIC_STATES)
        .first()
    )
    if listing is None:
        raise Http404(_("There is no listing at this address."))
    return listing


@login_required
@require_safe
def conversation_list(request: HttpRequest) -> HttpResponse:
    """/me/conversations/: the member's conversations, latest message first."""
    page = Paginator(
        talk.member_conversations(member=request.user), CONVERSATIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "resale/conversations/conversation_list.html",
        {
            "page_obj": page,
            "unread_count": talk.conversations_unread_count(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """/me/conversations/<pk>/: the messages (latest first page, older by
    ?before=<id>) and the form; reading it marks it read."""
    conversation = talk.conversation_for_member(pk=pk, member=request.user)
    if request.method == "POST" and request.POST.get("action") == "read":
        # conversation.js, when a message arrived live before its reader's eyes.
        talk.conversation_read(conversation=conversation, member=request.user)
        return HttpResponse(status=204)
    form = MessageForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        message = _send(request, conversation, form) if form.is_valid() else None
        if message is not None:
            if _wants_json(request):
                return JsonResponse(
                    {
                        "id": message.pk,
                        "masked": message.masked,
                        "html": render_to_string(
                            MESSAGE_TEMPLATE,
                            {"message": message, "mine": True},
                            request=request,
                        ),
                    }
                )
            if message.masked:
                _masked_note(request)
            return redirect(f"{conversation.get_absolute_url()}#message-{message.pk}")
        if _wants_json(request):
            return JsonResponse(
                {"errors": [str(e) for errors in form.errors.values() for e in errors]},
                status=400,
            )
        status = 400
    try:
        before = int(request.GET.get("before", "") or 0) or None
    except ValueError:
        before = None
    page, older = talk.conversation_messages(
        conversation=conversation, before_id=before
    )
    if not before and request.method != "POST":
        talk.conversation_read(conversation=conversation, member=request.user)
    other = conversation.other_party(request.user)
    return render(
        request,
        "resale/conversations/conversation_detail.html",
        {
            "conversation": conversation,
            "listing": conversation.listing,
            "other": other,
            "is_seller": request.user.pk == conversation.seller_id,
            "conversation_messages": page,
            "older_id": older,
            "form": form,
            "trusted": talk.member_is_trusted_in_talk(request.user),
            "socket_path": f"/ws/resale/conversations/{conversation.pk}/",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def contact(request: HttpRequest, pk: int) -> HttpResponse:
    """/resale/<pk>/contact/: POST starts (or reopens) the conversation with the
    seller, with a first message if one is written; GET shows the form, or the
    conversation the member already has."""
    listing = _listing_for_contact(pk)
    if request.method != "POST":
        existing = talk.member_conversations(
            member=request.user, listing=listing
        ).first()
        if existing is not None:
            return redirect(existing)
    form = ContactForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                conversation = talk.conversation_open(
                    listing=listing, member=request.user
                )
            except ValidationError as error:
                form_errors_add(form, error)
            except PermissionDenied as error:
                form.add_error(None, refusal_words(error))
            else:
                if not form.cleaned_data["body"]:
                    return redirect(conversation)
                message = _send(request, conversation, form)
                if message is not None:
                    if message.masked:
                        _masked_note(request)
                    return redirect(
                        f"{conversation.get_absolute_url()}#message-{message.pk}"
                    )
        status = 400
    return render(
        request,
        "resale/conversations/contact_form.html",
        {
            "listing": listing,
            "form": form,
            "is_seller": listing.seller_id == request.user.pk,
            "trusted": talk.member_is_trusted_in_talk(request.user),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def message_report(request: HttpRequest, pk: int, message_id: int) -> HttpResponse:
    """/me/conversations/<pk>/messages/<id>/report/: the other party reports a
    message to the moderators, who then see it with the messages around it."""
    conversation = talk.conversation_for_member(pk=pk, member=request.user)
    message = talk.message_for_member(conversation=conversation, message_id=message_id)
    back = f"{conversation.get_absolute_url()}#message-{message.pk}"
    if message.sender_id == request.user.pk:
        messages.error(request, _("You cannot report your own message."))
        return redirect(back)
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        moderated_type=talk.MESSAGE_MODERATED_TYPE,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                talk.message_report(
                    reporter=request.user,
                    message=message,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, refusal_words(error))
                return redirect(back)
            messages.success(
                request, _("Thank you: a moderator will look at your report.")
            )
            return redirect(back)
        status = 400
    return render(
        request,
        "resale/conversations/message_report.html",
        {"conversation": conversation, "message": message, "form": form, "back": back},
        status=status,
    )


conversation_urlpatterns = [
    path("me/conversations/", conversation_list, name="conversations"),
    path("me/conversations/<int:pk>/", conversation_detail, name="conversation"),
    path(
        "me/conversations/<int:pk>/messages/<int:message_id>/report/",
        message_report,
        name="message_report",
    ),
    path("resale/<int:pk>/contact/", contact, name="contact"),
]
