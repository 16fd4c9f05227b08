"""Private conversations about a listing: who may read them, what a message may
hold, how often, who is told, and what a report shows the moderators.

The listing is written straight to the database, published, so these tests do
not depend on the listing services; messages go through `message_send`, pages
through the test client, as a member would use them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from community.moderation.models import ModerationStatus, QueueEntry, QueueReason
from community.notifications.models import Notification
from marketplace.resale.conversations import (
    MASK,
    NOTIFICATION_KIND,
    contact_details_mask,
    conversation_for_member,
    conversation_open,
    conversation_read,
    conversations_unread_count,
    member_conversations,
    message_report,
    message_send,
)
from marketplace.resale.models import (
    Conversation,
    Listing,
    ListingState,
    Message,
    ResaleSettings,
)
from tests.conftest import SUITE_NOW
from tests.factories import MemberFactory
from tests.marketplace.resale.fixtures import aged

NOW = SUITE_NOW
HELLO = "Bonjour, le sécateur est-il toujours disponible ?"


@pytest.fixture
def talk_listing(seller, store):
    """Sacha's published listing, on sale, to hand over at Lyon Part-Dieu."""
    listing = Listing.objects.create(
        seller=seller,
        title="Sécateur Pro à lame franche",
        description="Servi deux saisons.",
        price_cents=4500,
        condition="very_good",
        state=ListingState.PUBLISHED,
        status=ModerationStatus.PUBLISHED,
        published_at=NOW,
        expires_at=NOW + dt.timedelta(days=60),
    )
    listing.handoff_stores.add(store)
    return listing


@pytest.fixture
def conversation(talk_listing, buyer):
    return conversation_open(listing=talk_listing, member=buyer, now=NOW)


@pytest.fixture
def superuser(db):
    return MemberFactory(
        email="root@example.com",
        display_name="Root",
        slug="root",
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def shop_staff(db):
    return aged(
        MemberFactory(
            email="equipe@example.com",
            display_name="Équipe",
            slug="equipe",
            is_staff=True,
            trust_level=3,
        )
    )


def send(conversation, sender, body=HELLO, now=None):
    return message_send(conversation=conversation, sender=sender, body=body, now=now)


def page(conversation) -> str:
    return reverse("resale:conversation", kwargs={"pk": conversation.pk})


# --- opening a conversation ---------------------------------------------------------


def test_a_member_opens_one_conversation_per_listing(talk_listing, buyer):
    first = conversation_open(listing=talk_listing, member=buyer)
    again = conversation_open(listing=talk_listing, member=buyer)

    assert first.pk == again.pk
    assert (first.buyer, first.seller) == (buyer, talk_listing.seller)
    assert Conversation.objects.count() == 1


def test_the_seller_cannot_contact_themselves(talk_listing, seller):
    with pytest.raises(ValidationError, match="your own listing"):
        conversation_open(listing=talk_listing, member=seller)


@pytest.mark.parametrize(
    "state", [ListingState.DRAFT, ListingState.SOLD, ListingState.WITHDRAWN]
)
def test_no_new_conversation_on_a_listing_not_on_sale(talk_listing, buyer, state):
    Listing.objects.filter(pk=talk_listing.pk).update(state=state)
    talk_listing.refresh_from_db()

    with pytest.raises(ValidationError, match="no longer on sale"):
        conversation_open(listing=talk_listing, member=buyer)
    assert not Conversation.objects.exists()


def test_contact_page_starts_the_conversation_with_a_first_message(
    client, talk_listing, buyer, django_capture_on_commit_callbacks
):
    client.force_login(buyer)
    url = reverse("resale:contact", kwargs={"pk": talk_listing.pk})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"body": HELLO})

    conversation = Conversation.objects.get()
    message = conversation.messages.get()
    assert response.status_code == 302
    assert response["Location"] == f"{page(conversation)}#message-{message.pk}"
    assert message.body == HELLO
    # Asked again, the contact page leads to the same conversation.
    assert client.get(url)["Location"] == page(conversation)


def test_contact_asks_anonymous_visitors_to_log_in(client, talk_listing):
    response = client.post(reverse("resale:contact", kwargs={"pk": talk_listing.pk}))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Conversation.objects.exists()


def test_contact_on_an_unknown_listing_is_404(client, buyer):
    client.force_login(buyer)

    assert client.post("/resale/999999/contact/", {"body": HELLO}).status_code == 404


# --- privacy: only the two parties -------------------------------------------------


