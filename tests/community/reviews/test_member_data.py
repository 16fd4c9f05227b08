"""Reviews in a member's data: exported with photos and votes, kept anonymised."""

import pytest
from django.core.files.storage import default_storage
from wagtail.images import get_image_model

from community.members.member_data import member_data_erase, member_data_export
from community.moderation.models import ModerationStatus, QueueEntry
from community.reviews.models import Review
from community.reviews.services import review_submit, review_vote

from .conftest import BODY, photo_upload

pytestmark = pytest.mark.django_db


def test_the_export_lists_reviews_of_any_status_and_the_votes_cast(
    author, newcomer, product
):
    # given a published review by the author, a pending one by a newcomer, and the
    # newcomer's helpful vote on the published one
    published = review_submit(
        author=author, product=product, rating=4, title="Très bien", body=BODY
    )
    review_submit(author=newcomer, product=product, rating=2, title="Bof", body=BODY)
    review_vote(review=published, voter=newcomer, helpful=True)
    # when the newcomer's data is exported
    reviews = member_data_export(member=newcomer)["sections"]["reviews"]
    # then their own review is there with its status, and their vote
    assert [(r["title"], r["status"]) for r in reviews["reviews"]] == [
        ("Bof", "pending")
    ]
    assert reviews["votes"] == [
        {
            "review": published.pk,
            "sku": "SEC-001",
            "helpful": True,
            "created_at": reviews["votes"][0]["created_at"],
            "updated_at": reviews["votes"][0]["updated_at"],
        }
    ]


def test_erasure_withdraws_a_pending_review_from_the_queue(newcomer, product):
    # given a newcomer's review waiting for a moderator
    review = review_submit(
        author=newcomer, product=product, rating=3, title="En attente", body=BODY
    )
    assert review.status == ModerationStatus.PENDING
    # when the newcomer's data is erased
    erased = member_data_erase(member=newcomer)
    # then nobody is left to approve it: withdrawn, out of the queue, row kept
    assert erased["reviews"] == 1
    review.refresh_from_db()
    assert review.status == ModerationStatus.REMOVED
    assert not QueueEntry.objects.filter(
        object_id=review.pk, closed_at__isnull=True
    ).exists()


def test_erasure_deletes_photos_and_their_renditions_but_keeps_the_votes(
    author, reader, product, django_capture_on_commit_callbacks
):
    # given a published review with two photos, one rendered, and a helpful vote
    review = review_submit(
        author=author,
        product=product,
        rating=5,
        title="Avec photos",
        body=BODY,
        photos=[photo_upload(name="a.jpg"), photo_upload(name="b.png", fmt="PNG")],
    )
    images = [photo.image for photo in review.photos.all()]
    rendition = images[0].get_rendition("fill-160x160")
    files = [image.file.name for image in images] + [rendition.file.name]
    assert all(default_storage.exists(name) for name in files)
    review_vote(review=review, voter=reader, helpful=True)
    quality_before = Review.objects.get(pk=review.pk).quality_score
    # when the author's data is erased
    with django_capture_on_commit_callbacks(execute=True):
        erased = member_data_erase(member=author)
    # then the photos are gone from the database and the disk
    assert erased["reviews"] == 2
    assert not get_image_model().objects.filter(pk__in=[i.pk for i in images]).exists()
    assert not any(default_storage.exists(name) for name in files)
    # and the review stays published with its vote; its score lost the photo bonus
    review = Review.objects.get(pk=review.pk)
    assert review.status == ModerationStatus.PUBLISHED
    assert (review.helpful_count, review.votes.count()) == (1, 1)
    assert review.quality_score < quality_before


def test_votes_a_member_cast_still_count_after_their_erasure(author, reader, product):
    # given the reader's helpful vote on the author's review
    review = review_submit(
        author=author, product=product, rating=5, title="Utile", body=BODY
    )
    review_vote(review=review, voter=reader, helpful=True)
    # when the reader's data is erased
    member_data_erase(member=reader)
    # then the review still counts the vote, and a recount agrees
    review.refresh_from_db()
    assert review.helpful_count == 1
    assert review.votes.filter(helpful=True).count() == 1
