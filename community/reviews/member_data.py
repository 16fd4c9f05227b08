"""A member's reviews and votes, for the member-data export and erasure.

Erasure policy — reviews are kept, anonymised:
- published reviews stay on their product pages, credited to the anonymised
  account ("Former member #id", no profile): other shoppers still rely on them,
  and the ratings and rewards already computed from them stay true;
- every photo of the member's reviews is deleted, its file and renditions from
  storage too (once the erasure commits): a photo may show the member or their
  home. Quality scores are recounted without them;
- a review still waiting for moderation is withdrawn, as if its author had deleted
  it: nobody should approve the words of someone who has left. Rejected, hidden and
  withdrawn reviews stay as they are, for the moderation audit trail;
- votes the member cast stay, tied to the anonymised account, so every review's
  helpful counts stay exact and a later recount gives the same figures.

If the member chooses "delete my reviews" (`reviews_delete_public`), every review
of theirs is withdrawn from the site as its author would delete it, and its title
and text are blanked: the rows stay, for the moderation trail and the rewards
already computed from them, with nothing the member wrote.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community.moderation.models import ModerationStatus

from .models import Review, ReviewPhoto, ReviewVote
from .services import review_delete, review_photos_delete, review_quality_refresh


def reviews_export(member) -> dict[str, list[dict[str, Any]]]:
    """The member's reviews (any status) with their photos, and the votes they cast."""
    reviews = (
        Review.objects.filter(author=member)
        .select_related("product", "response")
        .prefetch_related(
            Prefetch(
                "photos",
                queryset=ReviewPhoto.objects.select_related("image").order_by(
                    "position", "id"
                ),
            )
        )
        .order_by("created_at", "id")
    )
    votes = (
        ReviewVote.objects.filter(voter=member)
        .select_related("review__product")
        .order_by("created_at", "id")
    )
    return {
        "reviews": [_review_data(review) for review in reviews],
        "votes": [
            {
                "review": vote.review_id,
                "sku": vote.review.product.sku,
                "helpful": vote.helpful,
                "created_at": vote.created_at,
                "updated_at": vote.updated_at,
            }
            for vote in votes
        ],
    }


def _review_data(review: Review) -> dict[str, Any]:
    response = getattr(review, "response", None)
    return {
        "id": review.pk,
        "sku": review.product.sku,
        "product": review.product.name,
        "rating": review.rating,
        "title": review.title,
        "body": review.body,
        "status": review.status,
        "rejection_reason": review.rejection_reason,
        "rejection_note": review.rejection_note,
        "verified_purchase": review.verified_purchase,
        "helpful_votes": review.helpful_count,
        "not_helpful_votes": review.not_helpful_count,
        "created_at": review.created_at,
        "published_at": review.published_at,
        "updated_at": review.updated_at,
        "photos": [photo.stored_file.name for photo in review.photos.all()],
        "shop_response": response.body if response else None,
    }


def reviews_erase(member) -> int:
    """Delete the photos of the member's reviews and withdraw those still pending;
    returns how many photos and reviews that changed (see the module's policy)."""
    photos = ReviewPhoto.objects.filter(review__author=member)
    reviews_with_photos = set(photos.values_list("review_id", flat=True))
    # Public or private, their files leave storage once the erasure commits.
    photo_count = review_photos_delete(photos=photos)
    for review in Review.objects.filter(pk__in=reviews_with_photos).order_by("id"):
        review_quality_refresh(review=review)
    pending = list(
        Review.objects.filter(author=member, status=ModerationStatus.PENDING).order_by(
            "id"
        )
    )
    for review in pending:
        review_delete(review=review, member=member)
    return photo_count + len(pending)


def reviews_files(member) -> list:
    """The original photo files of the member's reviews, as the export names them."""
    photos = (
        ReviewPhoto.objects.filter(review__author=member)
        .select_related("image")
        .order_by("review_id", "position", "id")
    )
    return [
        (f"reviews/{photo.stored_file.name}", photo.stored_file) for photo in photos
    ]


def reviews_erase_summary(member) -> list[str]:
    """What erasure does to the member's reviews and votes, before they confirm."""
    published = Review.objects.filter(
        author=member, status=ModerationStatus.PUBLISHED
    ).count()
    photos = ReviewPhoto.objects.filter(review__author=member).count()
    lines = []
    if published:
        lines.append(
            ngettext(
                "Your %(count)s published review stays on its product page, signed "
                "“former member”, unless you choose to delete it below.",
                "Your %(count)s published reviews stay on their product pages, "
                "signed “former member”, unless you choose to delete them below.",
                published,
            )
            % {"count": published}
        )
    if photos:
        lines.append(
            ngettext(
                "Your %(count)s review photo is deleted.",
                "Your %(count)s review photos are deleted.",
                photos,
            )
            % {"count": photos}
        )
    if Review.objects.filter(author=member, status=ModerationStatus.PENDING).exists():
        lines.append(_("Reviews still waiting for moderation are withdrawn."))
    return lines


def reviews_delete_public(member) -> int:
    """Withdraw every review of the member and blank its words; returns how many.

    Runs before `reviews_erase`, in the erasure's transaction.
    """
    reviews = list(
        Review.objects.filter(author=member).exclude(title="", body="").order_by("id")
    )
    for review in reviews:
        review_delete(review=review, member=member)
    Review.objects.filter(pk__in=[review.pk for review in reviews]).update(
        title="", body=""
    )
    return len(reviews)