def test_both_parties_read_the_conversation(client, conversation, buyer, seller):
    send(conversation, buyer)
    for member in (buyer, seller):
        client.force_login(member)
        response = client.get(page(conversation))
        assert response.status_code == 200
        assert HELLO.replace("'", "&#x27;") in response.content.decode()


def test_anonymous_visitors_are_asked_to_log_in(client, conversation, buyer):
    send(conversation, buyer)

    response = client.get(page(conversation))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize(
    "outsider", ["other_buyer", "moderator", "shop_staff", "superuser"]
)
def test_anyone_else_gets_404_everywhere(
    client, conversation, buyer, outsider, request
):
    message = send(conversation, buyer)
    member = request.getfixturevalue(outsider)
    client.force_login(member)
    report = reverse(
        "resale:message_report",
        kwargs={"pk": conversation.pk, "message_id": message.pk},
    )

    assert client.get(page(conversation)).status_code == 404
    assert client.post(page(conversation), {"body": "Moi aussi !"}).status_code == 404
    assert client.get(report).status_code == 404
    assert client.post(report, {"reason": "spam"}).status_code == 404
    assert HELLO not in client.get(reverse("resale:conversations")).content.decode()
    with pytest.raises(Http404):
        conversation_for_member(pk=conversation.pk, member=member)
    assert conversation.messages.count() == 1


def test_an_outsider_cannot_write_in_a_conversation(conversation, other_buyer):
    with pytest.raises(PermissionDenied):
        send(conversation, other_buyer)


def test_an_unknown_conversation_is_404_like_someone_elses(client, buyer):
    client.force_login(buyer)

    assert client.get("/me/conversations/999999/").status_code == 404


def test_the_list_shows_my_conversations_as_buyer_and_seller(
    client, talk_listing, conversation, buyer, seller, other_buyer
):
    send(conversation, buyer)
    # Inès opened one and wrote nothing: the seller does not see it yet.
    conversation_open(listing=talk_listing, member=other_buyer)

    client.force_login(seller)
    html = client.get(reverse("resale:conversations")).content.decode()

    assert "With Bao, about your listing" in html
    assert "1 conversation with unread messages" in html
    assert "Inès" not in html
    assert list(member_conversations(member=seller)) == [conversation]


# --- what a message may hold --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Appelez-moi au 06 12 34 56 78 ce soir",
        "mon numéro : 0612345678",
        "+33 6 12 34 56 78",
        "+33612345678",
        "+33 (0)6 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0033 6 12 34 56 78",
        "écrivez à jean.dupont@gmail.com",
        "jean.dupont (at) gmail (dot) com",
    ],
)
def test_contact_details_are_masked(text):
    masked, changed = contact_details_mask(text)

    assert changed
    assert MASK in masked
    for digits in ("12 34", "12345678", "dupont"):
        assert digits not in masked


@pytest.mark.parametrize(
    "text",
    [
        "Je le laisse à 45 € ou 40 € si vous venez mardi",
        "Livré en 2024, 3 lames, 120 cm",
        "Rendez-vous le 12/12 à 14h30",
    ],
)
def test_ordinary_numbers_are_not_masked(text):
    assert contact_details_mask(text) == (text, False)


def test_a_new_members_contact_details_are_masked_with_a_note(
    client, talk_listing, newcomer
):
    conversation = conversation_open(listing=talk_listing, member=newcomer)

    message = send(conversation, newcomer, "Appelez-moi au 06 12 34 56 78, merci")

    assert message.masked
    assert message.body == f"Appelez-moi au {MASK}, merci"
    client.force_login(talk_listing.seller)
    html = client.get(page(conversation)).content.decode()
    assert "06 12 34 56 78" not in html
    assert "phone numbers are hidden in messages of new members" in html


def test_the_sender_is_told_their_details_were_hidden(client, talk_listing, newcomer):
    client.force_login(newcomer)
    url = reverse("resale:contact", kwargs={"pk": talk_listing.pk})

    response = client.post(url, {"body": "Mon mail : nouveau@example.com"}, follow=True)

    assert "E-mail addresses and phone numbers are hidden" in response.content.decode()


def test_trusted_members_may_share_their_number(conversation, buyer):
    message = send(conversation, buyer, "Mon numéro : 06 12 34 56 78")

    assert not message.masked
    assert "06 12 34 56 78" in message.body


@pytest.mark.parametrize(
    "text",
    [
        "Voyez https://example.com/offre",
        "Plus de photos sur www.example.com",
        "[mes photos](http://example.com)",
    ],
)
def test_links_are_refused_below_the_trust_level(talk_listing, newcomer, text):
    conversation = conversation_open(listing=talk_listing, member=newcomer)

    with pytest.raises(ValidationError) as refused:
        send(conversation, newcomer, text)

    assert "Links are allowed in messages from trust level 2" in str(refused.value)
    assert not Message.objects.exists()


