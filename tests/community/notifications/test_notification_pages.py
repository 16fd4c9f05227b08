"""/me/notifications/ and the header count: who sees what."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from community.notifications.models import Notification
from community.notifications.services import notification_send

pytestmark = pytest.mark.django_db

LIST_URL = "/me/notifications/"


def notify(member, title="Your review is published", url="/products/", **kwargs):
    return notification_send(
        recipient=member, kind="review_approved", title=title, url=url, **kwargs
    )


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(LIST_URL)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_member_sees_their_notifications_newest_first_unread_marked(
    member, other_member, member_client
):
    older = notify(member, title="Older news")
    Notification.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - dt.timedelta(days=1),
        read_at=timezone.now(),
    )
    notify(member, title="Fresh news")
    notify(other_member, title="Not for Marie")

    page = member_client.get(LIST_URL).content.decode()

    assert page.index("Fresh news") < page.index("Older news")
    assert "Not for Marie" not in page
    assert page.count("notification-unread") == 1
    assert "Mark all as read" in page


def test_list_is_paginated(member, member_client):
    Notification.objects.bulk_create(
        Notification(recipient=member, kind="x", title=f"News {n}") for n in range(25)
    )

    first = member_client.get(LIST_URL)
    second = member_client.get(LIST_URL, {"page": 2})
    nonsense = member_client.get(LIST_URL, {"page": "lots"})

    assert len(first.context["notifications"]) == 20
    assert len(second.context["notifications"]) == 5
    assert nonsense.status_code == 200


def test_opening_a_notification_marks_it_read_and_follows_its_link(
    member, member_client
):
    notification = notify(member, url="/products/arrosoir/")

    response = member_client.post(f"/me/notifications/{notification.pk}/")

    assert response.status_code == 302
    assert response["Location"] == "/products/arrosoir/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_the_list_opens_notifications_with_a_form_that_works_without_javascript(
    member, member_client
):
    notification = notify(member, url="/products/arrosoir/")

    html = member_client.get(LIST_URL).content.decode()

    assert f'<form method="post" action="/me/notifications/{notification.pk}/"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_a_prefetched_notification_link_follows_it_but_stays_unread(
    member, member_client
):
    # Given an unread notification, when a browser or mail client prefetches its
    # address (a GET), then it leads where it points and nothing changes.
    notification = notify(member, url="/products/arrosoir/")

    response = member_client.get(f"/me/notifications/{notification.pk}/")

    assert response.status_code == 302
    assert response["Location"] == "/products/arrosoir/"
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_link_to_another_site_is_not_followed(member, member_client):
    notification = notify(member, url="https://evil.example/phish")

    response = member_client.post(f"/me/notifications/{notification.pk}/")

    assert response["Location"] == LIST_URL


def test_someone_elses_notification_is_not_found(member_client, other_member):
    theirs = notify(other_member)

    response = member_client.post(f"/me/notifications/{theirs.pk}/")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_visitor_cannot_open_a_notification(client, member):
    notification = notify(member)

    response = client.post(f"/me/notifications/{notification.pk}/")

    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_only_touches_my_own(member, other_member, member_client):
    notify(member)
    notify(member)
    theirs = notify(other_member)

    response = member_client.post("/me/notifications/read-all/", follow=True)

    assert response.status_code == 200
    assert "2 notifications marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=member, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_refuses_get(member_client, member):
    notify(member)

    response = member_client.get("/me/notifications/read-all/")

    assert response.status_code == 405
    assert Notification.objects.filter(recipient=member, read_at=None).count() == 1


def test_header_shows_unread_count_for_members_only(client, member, member_client):
    notify(member)
    notify(member)
    notify(member, title="Already read")
    Notification.objects.filter(title="Already read").update(read_at=timezone.now())

    page = member_client.get("/stores/").content.decode()

    assert 'id="notification-count"' in page
    assert 'data-unread="2"' in page
    assert 'aria-label="Notifications, 2 unread"' in page
    assert "notifications-live.js" in page

    client.logout()
    anonymous = client.get("/stores/").content.decode()
    assert "notification-count" not in anonymous
    assert "notifications-live.js" not in anonymous


def test_header_count_is_one_query_whatever_the_number(
    member, member_client, django_assert_num_queries
):
    def queries_for_page() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            member_client.get(LIST_URL)
        return len(captured)

    notify(member)
    few = queries_for_page()
    Notification.objects.bulk_create(
        Notification(recipient=member, kind="x", title=f"News {n}") for n in range(30)
    )
    many = queries_for_page()

    assert few == many
