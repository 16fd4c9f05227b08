"""Private conversations about a listing: its seller and one interested member.

Only the two parties ever read a conversation: `conversation_for_member` answers
404 to anyone else, staff and moderators included; a moderator sees a message
(with the messages around it) only once a party has reported it, in the one
moderation queue. Messages publish at once, never premoderated: a conversation
is not public. Members below `ResaleSettings.link_min_level` may not send links,
and the e-mail addresses and phone numbers they write are masked (the usual first
step of a scam is to take the talk elsewhere); everyone's messages are rate
limited by trust level. Each party's last read message id makes the unread
count; a new message notifies the other party in the app once per conversation
until they read it (the header's notification count is the unread conversation
count's way there), and by e-mail only for a new conversation, to a party who
is offline (`community.notifications.presence`): one with the site open sees
the notification arrive live on their pages.

Services (`conversation_open`, `message_send`, `conversation_read`,
`message_report`) each run in one transaction; reads are the other functions.
Broadcasts and notifications leave after commit (`live.py`, notifications).

Messages do not go through `member_posting_check`: a reply in a private
conversation is not a public post, and the first-day limit and the pause between
posts of new members would stop a buyer mid-talk. Suspension is checked
(`member_suspension_check`); links and the hourly limit are this module's, by
`ResaleSettings`. No `PostingRecord` is written, so chatting never counts
against a member's public posting limits.

Member data (a member's messages exported, blanked on erasure) is in
`member_data.py`.
"""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from community.moderation.models import ModerationStatus, Report
from community.moderation.posting import member_suspension_check, text_has_link
from community.moderation.registry import ModeratedType
from community.moderation.services import report_create
from community.notifications.models import Notification
from community.notifications.presence import member_is_online
from community.notifications.services import (
    notification_mark_read,
    notification_send,
)

from . import live
from .models import (
    LISTED_STATES,
    MESSAGE_MAX_LENGTH,
    Conversation,
    Listing,
    ListingState,
    Message,
    ResaleSettings,
)

HOUR = dt.timedelta(hours=1)
# What replaces a masked e-mail address or phone number: the same in every
# language, the note under the message says why in the reader's.
MASK = "•••"
# The notification kind of a conversation with unread messages; one per
# conversation until it is read. E-mails of it are "trades" (notifications).
NOTIFICATION_KIND = "resale_message"
EMAIL_CATEGORY = "trades"
# Messages shown on a conversation page; older ones page by keyset (?before=<id>).
MESSAGES_PER_PAGE = 50
# Messages either side of a reported one in the moderator's preview.
REPORT_CONTEXT = 5
# Listing states in which its conversations are closed to new messages.
CLOSED_LISTING_STATES = frozenset({ListingState.REJECTED})