def test_links_are_allowed_from_the_trust_level(conversation, buyer):
    message = send(conversation, buyer, "La fiche : https://example.com/secateur")

    assert message.body.endswith("https://example.com/secateur")


def test_the_trust_level_for_links_is_editable(talk_listing, newcomer):
    rules = ResaleSettings.load()
    rules.link_min_level = 0
    rules.save()
    conversation = conversation_open(listing=talk_listing, member=newcomer)

    message = send(conversation, newcomer, "https://example.com 06 12 34 56 78")

    assert not message.masked


def test_a_refused_link_keeps_what_was_typed_on_the_page(
    client, talk_listing, newcomer
):
    conversation = conversation_open(listing=talk_listing, member=newcomer)
    client.force_login(newcomer)
    text = "Regardez www.example.com"

    response = client.post(page(conversation), {"body": text})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Links are allowed in messages from trust level 2" in html
    assert text in html


@pytest.mark.parametrize("body", ["", "   ", "\x00"])
def test_an_empty_message_is_refused_in_words(conversation, buyer, body):
    with pytest.raises(ValidationError, match="Write a message first"):
        send(conversation, buyer, body)


def test_a_too_long_message_is_refused_in_words(client, conversation, buyer):
    client.force_login(buyer)

    response = client.post(page(conversation), {"body": "a" * 2001})

    assert response.status_code == 400
    assert "2,000 characters" in response.content.decode()
    assert not Message.objects.exists()


# --- rate limits by trust level -----------------------------------------------------


def _limits(new: int, member: int) -> None:
    rules = ResaleSettings.load()
    rules.messages_per_hour_new = new
    rules.messages_per_hour_member = member
    rules.save()


def test_new_members_send_fewer_messages_an_hour(talk_listing, newcomer, buyer):
    _limits(new=3, member=5)
    low = conversation_open(listing=talk_listing, member=newcomer)
    high = conversation_open(listing=talk_listing, member=buyer)
    for minute in range(3):
        send(
            low, newcomer, f"Question {minute}", now=NOW + dt.timedelta(minutes=minute)
        )
    for minute in range(5):
        send(high, buyer, f"Question {minute}", now=NOW + dt.timedelta(minutes=minute))

    with pytest.raises(PermissionDenied, match="at most 3 messages an hour"):
        send(low, newcomer, "Encore une", now=NOW + dt.timedelta(minutes=10))
    with pytest.raises(PermissionDenied, match="at most 5 messages an hour"):
        send(high, buyer, "Encore une", now=NOW + dt.timedelta(minutes=10))
    # An hour after the first ones, the newcomer may write again.
    send(low, newcomer, "Me revoilà", now=NOW + dt.timedelta(minutes=61))


def test_the_limit_is_shown_on_the_page_not_as_an_error(client, conversation, buyer):
    _limits(new=1, member=1)
    send(conversation, buyer)
    client.force_login(buyer)

    response = client.post(page(conversation), {"body": "Vous êtes là ?"})

    assert response.status_code == 400
    assert "at most 1 message an hour" in response.content.decode()


# --- unread counts and who is told -------------------------------------------------


def test_unread_counts_per_conversation(talk_listing, seller, buyer, other_buyer):
    first = conversation_open(listing=talk_listing, member=buyer)
    second = conversation_open(listing=talk_listing, member=other_buyer)
    send(first, buyer, "Un")
    send(first, buyer, "Deux")
    send(second, other_buyer, "Trois")

    assert conversations_unread_count(seller) == 2
    assert conversations_unread_count(buyer) == 0

    conversation_read(conversation=first, member=seller)
    assert conversations_unread_count(seller) == 1
    send(first, seller, "Oui, il est disponible")
    assert conversations_unread_count(buyer) == 1
    # Replying reads what came before.
    send(second, seller, "Bonjour Inès")
    assert conversations_unread_count(seller) == 0


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].split()[0] in ("UPDATE", "INSERT")]


def test_reading_writes_once_then_nothing(conversation, buyer, seller):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    send(conversation, buyer)
    with CaptureQueriesContext(connection) as first:
        conversation_read(conversation=conversation, member=seller)
    conversation.refresh_from_db()
    with CaptureQueriesContext(connection) as again:
        conversation_read(conversation=conversation, member=seller)

    # The read mark, and the conversation's notification marked read.
    assert len(_writes(first)) == 2
    assert _writes(again) == []


