"""The queue for keyboard users: shortcuts each moderator turns off or remaps
(WCAG 2.1.4), focus back on the next item after a decision without JavaScript,
and the background decision the undo delay sends."""

import re

import pytest
from django.urls import reverse

from community.moderation.models import ModerationStatus, QueueEntry, QueueShortcuts
from community.moderation.selectors import queue_entries
from community.moderation.services import content_submit
from community.reviews.models import Review

from .conftest import ReviewFactory, member

pytestmark = pytest.mark.django_db

QUEUE = reverse("moderation_admin:queue")
DECIDE = reverse("moderation_admin:decide")
SHORTCUTS = reverse("moderation_admin:shortcuts")
JSON = {"HTTP_ACCEPT": "application/json"}


def queued_reviews(count: int) -> list[int]:
    """`count` reviews waiting in the queue; their entry ids, oldest first."""
    for _ in range(count):
        review = ReviewFactory(status=ModerationStatus.PENDING, author=member(0))
        content_submit(content=review)
    return [entry.pk for entry in queue_entries()]


def autofocused_entry(html: str) -> int | None:
    """The entry whose checkbox the page focuses on load, if any."""
    found = re.findall(r'<input type="checkbox"[^>]*value="(\d+)"[^>]*autofocus', html)
    assert len(found) <= 1, "only one element may take the focus"
    return int(found[0]) if found else None


def shortcut_keys(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-key-(\w+)="([^"]*)"', html))


def shortcuts_post(client, **overrides):
    keys = {"next": "j", "previous": "k", "select": "x", "approve": "a", "undo": "u"}
    enabled = overrides.pop("enabled", "on")
    keys.update(overrides)
    data = {f"{action}_key": key for action, key in keys.items() if key is not None}
    if enabled is not None:
        data["enabled"] = enabled
    return client.post(SHORTCUTS, {**data, "next": QUEUE})


# --- shortcuts: on, off, remapped, per moderator ------------------------------------


def test_the_queue_says_which_keys_do_what_by_default(client, moderator):
    queued_reviews(1)
    client.force_login(moderator)

    html = client.get(QUEUE).content.decode()

    assert 'data-shortcuts-enabled="true"' in html
    assert shortcut_keys(html) == {
        "next": "j",
        "previous": "k",
        "select": "x",
        "approve": "a",
        "undo": "u",
    }
    assert "Keyboard: j / k move between items, x selects, a approves" in html
    assert "Keyboard shortcuts" in html


def test_a_moderator_remaps_the_keys_and_the_page_follows(client, moderator):
    queued_reviews(1)
    client.force_login(moderator)

    response = shortcuts_post(client, next="n", previous="p", approve="O")

    assert response.status_code == 302
    assert response["Location"].endswith("#keyboard-shortcuts")
    page = client.get(response["Location"]).content.decode()
    assert "Your keyboard shortcuts are saved." in page
    # letters are kept in lower case: the queue answers them with or without Shift
    assert shortcut_keys(page) == {
        "next": "n",
        "previous": "p",
        "select": "x",
        "approve": "o",
        "undo": "u",
    }
    assert "Keyboard: n / p move between items, x selects, o approves" in page
    # the form shows the saved keys, ready to change again
    assert re.search(r'name="next_key"[^>]*value="n"', page)


def test_a_moderator_turns_single_key_shortcuts_off(client, moderator):
    queued_reviews(1)
    client.force_login(moderator)

    shortcuts_post(client, enabled=None)

    page = client.get(QUEUE).content.decode()
    assert 'data-shortcuts-enabled="false"' in page
    assert "Single-key shortcuts are off" in page
    assert not re.search(r'id="shortcuts-enabled"[^>]*checked', page)


def test_shortcuts_are_each_moderators_own(client, moderator):
    other = member(3)
    other.groups.add(*moderator.groups.all())
    client.force_login(moderator)
    shortcuts_post(client, enabled=None, approve="y")

    client.force_login(other)
    page = client.get(QUEUE).content.decode()

    assert 'data-shortcuts-enabled="true"' in page
    assert shortcut_keys(page)["approve"] == "a"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"next": "a"}, "“a” is chosen twice; give each action its own key."),
        ({"undo": "J"}, "“j” is chosen twice; give each action its own key."),
        ({"approve": "ab"}, "Each shortcut is one visible character."),
        ({"approve": ""}, "Give each action a key."),
        ({"approve": None}, "Give each action a key."),
        ({"approve": " "}, "Give each action a key."),
        ({"select": "?"}, "is a shortcut of the Wagtail admin; choose another key."),
        ({"select": "["}, "is a shortcut of the Wagtail admin; choose another key."),
    ],
)
def test_bad_keys_are_refused_with_a_clear_message(
    client, moderator, overrides, message
):
    client.force_login(moderator)

    response = shortcuts_post(client, **overrides)

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert message in page
    assert not QueueShortcuts.objects.exists()


def test_only_moderators_may_save_shortcuts(client):
    client.force_login(member(4))

    response = shortcuts_post(client, enabled=None)

    assert response.status_code in (302, 403)
    assert not QueueShortcuts.objects.exists()


# --- focus after a decision without JavaScript --------------------------------------


def item_decide(client, entry_id: int, **data):
    """What the item's own Approve / Reject button posts, as the browser sends it."""
    return client.post(
        DECIDE, {"entries": [entry_id], "next": QUEUE, **data}, follow=True
    )


