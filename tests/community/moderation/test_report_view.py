"""POST /report/<type>/<id>/ and the report button include."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from community.moderation.models import ModerationStatus, Report
from community.reviews.models import Review
from tests.factories import ProductFactory

from .conftest import ReviewFactory, member

pytestmark = pytest.mark.django_db


def report_url(content) -> str:
    content_type = ContentType.objects.get_for_model(content)
    return reverse("moderation:report", args=[content_type.pk, content.pk])


def test_migration_creates_the_community_moderators_group():
    group = Group.objects.get(name="Community moderators")
    codenames = {p.codename for p in group.permissions.all()}
    assert {"moderate_content", "access_admin"} <= codenames
    # no editorial rights (a later Wagtail migration adds "choose document")
    assert not codenames & {"publish_page", "add_page", "change_page"}


def test_anonymous_is_sent_to_log_in(client, published_review):
    response = client.post(report_url(published_review), {"reason": "spam"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Report.objects.exists()


def test_member_reports_and_is_thanked(client, published_review):
    client.force_login(member(1))

    response = client.post(
        report_url(published_review),
        {"reason": "offensive", "note": "Propos insultants", "next": "/products/"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/products/"
    assert "a moderator will look at your report" in response.content.decode()
    report = Report.objects.get()
    assert (report.reason, report.note) == ("offensive", "Propos insultants")


def test_reporting_twice_says_so(client, published_review):
    client.force_login(member(1))
    client.post(report_url(published_review), {"reason": "spam"})

    response = client.post(
        report_url(published_review), {"reason": "spam"}, follow=True
    )

    assert "already reported" in response.content.decode()
    assert Report.objects.count() == 1


def test_author_cannot_report_own_review(client, published_review):
    client.force_login(published_review.author)

    response = client.post(
        report_url(published_review), {"reason": "spam"}, follow=True
    )

    assert "your own content" in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "status",
    [ModerationStatus.PENDING, ModerationStatus.REJECTED, ModerationStatus.HIDDEN],
)
def test_unpublished_content_is_404(client, status):
    review = ReviewFactory(status=status)
    client.force_login(member(1))

    assert client.post(report_url(review), {"reason": "spam"}).status_code == 404
    assert client.get(report_url(review)).status_code == 404


def test_unknown_content_or_type_is_404(client):
    client.force_login(member(1))
    product_type = ContentType.objects.get_for_model(ProductFactory._meta.model)
    product = ProductFactory()
    review_type = ContentType.objects.get_for_model(Review)

    not_moderated = reverse("moderation:report", args=[product_type.pk, product.pk])
    unknown_review = reverse("moderation:report", args=[review_type.pk, 999_999])
    unknown_type = reverse("moderation:report", args=[999_999, 1])

    for url in (not_moderated, unknown_review, unknown_type):
        assert client.post(url, {"reason": "spam"}).status_code == 404


def test_bad_form_shows_errors_on_its_own_page(client, published_review):
    client.force_login(member(1))

    response = client.post(report_url(published_review), {"reason": "nonsense"})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Report.objects.exists()


def test_get_shows_the_form_after_logging_in(client, published_review):
    client.force_login(member(1))

    response = client.get(report_url(published_review))

    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()


def test_offsite_next_is_ignored(client, published_review):
    client.force_login(member(1))

    response = client.post(
        report_url(published_review),
        {"reason": "spam", "next": "https://evil.example/"},
    )

    assert "evil.example" not in response.url


def render_button(review, user):
    request = RequestFactory().get("/products/x/")
    request.user = user
    template = Template(
        '{% include "moderation/report_button.html" with content=review %}'
    )
    return template.render(
        Context({"review": review, "user": user, "request": request})
    )


def test_button_offers_the_form_to_members_and_a_login_link_to_visitors(
    published_review,
):
    from django.contrib.auth.models import AnonymousUser

    as_member = render_button(published_review, member(1))
    as_visitor = render_button(published_review, AnonymousUser())
    as_author = render_button(published_review, published_review.author)

    assert "<details" in as_member and report_url(published_review) in as_member
    assert 'type="radio"' in as_member and "<label" in as_member
    assert reverse("account_login") in as_visitor and "<form" not in as_visitor
    assert as_author.strip() == ""


def test_after_a_report_the_member_is_back_at_the_item_reported(
    client, published_review
):
    # the form sends the page back with the item's anchor
    html = render_button(published_review, member(2))
    assert f'name="next" value="/products/x/#review-{published_review.pk}"' in html
    # and the report lands there, where the item takes the focus
    client.force_login(member(1))
    response = client.post(
        report_url(published_review),
        {"reason": "spam", "next": f"/products/x/#review-{published_review.pk}"},
    )
    assert response.url == f"/products/x/#review-{published_review.pk}"
