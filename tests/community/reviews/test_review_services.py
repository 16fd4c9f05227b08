import shutil
import sqlite3
import tempfile
import threading
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from community.members.models import PostingRecord
from community.moderation.models import ModerationStatus, QueueEntry
from community.moderation.registry import RejectionReason
from community.moderation.services import moderation_decide
from community.notifications.models import Notification
from community.reviews.models import Review, ReviewPhoto
from community.reviews.services import (
    review_delete,
    review_edit,
    review_respond,
    review_submit,
    review_vote,
)
from tests.comptoir import image_files
from tests.factories import MemberFactory, ProductFactory

from .conftest import BODY, aged, photo_upload, sale_for, with_retry


def submit(author, product, **overrides):
    fields = {"rating": 4, "title": "Très bon outil", "body": BODY}
    fields.update(overrides)
    return review_submit(author=author, product=product, **fields)


def test_trusted_member_review_is_published_at_once(author, product):
    review = submit(author, product)

    assert review.status == ModerationStatus.PUBLISHED
    assert review.published_at is not None
    assert not review.verified_purchase


def test_new_member_review_waits_in_the_queue(newcomer, product):
    review = submit(newcomer, product)

    assert review.status == ModerationStatus.PENDING
    assert QueueEntry.objects.filter(object_id=review.pk, closed_at=None).exists()


def test_verified_purchase_needs_a_linked_sale_of_that_product(author, product):
    sale_for(author, product)

    review = submit(author, product)

    assert review.verified_purchase


def test_one_review_per_member_and_product(author, product):
    submit(author, product)

    with pytest.raises(ValidationError, match="already reviewed"):
        submit(author, product, title="Encore un avis")
    assert Review.objects.filter(author=author, product=product).count() == 1


def test_a_deleted_review_can_be_written_again(author, product):
    review = submit(author, product)
    review_delete(review=review, member=author)

    again = submit(author, product, rating=2, title="Finalement moyen")

    assert again.pk == review.pk
    assert again.status == ModerationStatus.PUBLISHED
    assert again.rating == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rating", 0),
        ("rating", 6),
        ("rating", "cinq"),
        ("title", "  "),
        ("title", "x" * 121),
        ("body", "Trop court"),
        ("body", "x" * 10_001),
    ],
)
def test_bad_fields_are_refused_with_a_message(author, product, field, value):
    with pytest.raises(ValidationError) as error:
        submit(author, product, **{field: value})

    assert field in error.value.message_dict
    assert not Review.objects.exists()


def test_anonymous_cannot_review(product):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        submit(AnonymousUser(), product)


def test_suspended_member_cannot_review(suspended, product):
    with pytest.raises(PermissionDenied, match="suspended"):
        submit(suspended, product)
    assert not Review.objects.exists()


def test_new_member_may_not_post_links(newcomer, product):
    with pytest.raises(ValidationError):
        submit(newcomer, product, body=BODY + " https://example.com")


def test_photos_are_stored_as_wagtail_images_without_exif(author, product):
    from django.core.files.uploadedfile import SimpleUploadedFile

    jpeg = SimpleUploadedFile(
        "gps.jpg", image_files.jpeg_with_gps_and_rotation(), content_type="image/jpeg"
    )

    review = submit(author, product, photos=[jpeg, photo_upload("PNG")])

    photos = list(review.photos.select_related("image__collection"))
    assert len(photos) == 2
    assert photos[0].image.collection.name == "Review photos"
    with photos[0].image.open_file() as stored:
        from PIL import Image

        assert not Image.open(stored).getexif()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (image_files.png_bomb(), "megapixels"),
        (b"GIF89a" + b"\x00" * 64, "GIF"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "SVG"),
        (b"not an image at all", "not an image"),
    ],
)
def test_hostile_photos_are_refused_and_nothing_is_saved(
    author, product, content, message
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("x.png", content, content_type="image/png")

    with pytest.raises(ValidationError, match=message):
        submit(author, product, photos=[photo_upload(), upload])
    assert not Review.objects.exists()
    assert not ReviewPhoto.objects.exists()


def test_at_most_six_photos(author, product):
    with pytest.raises(ValidationError, match="6 photos"):
        submit(author, product, photos=[photo_upload() for _ in range(7)])


def test_photos_too_large_in_bytes_are_refused(author, product):
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024))

    with pytest.raises(ValidationError, match="at most"):
        submit(author, product, photos=[big])


# --- Edit and delete ---


def test_only_the_author_may_edit(author, reader, product):
    review = submit(author, product)

    with pytest.raises(PermissionDenied):
        review_edit(review=review, editor=reader, rating=1, title="Piraté", body=BODY)
    review.refresh_from_db()
    assert review.title == "Très bon outil"


