"""Who may do what on every review URL, and what each one answers."""

import pytest
from django.urls import reverse

from community.moderation.models import ModerationStatus
from community.moderation.registry import RejectionReason
from community.moderation.services import moderation_decide
from community.notifications.models import Notification
from community.reviews.models import Review, ReviewResponse, ReviewVote
from community.reviews.services import review_submit

from .conftest import BODY, photo_upload


def make_review(member, product, **overrides):
    fields = {"rating": 4, "title": "Très bon outil", "body": BODY}
    fields.update(overrides)
    return review_submit(author=member, product=product, **fields)


@pytest.fixture
def published(author, product):
    return make_review(author, product)


@pytest.fixture
def pending(newcomer, product):
    return make_review(newcomer, product, title="En attente de lecture")


def login_url_in(response):
    return response.status_code == 302 and reverse("account_login") in response.url


# --- Write ---


def test_anonymous_is_sent_to_log_in_to_write(client, product):
    response = client.get(reverse("reviews:create", args=[product.slug]))
    assert login_url_in(response)


def test_member_writes_a_review_with_a_photo(client, author, product):
    client.force_login(author)

    response = client.post(
        reverse("reviews:create", args=[product.slug]),
        {
            "rating": "5",
            "title": "Parfait",
            "body": BODY,
            "photos": [photo_upload(), photo_upload("PNG")],
        },
    )

    review = Review.objects.get(author=author)
    assert response.status_code == 302
    assert response.url.endswith(f"#review-{review.pk}")
    assert review.photos.count() == 2
    page = client.get(product.get_absolute_url()).content.decode()
    assert "Parfait" in page
    assert "Edit your review" in page