def test_the_page_marks_the_conversation_read(client, conversation, buyer, seller):
    send(conversation, buyer)
    client.force_login(seller)

    client.get(page(conversation))

    assert conversations_unread_count(seller) == 0


def test_one_email_per_new_conversation_not_per_message(
    conversation, buyer, seller, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(conversation, buyer, "Bonjour")
        send(conversation, buyer, "Il est toujours là ?")
        send(conversation, buyer, "Je peux passer mardi")

    assert [m.to for m in mail.outbox] == [[seller.email]]
    assert "Bao wants to talk about “Sécateur Pro à lame franche”" in (
        mail.outbox[0].subject
    )
    assert "/me/conversations/" in mail.outbox[0].body
    # In the app: one unread notification for the conversation, not three.
    assert Notification.objects.filter(recipient=seller).count() == 1


def test_a_reply_notifies_in_the_app_without_an_email(
    conversation, buyer, seller, django_capture_on_commit_callbacks
):
    send(conversation, buyer)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        send(conversation, seller, "Oui, toujours disponible")

    assert mail.outbox == []
    [note] = Notification.objects.filter(recipient=buyer)
    assert note.kind == NOTIFICATION_KIND and note.url == page(conversation)
    assert "New message from Sacha" in note.title


def test_reading_clears_the_notification_and_the_next_message_notifies_again(
    conversation, buyer, seller
):
    send(conversation, buyer, "Un")
    conversation_read(conversation=conversation, member=seller)

    assert not Notification.objects.filter(recipient=seller, read_at=None).exists()
    send(conversation, buyer, "Deux")
    assert Notification.objects.filter(recipient=seller, read_at=None).count() == 1
    assert Notification.objects.filter(recipient=seller).count() == 2


def test_the_header_counts_unread_conversations(client, conversation, buyer, seller):
    send(conversation, buyer, "Un")
    send(conversation, buyer, "Deux")
    client.force_login(seller)

    html = client.get(reverse("resale:conversations")).content.decode()

    assert 'id="notification-count" class="notification-count" data-unread="1"' in html


def test_the_member_menu_links_to_my_conversations(client, buyer):
    client.force_login(buyer)

    html = client.get(reverse("resale:conversations")).content.decode()

    assert f'href="{reverse("resale:conversations")}">My conversations<' in html


def test_older_messages_page_by_keyset(client, conversation, buyer, seller):
    _limits(new=0, member=0)
    for i in range(55):
        send(conversation, buyer if i % 2 else seller, f"Message numéro {i:02d}")
    client.force_login(buyer)

    html = client.get(page(conversation)).content.decode()

    assert "Message numéro 54" in html and "Message numéro 05" in html
    assert "Message numéro 04" not in html
    older = Message.objects.get(body="Message numéro 05").pk
    assert f'href="?before={older}#conversation-messages"' in html
    html = client.get(page(conversation), {"before": older}).content.decode()
    assert "Message numéro 04" in html and "Message numéro 00" in html
    assert "Message numéro 05" not in html


def test_a_message_page_keeps_its_query_count(client, conversation, buyer, seller):
    _limits(new=0, member=0)
    client.force_login(buyer)

    def queries_for_page() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(page(conversation)).status_code == 200
        return len(captured)

    for i in range(3):
        send(conversation, seller, f"Petit {i}")
    few = queries_for_page()
    for i in range(40):
        send(conversation, seller, f"Grand {i}")
    many = queries_for_page()

    assert many == few


# --- reports go to the one moderation queue -----------------------------------------


def _moderator_with_admin(moderator):
    moderator.user_permissions.add(
        Permission.objects.get(
            codename="access_admin", content_type__app_label="wagtailadmin"
        )
    )
    return moderator


def test_a_reported_message_goes_to_the_queue_with_its_context(
    client, conversation, buyer, seller, moderator
):
    before = [send(conversation, buyer, f"Avant {i}") for i in range(2)]
    scam = send(conversation, seller, "Payez-moi par virement avant, je vous l'envoie")
    after = send(conversation, buyer, "Non, en magasin s'il vous plaît")
    client.force_login(_moderator_with_admin(moderator))
    queue = reverse("moderation_admin:queue")
    assert "Payez-moi" not in client.get(queue).content.decode()

    message_report(reporter=buyer, message=scam, reason="outside_site", note="Virement")

    entry = QueueEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Message), object_id=scam.pk
    )
    assert entry.reason == QueueReason.FLAGGED and entry.closed_at is None
    html = client.get(queue, {"reason": "flagged"}).content.decode()
    for message in [*before, after]:
        assert message.body.replace("'", "&#x27;") in html
    assert "Payez-moi par virement avant" in html
    # The moderator still cannot open the conversation itself.
    assert client.get(page(conversation)).status_code == 404