# e-mail addresses, also written "name (at) host (dot) fr" or "name [at] host".
EMAIL_PATTERN = re.compile(
    r"""
    [\w.+\-]+
    \s*(?:@|\(\s*at\s*\)|\[\s*at\s*\]|\s+at\s+)\s*
    [\w\-]+
    (?:\s*(?:\.|\(\s*dot\s*\)|\[\s*dot\s*\]|\s+dot\s+)\s*[\w\-]+)*
    \s*(?:\.|\(\s*dot\s*\)|\[\s*dot\s*\]|\s+dot\s+)\s*[a-z]{2,}\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
# French numbers: 06 12 34 56 78, 06.12.34.56.78, 0612345678, +33 6 12 34 56 78,
# +33 (0)6…, 0033 6…; and any other international number of 8 digits or more.
PHONE_PATTERN = re.compile(
    r"""
      (?<![\w+])(?:\+|00)\s*33\s*(?:\(\s*0\s*\)\s*)?[1-9](?:[\s.\-/]*\d{2}){4}(?!\d)
    | (?<![\w+])0[1-9](?:[\s.\-/]*\d{2}){4}(?!\d)
    | (?<![\w+])(?:\+|00)[1-9]\d{0,2}(?:[\s.\-/]*\d){7,12}(?!\d)
    """,
    re.VERBOSE,
)


def contact_details_mask(text: str) -> tuple[str, bool]:
    """The text with e-mail addresses and phone numbers replaced by MASK, and
    whether anything was masked."""
    masked_text, emails = EMAIL_PATTERN.subn(MASK, text)
    masked_text, phones = PHONE_PATTERN.subn(MASK, masked_text)
    return masked_text, bool(emails or phones)


# --- rules read by the services ---------------------------------------------------


def _rules() -> ResaleSettings:
    return ResaleSettings.load()


def member_is_trusted_in_talk(member, rules: ResaleSettings | None = None) -> bool:
    """Whether a member's messages may hold links and contact details: from the
    trust level of `ResaleSettings.link_min_level`, or staff."""
    rules = rules or _rules()
    return member.is_staff or member.trust_level >= rules.link_min_level


def messages_per_hour(member, rules: ResaleSettings | None = None) -> int:
    """How many messages a member may send in any hour (0: no limit)."""
    rules = rules or _rules()
    if member.is_staff or member.trust_level >= 2:
        return rules.messages_per_hour_member
    return rules.messages_per_hour_new


def _member_row_lock(member) -> None:
    # Two messages sent at once by one member are counted one after the other.
    get_user_model().objects.select_for_update().filter(pk=member.pk).exists()


def _rate_check(*, member, now: dt.datetime, rules: ResaleSettings) -> None:
    limit = messages_per_hour(member, rules)
    if not limit:
        return
    _member_row_lock(member)
    sent = Message.objects.filter(sender=member, created_at__gt=now - HOUR).count()
    if sent >= limit:
        raise PermissionDenied(
            ngettext(
                "You can send at most %(limit)s message an hour. Please wait a "
                "little before writing again.",
                "You can send at most %(limit)s messages an hour. Please wait a "
                "little before writing again.",
                limit,
            )
            % {"limit": limit}
        )


def _body_clean(body: str) -> str:
    # NUL characters are never text a person typed, and PostgreSQL refuses them.
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise ValidationError({"body": [_("Write a message first.")]})
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {
                "body": [
                    _("A message may have %(max)s characters at most (it has %(n)s).")
                    % {
                        "max": number_format(MESSAGE_MAX_LENGTH, force_grouping=True),
                        "n": number_format(len(body), force_grouping=True),
                    }
                ]
            }
        )
    return body


def _is_party(conversation: Conversation, member) -> bool:
    return bool(
        member is not None
        and getattr(member, "is_authenticated", False)
        and member.pk in (conversation.buyer_id, conversation.seller_id)
    )


def _read_field(conversation: Conversation, member) -> str:
    return "buyer_read_id" if member.pk == conversation.buyer_id else "seller_read_id"


# --- services -----------------------------------------------------------------------


def conversation_open(*, listing: Listing, member, now=None) -> Conversation:
    """Start a conversation with the seller of a listing, or return the one the
    member already has about it.

    Refused to the seller themselves, to a suspended member, and (for a new one)
    on a listing that is not on sale: public, published or reserved.
    """
    now = now or timezone.now()
    if member is None or not member.is_authenticated:
        raise PermissionDenied(_("Log in to contact the seller."))
    if member.pk == listing.seller_id:
        raise ValidationError(
            _("This is your own listing: there is nobody to contact.")
        )
    with transaction.atomic():
        existing = Conversation.objects.filter(listing=listing, buyer=member).first()
        if existing is not None:
            return existing
        member_suspension_check(member=member)
        listing = Listing.objects.select_for_update().get(pk=listing.pk)
        if not (listing.is_public and listing.state in LISTED_STATES):
            raise ValidationError(
                _("This listing is no longer on sale: the seller cannot be contacted.")
            )
        conversation, _created = Conversation.objects.get_or_create(
            listing=listing,
            buyer=member,
            defaults={
                "seller_id": listing.seller_id,
                "created_at": now,
                "last_message_at": now,
            },
        )
    return conversation


def message_send(*, conversation: Conversation, sender, body: str, now=None) -> Message:
    """Send a message in a conversation, as one of its two parties.

    Refused to anyone else (PermissionDenied), to a suspended member, when the
    listing was refused by moderators, past the hourly limit of the sender's trust
    level, and (below `link_min_level`) when the text holds a link. Below that
    level e-mail addresses and phone numbers are masked (`Message.masked`). The
    message is published at once; the other party is notified in the app unless
    they already have an unread notification of this conversation, and by e-mail
    for the first message of a conversation if they are not online (no page of
    theirs live in the last two minutes: notifications' `presence.py`). Both
    parties' open pages get it live.
    """
    now = now or timezone.now()
    if not _is_party(conversation, sender):
        raise PermissionDenied(_("Only the two members of a conversation write in it."))
    body = _body_clean(body)
    rules = _rules()
    trusted = member_is_trusted_in_talk(sender, rules)
    if not trusted and text_has_link(body):
        raise ValidationError(
            {
                "body": [
                    _(
                        "Links are allowed in messages from trust level %(level)s. "
                        "Please remove the web addresses and send again."
                    )
                    % {"level": rules.link_min_level}
                ]
            },
            code="links_not_allowed",
        )
    masked = False
    if not trusted:
        body, masked = contact_details_mask(body)
    with transaction.atomic():
        member_suspension_check(member=sender)
        conversation = (
            Conversation.objects.select_for_update()
            .select_related("listing", "buyer", "seller")
            .get(pk=conversation.pk)
        )
        if conversation.listing.state in CLOSED_LISTING_STATES:
            raise ValidationError(
                _("This listing was refused by moderators: its conversation is closed.")
            )
        _rate_check(member=sender, now=now, rules=rules)
        first = not Message.objects.filter(conversation=conversation).exists()
        message = Message.objects.create(
            conversation=conversation,
            sender=sender,
            body=body,
            masked=masked,
            status=ModerationStatus.PUBLISHED,
            status_changed_at=now,
            published_at=now,
            created_at=now,
        )
        # The sender has read everything up to their own message.
        Conversation.objects.filter(pk=conversation.pk).update(
            last_message_at=now, **{_read_field(conversation, sender): message.pk}
        )
        conversation.last_message_at = now
        setattr(conversation, _read_field(conversation, sender), message.pk)
        _recipient_notify(conversation, sender=sender, first=first, now=now)
        live.message_broadcast_on_commit(message)
    return message


def _recipient_notify(
    conversation: Conversation, *, sender, first: bool, now: dt.datetime
) -> None:
    recipient = conversation.other_party(sender)
    if not recipient.is_active:
        return
    url = conversation.get_absolute_url()
    if Notification.objects.filter(
        recipient=recipient, kind=NOTIFICATION_KIND, url=url, read_at__isnull=True
    ).exists():
        return
    listing = conversation.listing
    if first:
        title = _("%(name)s wants to talk about “%(listing)s”") % {
            "name": sender.public_name,
            "listing": listing.title,
        }
    else:
        title = _("New message from %(name)s about “%(listing)s”") % {
            "name": sender.public_name,
            "listing": listing.title,
        }
    notification_send(
        recipient=recipient,
        kind=NOTIFICATION_KIND,
        title=title,
        body=_(
            "Reply on Comptoir. Never share your bank details: hand over and pay in "
            "one of our stores, it protects you both."
        ),
        url=url,
        # E-mail for a new conversation only, never for every message, and not to
        # a member with the site open: their pages show it at once (ws/notifications/).
        email=first and not member_is_online(recipient.pk, now=now),
        email_category=EMAIL_CATEGORY,
    )


def conversation_read(*, conversation: Conversation, member) -> None:
    """Mark everything in the conversation read for one of its parties.

    One write to the conversation at most (none when nothing is new), and its
    notification marked read, which updates the header's count.
    """
    if not _is_party(conversation, member):
        raise Http404(_("There is no conversation at this address."))
    field = _read_field(conversation, member)
    with transaction.atomic():
        last_id = (
            Message.objects.filter(conversation_id=conversation.pk)
            .order_by("-id")
            .values_list("id", flat=True)
            .first()
        )
        if last_id and last_id > getattr(conversation, field):
            Conversation.objects.filter(
                pk=conversation.pk, **{f"{field}__lt": last_id}
            ).update(**{field: last_id})
            setattr(conversation, field, last_id)
        for notification in Notification.objects.filter(
            recipient_id=member.pk,
            kind=NOTIFICATION_KIND,
            url=conversation.get_absolute_url(),
            read_at__isnull=True,
        ):
            notification_mark_read(notification=notification)


def message_report(
    *, reporter, message: Message, reason: str, note: str = "", now=None
):
    """Report a message of one's own conversation to the moderators; returns the
    moderation `Report`.

    Only the other party may report it (PermissionDenied for anyone else, who may
    not even know it exists). It goes to the one moderation queue, where the
    moderator sees it with the messages around it; moderation's rules apply
    (one report per member, published messages only, hidden at its thresholds).
    """
    conversation = message.conversation
    if not _is_party(conversation, reporter):
        raise PermissionDenied(_("You can only report messages of your conversations."))
    if message.sender_id == reporter.pk:
        raise ValidationError(_("You cannot report your own message."))
    with transaction.atomic():
        return report_create(
            reporter=reporter, content=message, reason=reason, note=note
        )


# --- reads ----------------------------------------------------------------------------


def _unread_condition(member_id: int) -> Q:
    """Conversations where `member_id` has unread messages (one EXISTS each side)."""
    as_buyer = Exists(
        Message.objects.filter(
            conversation_id=OuterRef("pk"),
            id__gt=OuterRef("buyer_read_id"),
            status=ModerationStatus.PUBLISHED,
        ).exclude(sender_id=member_id)
    )
    as_seller = Exists(
        Message.objects.filter(
            conversation_id=OuterRef("pk"),
            id__gt=OuterRef("seller_read_id"),
            status=ModerationStatus.PUBLISHED,
        ).exclude(sender_id=member_id)
    )
    return (Q(buyer_id=member_id) & as_buyer) | (Q(seller_id=member_id) & as_seller)


def conversations_unread_count(member) -> int:
    """How many of a member's conversations hold messages they have not read."""
    if member is None or not getattr(member, "is_authenticated", False):
        return 0
    return (
        Conversation.objects.filter(Q(buyer_id=member.pk) | Q(seller_id=member.pk))
        .filter(_unread_condition(member.pk))
        .count()
    )


def member_conversations(*, member, listing: Listing | None = None) -> QuerySet:
    """A member's conversations (as buyer or seller), latest message first, with
    the listing, both parties, `unread` and the last message's text and sender,
    in one query whatever their number."""
    last = Message.objects.filter(conversation_id=OuterRef("pk")).order_by("-id")
    # A buyer who opened a conversation sees it at once; the seller once it
    # holds a message.
    conversations = Conversation.objects.filter(
        Q(buyer_id=member.pk)
        | Q(
            Exists(Message.objects.filter(conversation_id=OuterRef("pk"))),
            seller_id=member.pk,
        )
    )
    if listing is not None:
        conversations = conversations.filter(listing=listing)
    return (
        conversations.select_related("listing", "buyer", "seller")
        .annotate(
            last_body=Subquery(last.values("body")[:1]),
            last_sender_id=Subquery(last.values("sender_id")[:1]),
            last_status=Subquery(last.values("status")[:1]),
        )
        .alias(has_unread=_unread_condition(member.pk))
        .annotate(unread=Q(has_unread=True))
        .order_by("-last_message_at", "-id")
    )


def conversation_for_member(*, pk: int, member) -> Conversation:
    """One conversation of the member's, with its listing and parties; Http404 for
    anyone who is not one of its two parties (staff and moderators included)."""
    if member is None or not getattr(member, "is_authenticated", False):
        raise Http404(_("There is no conversation at this address."))
    conversation = (
        Conversation.objects.select_related("listing", "buyer", "seller")
        .filter(Q(buyer_id=member.pk) | Q(seller_id=member.pk), pk=pk)
        .first()
    )
    if conversation is None:
        raise Http404(_("There is no conversation at this address."))
    return conversation


def conversation_is_party(*, conversation_id: int, member_id: int) -> bool:
    """Whether a member is one of the two parties (the websocket's handshake)."""
    return Conversation.objects.filter(
        Q(buyer_id=member_id) | Q(seller_id=member_id), pk=conversation_id
    ).exists()


def conversation_messages(
    *, conversation: Conversation, before_id: int | None = None
) -> tuple[list[Message], int | None]:
    """The latest MESSAGES_PER_PAGE messages (before `before_id` if given), oldest
    first, with their senders; and the id to ask for older ones, or None."""
    messages = Message.objects.filter(conversation_id=conversation.pk)
    if before_id:
        messages = messages.filter(id__lt=before_id)
    page = list(
        messages.select_related("sender").order_by("-id")[: MESSAGES_PER_PAGE + 1]
    )
    older = page[MESSAGES_PER_PAGE - 1].pk if len(page) > MESSAGES_PER_PAGE else None
    return list(reversed(page[:MESSAGES_PER_PAGE])), older


def message_for_member(*, conversation: Conversation, message_id: int) -> Message:
    """One message of a conversation the caller already checked; Http404 if it is
    not in it."""
    message = (
        Message.objects.select_related("sender", "conversation")
        .filter(conversation_id=conversation.pk, pk=message_id)
        .first()
    )
    if message is None:
        raise Http404(_("There is no message at this address."))
    return message


def reported_message_context(message: Message) -> list[Message] | None:
    """The messages around a reported one, for the moderator's preview; None when
    nobody reported it (a moderator sees a conversation only through a report)."""
    reported = Report.objects.filter(
        content_type__app_label="resale",
        content_type__model="message",
        object_id=message.pk,
    ).exists()
    if not reported:
        return None
    around = Message.objects.filter(conversation_id=message.conversation_id)
    before = list(
        around.filter(id__lt=message.pk)
        .select_related("sender")
        .order_by("-id")[:REPORT_CONTEXT]
    )
    after = list(
        around.filter(id__gt=message.pk)
        .select_related("sender")
        .order_by("id")[:REPORT_CONTEXT]
    )
    return [*reversed(before), message, *after]


# --- moderation ----------------------------------------------------------------------

MESSAGE_POSTING_KIND = "resale_message"


class MessageModeratedType(ModeratedType):
    """Messages in the moderation queue: there only once reported.

    `authored_by` is what moderation reads for a member's reports received and
    approved contributions: only reported messages, so private talk earns no
    trust (ten chats would make anyone a trusted member) and moderators never
    list a conversation that nobody reported.
    """

    def authored_by(self, member) -> QuerySet:
        reported = Report.objects.filter(
            content_type__app_label="resale",
            content_type__model="message",
            object_id=OuterRef("pk"),
        )
        return Message.objects.filter(sender=member).filter(Exists(reported))

    def reportable_by(self, member, message) -> bool:
        """Only the other party may report a message (moderation's report page
        answers 404 to anyone else, who may not know the message exists)."""
        return bool(
            member.is_authenticated
            and member.pk != message.sender_id
            and conversation_is_party(
                conversation_id=message.conversation_id, member_id=member.pk
            )
        )


MESSAGE_MODERATED_TYPE = MessageModeratedType(
    model=Message,
    author_field="sender",
    posting_kind=MESSAGE_POSTING_KIND,
    names=(gettext_lazy("conversation message"), gettext_lazy("conversation messages")),
    preview_template="resale/conversations/message_moderation_preview.html",
    report_reasons=(
        ("outside_site", gettext_lazy("A scam: asks to pay or talk outside the site")),
        ("harassment", gettext_lazy("Harassment or threats")),
    ),
)