def test_form_errors_are_shown_not_a_500(client, author, product):
    client.force_login(author)

    response = client.post(
        reverse("reviews:create", args=[product.slug]),
        {"rating": "9", "title": "", "body": "court"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Review.objects.exists()


def test_bad_photo_is_a_form_error(client, author, product):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(author)
    response = client.post(
        reverse("reviews:create", args=[product.slug]),
        {
            "rating": "5",
            "title": "Parfait",
            "body": BODY,
            "photos": [SimpleUploadedFile("x.gif", b"GIF89a" + b"\0" * 40)],
        },
    )

    assert response.status_code == 200
    assert "GIF files are not accepted" in response.content.decode()
    assert not Review.objects.exists()


def test_second_review_of_the_same_product_goes_to_edit(client, author, published):
    client.force_login(author)

    response = client.get(reverse("reviews:create", args=[published.product.slug]))

    assert response.status_code == 302
    assert response.url == reverse("reviews:edit", args=[published.pk])


def test_suspended_member_is_told_why_and_until_when(client, suspended, product):
    client.force_login(suspended)

    response = client.post(
        reverse("reviews:create", args=[product.slug]),
        {"rating": "5", "title": "Parfait", "body": BODY},
    )

    assert response.status_code == 403
    assert "suspended until" in response.content.decode()
    assert "Insultes répétées" in response.content.decode()
    assert not Review.objects.exists()


def test_unknown_product_is_404(client, author):
    client.force_login(author)
    assert client.get(reverse("reviews:create", args=["nope"])).status_code == 404


# --- Edit and delete ---


@pytest.mark.parametrize("url_name", ["reviews:edit", "reviews:delete"])
def test_anonymous_must_log_in_to_manage(client, published, url_name):
    assert login_url_in(client.get(reverse(url_name, args=[published.pk])))


@pytest.mark.parametrize("url_name", ["reviews:edit", "reviews:delete"])
@pytest.mark.parametrize("who", ["reader", "moderator", "staff"])
def test_anyone_but_the_author_gets_404(request, client, pending, url_name, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse(url_name, args=[pending.pk])).status_code == 404
    assert client.post(reverse(url_name, args=[pending.pk])).status_code == 404
    pending.refresh_from_db()
    assert pending.status == ModerationStatus.PENDING


def test_author_edits(client, author, published):
    client.force_login(author)
    url = reverse("reviews:edit", args=[published.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"rating": "2", "title": "Revu", "body": BODY})

    assert response.status_code == 302
    published.refresh_from_db()
    assert (published.rating, published.title) == (2, "Revu")


def test_author_deletes_after_confirming(client, author, published):
    client.force_login(author)
    url = reverse("reviews:delete", args=[published.pk])

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Delete my review" in confirm.content.decode()
    published.refresh_from_db()
    assert published.status == ModerationStatus.PUBLISHED

    client.post(url)
    published.refresh_from_db()
    assert published.status == ModerationStatus.REMOVED
    assert client.get(url).status_code == 404
    page = client.get(published.product.get_absolute_url()).content.decode()
    assert "Très bon outil" not in page


def test_rejected_as_spam_cannot_be_opened_for_edit(
    client, newcomer, moderator, pending
):
    moderation_decide(
        moderator=moderator,
        entries_or_contents=[pending],
        action="reject",
        reason=RejectionReason.SPAM,
    )
    client.force_login(newcomer)

    response = client.get(reverse("reviews:edit", args=[pending.pk]))

    assert response.status_code == 302
    assert response.url == reverse("reviews:mine")


# --- Votes ---


def test_anonymous_must_log_in_to_vote(client, published):
    response = client.post(
        reverse("reviews:vote", args=[published.pk]), {"helpful": "yes"}
    )
    assert login_url_in(response)
    assert not ReviewVote.objects.exists()


def test_vote_is_post_only(client, reader, published):
    client.force_login(reader)
    assert client.get(reverse("reviews:vote", args=[published.pk])).status_code == 405


def test_member_votes_and_changes_their_vote(client, reader, published):
    client.force_login(reader)
    url = reverse("reviews:vote", args=[published.pk])

    client.post(url, {"helpful": "yes"})
    response = client.post(url, {"helpful": "no", "next": "https://evil.example/"})

    published.refresh_from_db()
    assert (published.helpful_count, published.not_helpful_count) == (0, 1)
    assert response.url.startswith(published.product.get_absolute_url())


def test_author_cannot_vote_on_own_review(client, author, published):
    client.force_login(author)

    response = client.post(
        reverse("reviews:vote", args=[published.pk]), {"helpful": "yes"}
    )

    assert response.status_code == 403
    assert not ReviewVote.objects.exists()


def test_suspended_member_cannot_vote(client, suspended, published):
    client.force_login(suspended)

    response = client.post(
        reverse("reviews:vote", args=[published.pk]), {"helpful": "yes"}
    )

    assert response.status_code == 403
    assert not ReviewVote.objects.exists()


def test_vote_on_a_pending_review_is_404(client, reader, pending):
    client.force_login(reader)
    response = client.post(
        reverse("reviews:vote", args=[pending.pk]), {"helpful": "yes"}
    )
    assert response.status_code == 404


def test_moderator_votes_like_any_member(client, moderator, published):
    client.force_login(moderator)
    client.post(reverse("reviews:vote", args=[published.pk]), {"helpful": "yes"})
    published.refresh_from_db()
    assert published.helpful_count == 1


# --- Responses ---


def test_anonymous_must_log_in_to_respond(client, published):
    assert login_url_in(client.get(reverse("reviews:respond", args=[published.pk])))


@pytest.mark.parametrize("who", ["reader", "author", "moderator"])
def test_members_who_are_not_staff_may_not_respond(request, client, published, who):
    client.force_login(request.getfixturevalue(who))
    url = reverse("reviews:respond", args=[published.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, {"body": "Réponse"}).status_code == 403
    assert not ReviewResponse.objects.exists()


def test_staff_respond_and_the_author_is_notified(client, staff, author, published):
    client.force_login(staff)

    response = client.post(
        reverse("reviews:respond", args=[published.pk]),
        {"body": "Merci, ravis que l'outil vous plaise !"},
    )

    assert response.status_code == 302
    assert Notification.objects.filter(
        recipient=author, kind="review_response"
    ).exists()
    page = client.get(published.product.get_absolute_url()).content.decode()
    assert "ravis que l&#x27;outil vous plaise" in page or "ravis que" in page


def test_staff_cannot_respond_to_a_pending_review(client, staff, pending):
    client.force_login(staff)
    assert client.get(reverse("reviews:respond", args=[pending.pk])).status_code == 404


# --- My reviews and the product page ---


def test_my_reviews_needs_login(client):
    assert login_url_in(client.get(reverse("reviews:mine")))


def test_my_reviews_shows_status_and_rejection_reason(
    client, newcomer, moderator, pending, published
):
    moderation_decide(
        moderator=moderator,
        entries_or_contents=[pending],
        action="reject",
        reason=RejectionReason.PERSONAL_DATA,
        note="Retirez votre adresse.",
    )
    client.force_login(newcomer)

    page = client.get(reverse("reviews:mine")).content.decode()

    assert "En attente de lecture" in page
    assert "Personal data" in page
    assert "Retirez votre adresse." in page
    assert reverse("reviews:edit", args=[pending.pk]) in page
    assert published.title not in page  # someone else's review


def test_pending_reviews_are_not_shown_to_others(client, reader, pending):
    client.force_login(reader)
    page = client.get(pending.product.get_absolute_url()).content.decode()
    assert "En attente de lecture" not in page


def test_product_page_shows_badges_and_disclosure(client, author, staff, product):
    from .conftest import rewards_member, sale_for

    sale_for(author, product)
    rewards_member(author)
    make_review(author, product, title="Acheté en magasin")
    make_review(staff, product, title="Avis de l'équipe")

    page = client.get(product.get_absolute_url()).content.decode()

    assert "Verified purchase" in page
    assert "Rewards programme member" in page
    assert "never on their rating" in page
    assert "Staff" in page
    assert "Log in to write a review" in page


def test_author_sees_their_quality_sentence(client, author, published):
    client.force_login(author)
    page = client.get(published.product.get_absolute_url()).content.decode()
    assert "the rating never counts" in page


def test_filters_and_sorts(client, product):
    from tests.factories import MemberFactory

    from .conftest import aged

    for rating in (1, 3, 5):
        make_review(
            aged(MemberFactory(trust_level=2)),
            product,
            rating=rating,
            title=f"Note {rating} sur cinq",
        )
    url = product.get_absolute_url()

    only_five = client.get(url, {"stars": "5"}).content.decode()
    lowest = client.get(url, {"sort": "lowest"}).content.decode()
    junk = client.get(url, {"sort": "<script>", "stars": "99", "page": "x"})

    assert "Note 5 sur cinq" in only_five and "Note 1 sur cinq" not in only_five
    assert lowest.index("Note 1 sur cinq") < lowest.index("Note 5 sur cinq")
    assert junk.status_code == 200
