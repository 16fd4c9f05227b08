"""The moderation queue and histories in the Wagtail admin: who may do what."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from community.moderation.models import (
    ModerationAction,
    ModerationDecision,
    ModerationStatus,
    QueueEntry,
    Suspension,
)
from community.moderation.posting import member_active_suspension
from community.moderation.selectors import queue_entries
from community.moderation.services import content_submit, report_create
from community.reviews.models import Review, ReviewPhoto

from .conftest import ReviewFactory, member

pytestmark = pytest.mark.django_db


def queued_review(**kwargs):
    review = ReviewFactory(status=ModerationStatus.PENDING, author=member(0), **kwargs)
    content_submit(content=review)
    return review


def review_ct() -> int:
    return ContentType.objects.get_for_model(Review).pk


@pytest.fixture
def staff_without_permission():
    """Can open the Wagtail admin, but is no moderator."""
    user = member(4, is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(
            codename="access_admin", content_type__app_label="wagtailadmin"
        )
    )
    return user


def admin_urls(review, target):
    suspension = Suspension.objects.create(
        member=target, until=timezone.now() + dt.timedelta(days=3), reason="Test"
    )
    ct = review_ct()
    return {
        "queue": ("get", reverse("moderation_admin:queue")),
        "decide": ("post", reverse("moderation_admin:decide")),
        "item": ("get", reverse("moderation_admin:item_history", args=[ct, review.pk])),
        "item_decide": (
            "post",
            reverse("moderation_admin:item_decide", args=[ct, review.pk]),
        ),
        "member": ("get", reverse("moderation_admin:member_history", args=[target.pk])),
        "suspend": (
            "post",
            reverse("moderation_admin:member_suspend", args=[target.pk]),
        ),
        "lift": (
            "post",
            reverse("moderation_admin:suspension_lift", args=[suspension.pk]),
        ),
    }


URL_NAMES = ["queue", "decide", "item", "item_decide", "member", "suspend", "lift"]


def post_data(review):
    entry = QueueEntry.objects.filter(object_id=review.pk).first()
    return {
        "entries": [entry.pk] if entry else [],
        "action": "approve",
        "until": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        "reason": "Spam",
    }


@pytest.mark.parametrize("name", URL_NAMES)
def test_anonymous_is_sent_to_the_admin_login(client, name):
    review = queued_review()
    method, url = admin_urls(review, review.author)[name]

    response = getattr(client, method)(url, post_data(review))

    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))
    review.refresh_from_db()
    assert review.status == ModerationStatus.PENDING


@pytest.mark.parametrize("name", URL_NAMES)
def test_a_member_cannot_reach_the_queue(client, name):
    review = queued_review()
    method, url = admin_urls(review, review.author)[name]
    client.force_login(member(3))

    response = getattr(client, method)(url, post_data(review))

    # Wagtail answers "no admin access" with a redirect to its login page.
    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))
    review.refresh_from_db()
    assert review.status == ModerationStatus.PENDING
    assert not ModerationDecision.objects.exists()


@pytest.mark.parametrize("name", URL_NAMES)
def test_staff_without_the_moderation_permission_is_refused(
    client, staff_without_permission, name
):
    review = queued_review()
    target = review.author
    method, url = admin_urls(review, target)[name]
    client.force_login(staff_without_permission)

    response = getattr(client, method)(url, post_data(review))

    # Wagtail turns PermissionDenied into a redirect to the dashboard.
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    review.refresh_from_db()
    assert review.status == ModerationStatus.PENDING
    assert not ModerationDecision.objects.exists()
    assert Suspension.objects.filter(lifted_at__isnull=True).count() == 1


@pytest.mark.parametrize("name", ["queue", "item", "member"])
def test_moderator_opens_every_page(client, moderator, name):
    review = queued_review()
    method, url = admin_urls(review, review.author)[name]
    client.force_login(moderator)

    response = client.get(url)

    assert response.status_code == 200
    assert review.title in response.content.decode() or name == "member"


def test_menu_shows_the_open_count_to_moderators_only(
    client, moderator, staff_without_permission
):
    queued_review()
    queued_review()
    client.force_login(moderator)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Moderation (2)" in page

    client.force_login(staff_without_permission)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Moderation (" not in page


def test_queue_is_oldest_first_and_filters_by_reason(client, moderator):
    old = queued_review(title="Le plus ancien")
    QueueEntry.objects.filter(object_id=old.pk).update(
        opened_at=timezone.now() - dt.timedelta(days=2)
    )
    queued_review(title="Le plus récent")
    flagged = ReviewFactory(title="Signalé", author=member(1))
    report_create(reporter=member(1), content=flagged, reason="spam")
    client.force_login(moderator)

    page = client.get(reverse("moderation_admin:queue")).content.decode()
    assert page.index("Le plus ancien") < page.index("Le plus récent")

    page = client.get(reverse("moderation_admin:queue"), {"reason": "flagged"})
    text = page.content.decode()
    assert "Signalé" in text
    assert "Le plus ancien" not in text


def test_queue_filters_by_type(client, moderator):
    queued_review(title="Avis en attente")
    client.force_login(moderator)

    shown = client.get(reverse("moderation_admin:queue"), {"content_type": review_ct()})
    other = ContentType.objects.get_for_model(QueueEntry).pk
    bad = client.get(reverse("moderation_admin:queue"), {"content_type": other})

    assert "Avis en attente" in shown.content.decode()
    # an unknown type is a filter error: the page still answers
    assert bad.status_code == 200


def test_bulk_approve_from_the_queue(client, moderator):
    reviews = [queued_review() for _ in range(3)]
    entries = [entry.pk for entry in queue_entries()]
    client.force_login(moderator)

    response = client.post(
        reverse("moderation_admin:decide"),
        {"entries": entries, "action": "approve"},
        follow=True,
    )

    assert "3 items approved." in response.content.decode()
    assert {
        r.status for r in Review.objects.filter(pk__in=[r.pk for r in reviews])
    } == {ModerationStatus.PUBLISHED}


def test_bulk_reject_asks_for_confirmation_first(client, moderator):
    reviews = [queued_review() for _ in range(2)]
    entries = [entry.pk for entry in queue_entries()]
    client.force_login(moderator)
    data = {"entries": entries, "action": "reject", "reason": "spam"}

    confirm = client.post(reverse("moderation_admin:decide"), data)

    assert confirm.status_code == 200
    assert "Yes, reject them" in confirm.content.decode()
    assert not ModerationDecision.objects.exists()

    client.post(reverse("moderation_admin:decide"), {**data, "confirmed": "1"})

    assert {
        r.status for r in Review.objects.filter(pk__in=[r.pk for r in reviews])
    } == {ModerationStatus.REJECTED}
    assert (
        ModerationDecision.objects.filter(action=ModerationAction.REJECT).count() == 2
    )


def test_reject_without_reason_is_a_clear_message(client, moderator):
    review = queued_review()
    client.force_login(moderator)

    response = client.post(
        reverse("moderation_admin:decide"),
        {"entries": [QueueEntry.objects.get().pk], "action": "reject"},
        follow=True,
    )

    assert "Choose a reason for the rejection." in response.content.decode()
    review.refresh_from_db()
    assert review.status == ModerationStatus.PENDING


@pytest.mark.parametrize(
    "data",
    [
        {"entries": ["abc"], "action": "approve"},
        {"entries": ["999999"], "action": "approve"},
        {"entries": [], "action": "approve"},
        {"action": "destroy"},
    ],
)
def test_bad_decision_posts_never_fail(client, moderator, data):
    queued_review()
    client.force_login(moderator)

    response = client.post(reverse("moderation_admin:decide"), data, follow=True)

    assert response.status_code == 200
    assert QueueEntry.objects.filter(closed_at__isnull=True).count() == 1


def test_unknown_item_is_404(client, moderator):
    client.force_login(moderator)
    ct = ContentType.objects.get_for_model(QueueEntry).pk

    assert (
        client.get(reverse("moderation_admin:item_history", args=[ct, 1])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("moderation_admin:item_history", args=[review_ct(), 999])
        ).status_code
        == 404
    )


def test_suspend_and_lift_from_the_member_page(client, moderator):
    target = member(1)
    client.force_login(moderator)
    until = timezone.localdate() + dt.timedelta(days=7)

    client.post(
        reverse("moderation_admin:member_suspend", args=[target.pk]),
        {"until": until.isoformat(), "reason": "Messages insultants."},
    )
    page = client.get(reverse("moderation_admin:member_history", args=[target.pk]))

    suspension = member_active_suspension(member=target)
    assert suspension is not None
    assert "Messages insultants." in page.content.decode()
    assert "Lift the suspension now" in page.content.decode()

    client.post(reverse("moderation_admin:suspension_lift", args=[suspension.pk]))
    assert member_active_suspension(member=target) is None


def test_suspend_form_errors_are_shown(client, moderator):
    target = member(1)
    client.force_login(moderator)

    response = client.post(
        reverse("moderation_admin:member_suspend", args=[target.pk]),
        {"until": "2001-01-01", "reason": ""},
    )

    assert response.status_code == 400
    assert "Choose today or a later date." in response.content.decode()
    assert member_active_suspension(member=target) is None


def with_photos(review, count: int):
    for position in range(count):
        image = Image.objects.create(
            title="Photo", file=get_test_image_file(size=(64, 48))
        )
        ReviewPhoto.objects.create(review=review, image=image, position=position)
    return review


def queue_queries(client) -> int:
    # The first render makes the photos' renditions; count the second one.
    client.get(reverse("moderation_admin:queue"))
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("moderation_admin:queue"))
    assert response.status_code == 200
    return len(context.captured_queries)


def test_queue_query_count_does_not_grow(client, moderator):
    # The reviews' type prefetches what their preview shows: photos, renditions.
    client.force_login(moderator)
    with_photos(queued_review(), 1)
    small = queue_queries(client)

    for _ in range(15):
        with_photos(queued_review(), 2)
    flagged = with_photos(ReviewFactory(author=member(1)), 3)
    report_create(reporter=member(1), content=flagged, reason="spam")

    assert queue_queries(client) == small


def test_item_history_shows_who_decided_what_and_why(client, moderator):
    review = queued_review(title="Avis à refuser")
    client.force_login(moderator)
    client.post(
        reverse("moderation_admin:decide"),
        {
            "entries": [QueueEntry.objects.get().pk],
            "action": "reject",
            "reason": "personal_data",
            "note": "Numéro de téléphone visible.",
        },
    )

    page = client.get(
        reverse("moderation_admin:item_history", args=[review_ct(), review.pk])
    ).content.decode()

    assert "Modératrice" in page
    assert "Personal data" in page
    assert "Numéro de téléphone visible." in page
    assert "Pending moderation → Rejected" in page


def test_member_history_lists_reports_on_their_content(client, moderator):
    review = ReviewFactory(author=member(1), title="Avis signalé")
    reporter = member(1, display_name="Signaleur attentif")
    report_create(reporter=reporter, content=review, reason="spam")
    client.force_login(moderator)

    page = client.get(
        reverse("moderation_admin:member_history", args=[review.author.pk])
    ).content.decode()

    assert "Signaleur attentif" in page
    assert "Not suspended" in page