def test_edit_by_a_premoderated_member_goes_back_to_the_queue(
    newcomer, moderator, product
):
    review = submit(newcomer, product)
    moderation_decide(
        moderator=moderator, entries_or_contents=[review], action="approve"
    )
    review.refresh_from_db()
    assert review.status == ModerationStatus.PUBLISHED
    newcomer.date_joined = newcomer.date_joined  # no pause rule for old members
    from community.members.models import PostingRecord

    PostingRecord.objects.filter(member=newcomer).delete()

    edited = review_edit(
        review=review, editor=newcomer, rating=2, title="Moins bien", body=BODY
    )

    assert edited.status == ModerationStatus.PENDING
    assert QueueEntry.objects.filter(object_id=review.pk, closed_at=None).exists()


def test_edit_by_a_trusted_member_stays_published(author, product):
    review = submit(author, product)

    edited = review_edit(
        review=review, editor=author, rating=3, title="Avis revu", body=BODY
    )

    assert edited.status == ModerationStatus.PUBLISHED
    assert edited.rating == 3


def _rejected(review, moderator, reason):
    moderation_decide(
        moderator=moderator,
        entries_or_contents=[review],
        action="reject",
        reason=reason,
        note="Merci de retirer votre numéro de téléphone.",
    )
    review.refresh_from_db()
    return review


def test_rejected_for_a_fixable_reason_can_be_edited_and_resubmitted(
    newcomer, moderator, product
):
    review = _rejected(
        submit(newcomer, product), moderator, RejectionReason.PERSONAL_DATA
    )
    from community.members.models import PostingRecord

    PostingRecord.objects.filter(member=newcomer).delete()

    resubmitted = review_edit(
        review=review, editor=newcomer, rating=4, title="Sans numéro", body=BODY
    )

    assert resubmitted.status == ModerationStatus.PENDING


def test_rejected_as_spam_cannot_be_edited(newcomer, moderator, product):
    review = _rejected(submit(newcomer, product), moderator, RejectionReason.SPAM)

    with pytest.raises(ValidationError):
        review_edit(review=review, editor=newcomer, rating=4, title="Re", body=BODY)
    review.refresh_from_db()
    assert review.status == ModerationStatus.REJECTED


def test_edit_can_remove_and_add_photos(author, product):
    review = submit(author, product, photos=[photo_upload(), photo_upload("PNG")])
    first = review.photos.first()

    edited = review_edit(
        review=review,
        editor=author,
        rating=4,
        title="Avec d'autres photos",
        body=BODY,
        photos=[photo_upload("WEBP")],
        remove_photo_ids=[first.pk],
    )

    assert [p.position for p in edited.photos.all()] == [0, 1]
    assert not ReviewPhoto.objects.filter(pk=first.pk).exists()


def test_delete_marks_removed_and_keeps_the_row(newcomer, product):
    review = submit(newcomer, product)

    review_delete(review=review, member=newcomer)

    review.refresh_from_db()
    assert review.status == ModerationStatus.REMOVED
    assert not QueueEntry.objects.filter(object_id=review.pk, closed_at=None).exists()


def test_only_the_author_may_delete(author, reader, product):
    review = submit(author, product)

    with pytest.raises(PermissionDenied):
        review_delete(review=review, member=reader)
    review.refresh_from_db()
    assert review.status == ModerationStatus.PUBLISHED


# --- Votes ---


def test_no_vote_on_ones_own_review(author, product):
    review = submit(author, product)

    with pytest.raises(PermissionDenied):
        review_vote(review=review, voter=author, helpful=True)


def test_votes_are_counted_once_per_member_and_changeable(author, reader, product):
    review = submit(author, product)

    review_vote(review=review, voter=reader, helpful=True)
    review_vote(review=review, voter=reader, helpful=True)
    review.refresh_from_db()
    assert (review.helpful_count, review.not_helpful_count) == (1, 0)

    review_vote(review=review, voter=reader, helpful=False)
    review.refresh_from_db()
    assert (review.helpful_count, review.not_helpful_count) == (0, 1)


def test_helpful_votes_raise_the_quality_score(author, product):
    review = submit(author, product)
    before = review.quality_score

    for _ in range(5):
        review_vote(review=review, voter=aged(MemberFactory()), helpful=True)

    review.refresh_from_db()
    assert review.quality_score > before


def test_no_vote_on_a_pending_review(newcomer, reader, product):
    review = submit(newcomer, product)

    with pytest.raises(ValidationError):
        review_vote(review=review, voter=reader, helpful=True)


def test_suspended_member_cannot_vote(author, suspended, product):
    review = submit(author, product)

    with pytest.raises(PermissionDenied, match="suspended"):
        review_vote(review=review, voter=suspended, helpful=True)


