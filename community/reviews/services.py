"""Writes of reviews: submit, edit, delete, vote, respond, and the products' ratings.

Every function runs in one transaction and raises ValidationError or PermissionDenied
with a message the member can read. Moderation (pending or published) is decided by
the moderation app through `content_submit`; its posting policy (rate limits, links,
suspensions) by `member_posting_check`, inside the posting transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community.members.trust import member_trust_refresh
from community.moderation.models import ModerationStatus
from community.moderation.posting import (
    member_posting_check,
    member_posting_record,
    member_suspension_check,
)
from community.moderation.registry import moderated_type_of
from community.moderation.services import content_submit, content_withdraw
from community.notifications.services import notification_send
from comptoir.page_cache import page_cache_clear, page_cache_invalidate
from comptoir.photos import PhotoShelf
from comptoir.uploads import image_uploads_clean
from marketplace.catalog.cached_pages import PRODUCTS, product_tag
from marketplace.catalog.models import Product
from marketplace.sales.models import SaleEvent

from .models import ProductRating, Review, ReviewPhoto, ReviewResponse, ReviewVote
from .moderation import POSTING_KIND
from .quality import quality_score
from .selectors import PHOTO_LARGE_SPEC, PHOTO_THUMB_SPEC

MAX_PHOTOS = 6
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
PHOTO_COLLECTION = "Review photos"
TITLE_MIN, TITLE_MAX = 3, 120
BODY_MIN, BODY_MAX = 20, 10_000
RESPONSE_MAX = 5_000


# --- Rules shared by submit and edit ------------------------------------------------


def _clean_fields(*, rating, title: str, body: str) -> tuple[int, str, str]:
    errors: dict[str, list[str]] = {}
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        errors["rating"] = [_("Choose a rating from 1 to 5 stars.")]
    # NUL characters are never text a person typed, and PostgreSQL refuses them.
    title = (title or "").replace("\x00", "").strip()
    if len(title) < TITLE_MIN:
        errors["title"] = [
            _("Give your review a title of at least %(min)s characters.")
            % {"min": TITLE_MIN}
        ]
    elif len(title) > TITLE_MAX:
        errors["title"] = [
            _("The title may have %(max)s characters at most (it has %(n)s).")
            % {"max": TITLE_MAX, "n": len(title)}
        ]
    body = (body or "").replace("\x00", "").strip()
    if len(body) < BODY_MIN:
        errors["body"] = [
            _("Tell a little more: at least %(min)s characters.") % {"min": BODY_MIN}
        ]
    elif len(body) > BODY_MAX:
        errors["body"] = [
            _("The review may have %(max)s characters at most (it has %(n)s).")
            % {"max": BODY_MAX, "n": len(body)}
        ]
    if errors:
        raise ValidationError(errors)
    return rating, title, body


def _clean_photos(photos: Sequence, *, already: int = 0) -> list:
    """Each upload checked and re-encoded before anything is written."""
    return image_uploads_clean(
        photos,
        already=already,
        max_count=MAX_PHOTOS,
        too_many=_("A review may have %(max)s photos at most.") % {"max": MAX_PHOTOS},
        max_bytes=PHOTO_MAX_BYTES,
        max_pixels=PHOTO_MAX_PIXELS,
        allowed_formats=PHOTO_FORMATS,
    )


REVIEW_PHOTOS = PhotoShelf(
    collection=PHOTO_COLLECTION, specs=(PHOTO_THUMB_SPEC, PHOTO_LARGE_SPEC)
)


def _photo_title(review_id: int, position: int) -> str:
    return f"Review #{review_id} · photo {position + 1}"


def _photos_attach(review: Review, cleaned: list, *, start: int) -> None:
    """New photos, public if the review is already published, private otherwise."""
    for offset, content in enumerate(cleaned):
        position = start + offset
        REVIEW_PHOTOS.attach(
            ReviewPhoto(review=review, position=position),
            content,
            public=review.status == ModerationStatus.PUBLISHED,
            title=_photo_title(review.pk, position),
        )


def review_photos_place(*, review: Review) -> int:
    """Move a review's photos where its status allows; returns how many moved.

    A published review's photos are Wagtail images under MEDIA_URL; those of a
    review in any other status (pending, rejected, hidden, removed) are private
    files that only the author and moderators may open. Called in the transaction
    of every change of a review's status. A move gives the photo a new address, so
    the review's `updated_at` moves too: its cached card is rendered afresh.
    """
    with transaction.atomic():
        moved = REVIEW_PHOTOS.place(
            review.photos.select_related("image").order_by("position", "id"),
            public=review.status == ModerationStatus.PUBLISHED,
            title_of=lambda photo: _photo_title(review.pk, photo.position),
        )
        if moved:
            review.save(update_fields=["updated_at"])
    return moved


def review_photos_delete(*, photos) -> int:
    """Delete review photos with their files, public or private; returns how many.

    The files leave storage once the transaction commits (Wagtail's images with
    their renditions, and the private files).
    """
    return REVIEW_PHOTOS.delete(ReviewPhoto, photos)


def _photos_keep(review: Review, *, remove_photo_ids: Sequence[int]) -> list:
    """Delete the photos the author removed and number the others from 0 again;
    returns the photos kept, in order."""
    remove = set(int(pk) for pk in remove_photo_ids)
    if remove:
        review_photos_delete(photos=review.photos.filter(pk__in=remove))
    kept = list(review.photos.order_by("position", "id"))
    for position, photo in enumerate(kept):
        if photo.position != position:
            photo.position = position
            photo.save(update_fields=["position"])
    return kept


def _verified_purchase(*, member, product: Product) -> bool:
    return SaleEvent.objects.filter(
        member=member, product=product, kind=SaleEvent.Kind.SALE
    ).exists()


def review_quality_refresh(*, review: Review) -> Review:
    """Recompute the stored quality score from votes, photos, length and purchase."""
    review.quality_score = quality_score(
        helpful=review.helpful_count,
        not_helpful=review.not_helpful_count,
        photos=review.photos.count(),
        body_length=len(review.body),
        verified=review.verified_purchase,
    )
    review.save(update_fields=["quality_score", "updated_at"])
    return review


def _require_member(member, message: str) -> None:
    if member is None or not member.is_authenticated:
        raise PermissionDenied(message)


def _review_send(review: Review, *, member, new_photos: list, start: int) -> None:
    """After a review is written or edited, in its transaction: send it to
    moderation, attach its new photos and move its kept ones where its new status
    allows, score it, recount its product and count the post against the limits."""
    content_submit(content=review)
    _photos_attach(review, new_photos, start=start)
    review_photos_place(review=review)
    review_quality_refresh(review=review)
    product_rating_refresh(product_id=review.product_id)
    member_posting_record(member=member, kind=POSTING_KIND)


# --- Submit, edit, delete -----------------------------------------------------------


def review_submit(
    *,
    author,
    product: Product,
    rating: int,
    title: str,
    body: str,
    photos: Sequence = (),
) -> Review:
    """A member's review of a product, sent to moderation.

    One review per member and product (a review its author deleted may be written
    again); the trust rules of the author's level apply (rate limits, links,
    suspension). Verified purchase is set when a sale of the product is linked to
    the author.
    """
    _require_member(author, _("Log in to write a review."))
    if not product.active:
        raise ValidationError(
            _("This product is no longer sold; it cannot be reviewed.")
        )
    rating, title, body = _clean_fields(rating=rating, title=title, body=body)
    cleaned_photos = _clean_photos(photos)
    with transaction.atomic():
        # First in the transaction: it locks the member, so two submissions at
        # once are checked against the limits one after the other.
        member_posting_check(member=author, kind=POSTING_KIND, text=f"{title}\n{body}")
        review = (
            Review.objects.select_for_update()
            .filter(product=product, author=author)
            .first()
        )
        if review is not None and review.status != ModerationStatus.REMOVED:
            raise ValidationError(
                _("You have already reviewed this product: edit your review instead.")
            )
        if review is None:
            review = Review(product=product, author=author)
        else:
            # A deleted review's row is reused: its id stays stable for the audit
            # trail, and the one-review rule holds without a second row.
            review_photos_delete(photos=review.photos.all())
            review.votes.all().delete()
            ReviewResponse.objects.filter(review=review).delete()
            review.helpful_count = review.not_helpful_count = 0
            review.rejection_reason = ""
            review.rejection_note = ""
            review.created_at = timezone.now()
        review.rating, review.title, review.body = rating, title, body
        review.verified_purchase = _verified_purchase(member=author, product=product)
        review.status = ModerationStatus.PENDING
        review.status_changed_at = timezone.now()
        review.save()
        _review_send(review, member=author, new_photos=cleaned_photos, start=0)
    review.refresh_from_db()
    return review


def review_can_edit(review: Review) -> bool:
    """Whether the author may still change this review (not removed, not hidden,
    not rejected for a reason that cannot be fixed)."""
    if review.status in (ModerationStatus.REMOVED, ModerationStatus.HIDDEN):
        return False
    if review.status == ModerationStatus.REJECTED:
        return moderated_type_of(review).can_fix(review.rejection_reason)
    return True


def review_edit(
    *,
    review: Review,
    editor,
    rating: int,
    title: str,
    body: str,
    photos: Sequence = (),
    remove_photo_ids: Sequence[int] = (),
) -> Review:
    """The author changes their review; it goes through moderation again.

    Only the author may edit. A review rejected for a fixable reason is resubmitted;
    one rejected for spam, offence or duplication, hidden after reports, or deleted
    cannot be edited. Whether the edit is published at once or waits in the queue
    follows the author's trust level, as for a new review.
    """
    _require_member(editor, _("Log in to edit your review."))
    if editor.pk != review.author_id:
        raise PermissionDenied(_("Only its author may edit a review."))
    if review.status == ModerationStatus.HIDDEN:
        raise ValidationError(
            _(
                "This review is hidden while a moderator looks at reports about it; "
                "you can edit it after their decision."
            )
        )
    if not review_can_edit(review):
        raise ValidationError(_("This review can no longer be edited."))
    rating, title, body = _clean_fields(rating=rating, title=title, body=body)
    with transaction.atomic():
        # First in the transaction, as for a new review: it locks the member.
        member_posting_check(member=editor, kind=POSTING_KIND, text=f"{title}\n{body}")
        review = Review.objects.select_for_update().get(pk=review.pk)
        if not review_can_edit(review):
            raise ValidationError(_("This review can no longer be edited."))
        kept = _photos_keep(review, remove_photo_ids=remove_photo_ids)
        cleaned_photos = _clean_photos(photos, already=len(kept))
        review.rating, review.title, review.body = rating, title, body
        review.verified_purchase = _verified_purchase(
            member=editor, product=review.product
        )
        review.save(
            update_fields=[
                "rating",
                "title",
                "body",
                "verified_purchase",
                "updated_at",
            ]
        )
        _review_send(review, member=editor, new_photos=cleaned_photos, start=len(kept))
    review.refresh_from_db()
    return review


def review_delete(*, review: Review, member) -> Review:
    """The author withdraws their review: it is marked removed, never erased.

    The row stays for the moderation audit trail and for rewards already computed
    from it; it disappears from every public page and from the queue.
    """
    _require_member(member, _("Log in to delete your review."))
    if member.pk != review.author_id:
        raise PermissionDenied(_("Only its author may delete a review."))
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.status == ModerationStatus.REMOVED:
            return review
        review.status = ModerationStatus.REMOVED
        review.status_changed_at = timezone.now()
        review.save(update_fields=["status", "status_changed_at", "updated_at"])
        # Nothing left for a moderator to decide.
        content_withdraw(content=review)
        product_rating_refresh(product_id=review.product_id)
        review_photos_place(review=review)
    return review


# --- Product ratings -----------------------------------------------------------------


def _published_counts(product_ids=None):
    reviews = Review.objects.filter(status=ModerationStatus.PUBLISHED)
    if product_ids is not None:
        reviews = reviews.filter(product_id__in=product_ids)
    return (
        reviews.order_by().values_list("product_id", "rating").annotate(n=Count("pk"))
    )


def products_lock(*, product_ids) -> None:
    """Lock these product rows until the transaction ends, in id order, so that
    transactions locking several products never wait on each other in a circle."""
    ids = sorted(product_ids)
    list(
        Product.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values("pk")
    )


def product_rating_refresh(*, product_id: int) -> ProductRating:
    """Recount a product's published reviews by stars into its stored rating.

    Called inside the transaction of every change to a review's status or rating.
    The product row is locked before counting, so of two changes at once the second
    counts after the first has committed (SQLite serialises writers anyway); a
    moderator's batch locks all its products first (`Review.moderation_lock_related`).
    """
    with transaction.atomic():
        products_lock(product_ids=[product_id])
        counts = {rating: n for _, rating, n in _published_counts([product_id])}
        rating, _created = ProductRating.objects.update_or_create(
            product_id=product_id,
            defaults={
                field: counts.get(stars, 0)
                for stars, field in enumerate(ProductRating.STARS_FIELDS, start=1)
            },
        )
    # Its page shows the reviews, the product cards the rating.
    page_cache_invalidate(product_tag(product_id), PRODUCTS)
    return rating


def product_ratings_rebuild() -> int:
    """Recount every product's stored rating from its reviews, in two statements.

    For reviews loaded in bulk (demo content, benchmarks, imports), which skip the
    services; returns how many products have published reviews.
    """
    ratings: dict[int, ProductRating] = {}
    for product_id, stars, n in _published_counts():
        rating = ratings.setdefault(product_id, ProductRating(product_id=product_id))
        setattr(rating, ProductRating.STARS_FIELDS[stars - 1], n)
    with transaction.atomic():
        ProductRating.objects.all().delete()
        ProductRating.objects.bulk_create(ratings.values(), batch_size=1000)
        page_cache_clear()
    return len(ratings)


# --- Votes and responses ------------------------------------------------------------


def review_vote(*, review: Review, voter, helpful: bool) -> ReviewVote:
    """A member says whether a published review helped them; they may change it.

    Never on one's own review; one vote per member and review. The review row is
    locked and its counts recounted from the votes table, so concurrent votes
    leave exact counts. Helpful votes count toward the author's trust level.
    """
    _require_member(voter, _("Log in to vote on reviews."))
    if voter.pk == review.author_id:
        raise PermissionDenied(_("You cannot vote on your own review."))
    # A suspended member reads but takes no part, votes included.
    member_suspension_check(member=voter)
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.status != ModerationStatus.PUBLISHED:
            raise ValidationError(_("Only published reviews can be voted on."))
        vote, created = ReviewVote.objects.get_or_create(
            review=review, voter=voter, defaults={"helpful": bool(helpful)}
        )
        if not created and vote.helpful != bool(helpful):
            vote.helpful = bool(helpful)
            vote.save(update_fields=["helpful", "updated_at"])
        counts = ReviewVote.objects.filter(review=review).aggregate(
            yes=Count("pk", filter=Q(helpful=True)),
            no=Count("pk", filter=Q(helpful=False)),
        )
        review.helpful_count = counts["yes"]
        review.not_helpful_count = counts["no"]
        review.save(update_fields=["helpful_count", "not_helpful_count", "updated_at"])
        review_quality_refresh(review=review)
        member_trust_refresh(member=review.author)
        page_cache_invalidate(product_tag(review.product_id))
    return vote


def review_respond(*, review: Review, staff_member, body: str) -> ReviewResponse:
    """The retailer answers a published review publicly; the author is notified.

    Staff only. Answering again replaces the earlier answer.
    """
    _require_member(staff_member, _("Log in to answer reviews."))
    if not staff_member.is_staff:
        raise PermissionDenied(_("Only the retailer's staff may answer reviews."))
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise ValidationError({"body": [_("Write the answer.")]})
    if len(body) > RESPONSE_MAX:
        raise ValidationError(
            {
                "body": [
                    _("An answer may have %(max)s characters at most (it has %(n)s).")
                    % {"max": RESPONSE_MAX, "n": len(body)}
                ]
            }
        )
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.status != ModerationStatus.PUBLISHED:
            raise ValidationError(_("Only published reviews can be answered."))
        response, _created = ReviewResponse.objects.update_or_create(
            review=review, defaults={"author": staff_member, "body": body}
        )
        notification_send(
            recipient=review.author,
            kind="review_response",
            title=_("The shop answered your review “%(title)s”")
            % {"title": review.title},
            body=body[:500],
            url=review_url(review),
            email=True,
        )
        page_cache_invalidate(product_tag(review.product_id))
    return response


def review_url(review: Review) -> str:
    """Where a review is seen: its product's page, at the review."""
    return review.get_absolute_url()