def test_after_approving_an_item_the_next_one_takes_the_focus(client, moderator):
    first, second, third = queued_reviews(3)
    client.force_login(moderator)

    response = item_decide(client, second, action="approve")

    html = response.content.decode()
    assert "1 item approved." in html
    assert f'id="entry-{second}"' not in html
    assert autofocused_entry(html) == third


def test_after_the_last_item_the_one_before_takes_the_focus(client, moderator):
    first, second = queued_reviews(2)
    client.force_login(moderator)

    html = item_decide(client, second, action="approve").content.decode()

    assert autofocused_entry(html) == first


def test_a_refused_decision_keeps_the_focus_on_that_item(client, moderator):
    first, second = queued_reviews(2)
    client.force_login(moderator)

    html = item_decide(client, first, action="reject").content.decode()

    assert "Choose a reason for the rejection." in html
    assert autofocused_entry(html) == first


def test_a_bulk_decision_focuses_what_follows_the_last_selected(client, moderator):
    first, second, third, fourth = queued_reviews(4)
    client.force_login(moderator)

    response = client.post(
        DECIDE,
        {"entries": [first, second], "action": "approve", "next": QUEUE},
        follow=True,
    )

    assert autofocused_entry(response.content.decode()) == third


def test_the_focus_request_keeps_the_filters_and_does_not_pile_up(client, moderator):
    first, second, third = queued_reviews(3)
    client.force_login(moderator)
    filtered = f"{QUEUE}?reason=pending"

    response = client.post(
        DECIDE, {"entries": [first], "action": "approve", "next": filtered}
    )

    assert response["Location"] == f"{QUEUE}?reason=pending&after={first}"
    page = client.get(response["Location"]).content.decode()
    # the next decision from this page goes back to the filtered queue, not to
    # the focus request of this one
    assert f'name="next" value="{QUEUE}?reason=pending"' in page
    again = client.post(
        DECIDE, {"entries": [second], "action": "approve", "next": filtered}
    )
    assert again["Location"] == f"{QUEUE}?reason=pending&after={second}"
    assert autofocused_entry(client.get(again["Location"]).content.decode()) == third


@pytest.mark.parametrize("after", ["abc", "999999", "", "-1"])
def test_a_bad_focus_request_is_ignored(client, moderator, after):
    queued_reviews(2)
    client.force_login(moderator)

    response = client.get(QUEUE, {"after": after})

    assert response.status_code == 200
    assert autofocused_entry(response.content.decode()) is None


def test_focus_after_an_item_another_moderator_decided_first(client, moderator):
    first, second = queued_reviews(2)
    client.force_login(moderator)
    item_decide(client, first, action="approve")

    # the same Approve button, from a page that was still showing it
    html = item_decide(client, first, action="approve").content.decode()

    assert "already decided by another moderator" in html
    assert autofocused_entry(html) == second


# --- the background decision (sent after the undo delay) ----------------------------


def test_a_background_approval_answers_json_and_leaves_no_message(client, moderator):
    (entry,) = queued_reviews(1)
    client.force_login(moderator)

    response = client.post(
        DECIDE, {"entries": [entry], "action": "approve", "next": QUEUE}, **JSON
    )

    assert response.status_code == 200
    assert response.json() == {"decided": 1, "message": "1 item approved."}
    assert Review.objects.get().status == ModerationStatus.PUBLISHED
    # the script announced it; the next page does not say it again
    assert "1 item approved." not in client.get(QUEUE).content.decode()


def test_a_background_approval_of_a_decided_item_says_so(client, moderator):
    (entry,) = queued_reviews(1)
    client.force_login(moderator)
    client.post(DECIDE, {"entries": [entry], "action": "approve"}, **JSON)

    response = client.post(DECIDE, {"entries": [entry], "action": "approve"}, **JSON)

    assert response.status_code == 409
    assert "already decided" in response.json()["message"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "approve"}, "Select at least one item."),
        ({"entries": ["abc"], "action": "approve"}, "Select a valid choice."),
        ({"entries": ["{entry}"], "action": "destroy"}, "Select a valid choice."),
        ({"entries": ["{entry}"], "action": "reject"}, "Choose a reason"),
    ],
)
def test_a_bad_background_decision_is_a_clear_json_error(
    client, moderator, data, message
):
    (entry,) = queued_reviews(1)
    client.force_login(moderator)
    data = {
        **data,
        "entries": [value.format(entry=entry) for value in data.get("entries", [])],
    }

    response = client.post(DECIDE, data, **JSON)

    assert response.status_code == 400
    assert message in response.json()["message"]
    assert QueueEntry.objects.filter(closed_at__isnull=True).count() == 1


def test_a_background_bulk_rejection_must_be_confirmed(client, moderator):
    entries = queued_reviews(2)
    client.force_login(moderator)

    response = client.post(
        DECIDE, {"entries": entries, "action": "reject", "reason": "spam"}, **JSON
    )

    assert response.status_code == 400
    assert QueueEntry.objects.filter(closed_at__isnull=True).count() == 2


def test_the_queue_page_query_count_does_not_grow_with_shortcuts(
    client, moderator, django_assert_max_num_queries
):
    queued_reviews(3)
    client.force_login(moderator)
    shortcuts_post(client, approve="o")
    client.get(QUEUE)  # warm the content-type cache

    with django_assert_max_num_queries(30) as small:
        client.get(QUEUE)
    queued_reviews(6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(QUEUE)