def test_an_unreported_message_shows_nothing_to_a_moderator(
    client, conversation, buyer, moderator
):
    message = send(conversation, buyer, "Un secret entre nous")
    client.force_login(_moderator_with_admin(moderator))
    history = reverse(
        "moderation_admin:item_history",
        args=[ContentType.objects.get_for_model(Message).pk, message.pk],
    )

    html = client.get(history).content.decode()

    assert "Un secret entre nous" not in html
    assert "Nobody reported this message" in html


def test_only_the_other_party_reports_a_message(conversation, buyer, other_buyer):
    message = send(conversation, buyer)

    with pytest.raises(PermissionDenied):
        message_report(reporter=other_buyer, message=message, reason="spam")
    with pytest.raises(ValidationError, match="your own message"):
        message_report(reporter=buyer, message=message, reason="spam")
    assert not QueueEntry.objects.exists()


def test_the_report_page_sends_the_report(client, conversation, buyer, seller):
    message = send(conversation, seller, "Envoyez un mandat cash")
    client.force_login(buyer)
    url = reverse(
        "resale:message_report",
        kwargs={"pk": conversation.pk, "message_id": message.pk},
    )
    assert "A scam: asks to pay or talk outside the site" in (
        client.get(url).content.decode()
    )

    response = client.post(url, {"reason": "outside_site"}, follow=True)

    assert "a moderator will look at your report" in response.content.decode()
    assert QueueEntry.objects.filter(object_id=message.pk).exists()
    # Twice: said in words, no second report.
    response = client.post(url, {"reason": "outside_site"}, follow=True)
    assert "already reported this" in response.content.decode()


def test_a_hidden_message_is_hidden_from_both_parties(
    client, conversation, buyer, seller
):
    message = send(conversation, seller, "Des insultes")
    Message.objects.filter(pk=message.pk).update(status=ModerationStatus.HIDDEN)
    client.force_login(buyer)

    html = client.get(page(conversation)).content.decode()

    assert "Des insultes" not in html
    assert "hidden while a moderator reviews it" in html


def test_private_messages_earn_no_trust(conversation, buyer, seller):
    from community.moderation.selectors import member_approved_contributions

    _limits(new=0, member=0)
    for i in range(12):
        send(conversation, buyer, f"Message {i}")

    assert member_approved_contributions(member=buyer) == 0


def test_a_suspended_member_cannot_write(conversation, buyer, moderator):
    from community.moderation.services import member_suspend

    member_suspend(
        moderator=moderator,
        member=buyer,
        until=NOW + dt.timedelta(days=3),
        reason="Spam",
    )

    with pytest.raises(PermissionDenied, match="suspended"):
        send(conversation, buyer)


# --- what conversation.js relies on --------------------------------------------------


def test_the_form_sent_in_place_answers_the_message_as_html(
    client, conversation, buyer
):
    client.force_login(buyer)

    response = client.post(
        page(conversation), {"body": HELLO}, HTTP_ACCEPT="application/json"
    )

    message = Message.objects.get()
    assert response.status_code == 200
    answer = response.json()
    assert answer["id"] == message.pk and answer["masked"] is False
    assert f'id="message-{message.pk}"' in answer["html"]
    assert ">You<" in answer["html"]


def test_a_refusal_sent_in_place_answers_in_words(client, conversation, buyer):
    client.force_login(buyer)

    response = client.post(
        page(conversation), {"body": "   "}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"errors": ["Write a message first."]}


def test_a_message_seen_live_is_marked_read(client, conversation, buyer, seller):
    send(conversation, buyer)
    client.force_login(seller)

    response = client.post(page(conversation), {"action": "read"})

    assert response.status_code == 204
    assert conversations_unread_count(seller) == 0
    assert not Message.objects.filter(body="").exists()


def test_moderations_own_report_page_is_404_to_outsiders(
    client, conversation, buyer, seller, other_buyer
):
    message = send(conversation, seller, "Envoyez un mandat cash")
    url = reverse(
        "moderation:report",
        args=[ContentType.objects.get_for_model(Message).pk, message.pk],
    )
    client.force_login(other_buyer)

    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "spam"}).status_code == 404
    assert not QueueEntry.objects.exists()
    # The other party may report it there too.
    client.force_login(buyer)
    assert client.get(url).status_code == 200