def test_helpful_votes_count_toward_the_authors_trust(moderator, product):
    from community.members.trust import trust_settings

    settings = trust_settings()
    settings.level2_min_approved = 1
    settings.level2_min_days = 0
    settings.level2_min_helpful_votes = 3
    settings.save()
    basic = aged(MemberFactory(trust_level=1))
    review = submit(basic, product)
    moderation_decide(
        moderator=moderator, entries_or_contents=[review], action="approve"
    )
    basic.refresh_from_db()
    assert basic.trust_level == 1

    for _ in range(3):
        review_vote(review=review, voter=aged(MemberFactory()), helpful=True)

    basic.refresh_from_db()
    assert basic.trust_level == 2


# --- Responses ---


def test_only_staff_respond(author, reader, product):
    review = submit(author, product)

    with pytest.raises(PermissionDenied):
        review_respond(review=review, staff_member=reader, body="Merci !")


def test_staff_response_notifies_the_author_after_commit(
    author, staff, product, django_capture_on_commit_callbacks
):
    review = submit(author, product)

    with django_capture_on_commit_callbacks(execute=True):
        response = review_respond(
            review=review, staff_member=staff, body="Merci pour votre avis !"
        )

    assert response.review_id == review.pk
    notification = Notification.objects.get(recipient=author, kind="review_response")
    assert f"#review-{review.pk}" in notification.url
    assert any(author.email in m.to for m in mail.outbox)


def test_nul_characters_are_dropped(author, product):
    review = submit(author, product, title="Bon\x00 outil", body=BODY + "\x00")

    assert review.title == "Bon outil"
    assert "\x00" not in review.body


# --- Posts sent at once ----------------------------------------------------------


@pytest.fixture
def threads(transactional_db):
    """Run functions at the same moment in real threads, one connection each.

    The pattern of tests/rewards/conftest.py `threads_db`. PostgreSQL: the test
    database as is. SQLite: its in-memory test database refuses a second writer
    at once instead of letting it wait, so the threads work on a file copy of it,
    with the site's own settings (WAL, busy timeout, immediate transactions).
    """
    settings_dict = connection.settings_dict
    original_name = settings_dict["NAME"]
    workdir = Path(tempfile.mkdtemp(prefix="reviews-threads-"))

    def run(*functions):
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(workdir / "db.sqlite3")
            connection.connection.backup(target)
            target.close()
            settings_dict["NAME"] = str(workdir / "db.sqlite3")
        barrier = threading.Barrier(len(functions))
        results, failures = [], []

        def work(function):
            try:
                barrier.wait()
                results.append(with_retry(function))
            except Exception as exc:  # noqa: BLE001 - reported to the test
                failures.append(exc)
            finally:
                connections.close_all()

        workers = [threading.Thread(target=work, args=(f,)) for f in functions]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return results, failures

    def read(function):
        """Run `function` on the database the threads wrote to."""
        box = []

        def work():
            box.append(function())
            connections.close_all()

        reader = threading.Thread(target=work)
        reader.start()
        reader.join()
        return box[0]

    run.read = read
    yield run
    settings_dict["NAME"] = original_name
    shutil.rmtree(workdir, ignore_errors=True)


def _newcomers_two_reviews(newcomer):
    reviews = []
    for sku in ("RAT-1", "RAT-2"):
        reviews.append(
            Review.objects.create(
                product=ProductFactory(sku=sku, slug=sku.lower()),
                author=newcomer,
                rating=3,
                title="Premier avis",
                body=BODY,
                status=ModerationStatus.PUBLISHED,
            )
        )
    return reviews


@pytest.mark.parametrize("write", ["submit", "edit"])
def test_two_posts_at_once_by_a_new_member_pass_the_pause_once(threads, write):
    # given a level 0 member, who must wait 30 seconds between two posts
    newcomer = aged(MemberFactory(display_name="Pressé", trust_level=0))
    if write == "submit":
        products = [ProductFactory(sku=f"RAT-{n}", slug=f"rat-{n}") for n in (1, 2)]
        posts = [
            lambda product=product: submit(newcomer, product) for product in products
        ]
        title = "Très bon outil"
    else:
        reviews = _newcomers_two_reviews(newcomer)
        posts = [
            lambda review=review: review_edit(
                review=review, editor=newcomer, rating=4, title="Revu", body=BODY
            )
            for review in reviews
        ]
        title = "Revu"

    # when two of their posts arrive at the same moment
    results, failures = threads(*posts)

    # then exactly one passes and the other is told to wait
    assert len(results) == 1
    assert [type(failure) for failure in failures] == [PermissionDenied]
    assert "wait 30 seconds between two posts" in str(failures[0])
    written = Review.objects.filter(author=newcomer, title=title)
    assert threads.read(written.count) == 1
    assert threads.read(PostingRecord.objects.filter(member=newcomer).count) == 1
