"""Photos of reviews nobody may read yet are never public: only their author and
moderators open them, until the review is published."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from community.moderation.models import ModerationAction, ModerationStatus
from community.moderation.services import moderation_decide
from community.reviews.models import ReviewPhoto
from community.reviews.services import review_delete, review_submit

from .conftest import BODY, photo_upload

pytestmark = pytest.mark.django_db


def files_under(root) -> set[str]:
    return {path.name for path in Path(root).rglob("*") if path.is_file()}


def write_review(member, product):
    return review_submit(
        author=member,
        product=product,
        rating=4,
        title="Avec une photo",
        body=BODY,
        photos=[photo_upload()],
    )


@pytest.fixture
def pending_photo(newcomer, product, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review = write_review(newcomer, product)
    assert review.status == ModerationStatus.PENDING
    return review.photos.get()


def test_a_pending_reviews_photo_is_stored_nowhere_under_media(pending_photo):
    # Given a premoderated member's review with a photo, waiting in the queue,
    # then no file of it (nor any thumbnail) exists where /media/ is served from.
    assert not pending_photo.is_public
    assert pending_photo.private_file.name
    assert Path(pending_photo.private_file.path).is_file()
    assert not Path(pending_photo.private_file.path).is_relative_to(settings.MEDIA_ROOT)
    assert Path(pending_photo.private_file.name).name not in files_under(
        settings.MEDIA_ROOT
    )


@pytest.mark.parametrize("name", ["photo", "photo_thumbnail"])
def test_only_the_author_and_moderators_open_a_pending_photo(
    client, pending_photo, newcomer, moderator, reader, name
):
    url = reverse(f"reviews:{name}", args=[pending_photo.pk])

    assert client.get(url).status_code == 404
    client.force_login(reader)
    assert client.get(url).status_code == 404

    for allowed in (newcomer, moderator):
        client.force_login(allowed)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert "private" in response["Cache-Control"]
        assert b"".join(response)[:3] == b"\xff\xd8\xff"


def test_the_author_sees_their_pending_photo_on_my_reviews(
    client, pending_photo, newcomer
):
    client.force_login(newcomer)

    html = client.get(reverse("reviews:mine")).content.decode()

    assert reverse("reviews:photo_thumbnail", args=[pending_photo.pk]) in html
    assert settings.MEDIA_URL not in html


def test_approval_publishes_the_photo_under_media_and_forgets_the_private_copy(
    client, pending_photo, moderator, product, django_capture_on_commit_callbacks
):
    private_path = Path(pending_photo.private_file.path)

    with django_capture_on_commit_callbacks(execute=True):
        moderation_decide(
            moderator=moderator,
            entries_or_contents=[pending_photo.review],
            action=ModerationAction.APPROVE,
        )

    photo = ReviewPhoto.objects.select_related("image").get(pk=pending_photo.pk)
    assert photo.is_public
    assert not private_path.exists()
    page = client.get(product.get_absolute_url()).content.decode()
    assert photo.image.get_rendition("fill-160x160").url in page
    assert photo.image.get_rendition("fill-160x160").url.startswith(settings.MEDIA_URL)
    # An old private link now leads anyone to the public photo.
    response = client.get(reverse("reviews:photo", args=[photo.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(settings.MEDIA_URL)


def test_a_published_photo_goes_private_again_when_its_review_is_taken_down(
    author, product, django_capture_on_commit_callbacks
):
    # Given a trusted member's review, published at once with a public photo…
    with django_capture_on_commit_callbacks(execute=True):
        review = write_review(author, product)
    photo = review.photos.select_related("image").get()
    assert photo.is_public
    public_path = Path(photo.image.file.path)
    assert public_path.is_file()

    # …when the author deletes the review…
    with django_capture_on_commit_callbacks(execute=True):
        review_delete(review=review, member=author)

    # …then the photo's file leaves /media/ and is kept privately.
    photo.refresh_from_db()
    assert not photo.is_public
    assert not public_path.exists()
    assert Path(photo.private_file.path).is_file()
