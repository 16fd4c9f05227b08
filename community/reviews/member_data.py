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
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

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
