"""Reads of reviews for product pages, /me/reviews/ and the transparency page
(the product cards' rating is read in product_page.py).

Every queryset carries its own select/prefetch and annotations, so a product page
costs the same number of queries with 5 reviews or 5,000.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.http import Http404
from django.utils import timezone
from wagtail.images import get_image_model

from community.moderation.models import ModerationDecision, ModerationStatus
from community.moderation.services import user_can_moderate
from comptoir.search import full_text_search
from marketplace.catalog.models import Product
from rewards.selectors import member_in_programme

from .models import ProductRating, Review, ReviewPhoto, ReviewVote

PHOTO_THUMB_SPEC = "fill-160x160"
PHOTO_LARGE_SPEC = "max-1200x1200"

REVIEW_SORTS = {
    "helpful": ("-quality_score", "-id"),
    "newest": ("-created_at", "-id"),
    "highest": ("-rating", "-quality_score", "-id"),
    "lowest": ("rating", "-quality_score", "-id"),
}
DEFAULT_REVIEW_SORT = "helpful"


def _photos_prefetch() -> Prefetch:
    images = get_image_model().objects.prefetch_renditions(
        PHOTO_THUMB_SPEC, PHOTO_LARGE_SPEC
    )
    return Prefetch(
        "photos",
        queryset=ReviewPhoto.objects.order_by("position", "id").prefetch_related(
            Prefetch("image", queryset=images)
        ),
    )


def _with_page_details(queryset: QuerySet[Review]) -> QuerySet[Review]:
    """Author, response, photos and the rewards badge, without a query per review."""
    return (
        queryset.select_related("author", "response")
        .annotate(author_in_rewards=member_in_programme("author_id"))
        .prefetch_related(_photos_prefetch())
    )


def product_reviews(
    *,
    product_id: int,
    sort: str = DEFAULT_REVIEW_SORT,
    stars: int | None = None,
    with_photos: bool = False,
    verified: bool = False,
) -> QuerySet[Review]:
    """The published reviews of a product, filtered and sorted for its page.

    An unknown sort falls back to "most helpful" (quality score); ties break by id
    so pages never repeat or skip a review.
    """
    queryset = Review.objects.filter(
        product_id=product_id, status=ModerationStatus.PUBLISHED
    )
    if stars:
        queryset = queryset.filter(rating=stars)
    if with_photos:
        queryset = queryset.filter(
            Exists(ReviewPhoto.objects.filter(review_id=OuterRef("pk")))
        )
    if verified:
        queryset = queryset.filter(verified_purchase=True)
    ordering = REVIEW_SORTS.get(sort, REVIEW_SORTS[DEFAULT_REVIEW_SORT])
    return _with_page_details(queryset.order_by(*ordering))


@dataclass
class RatingSummary:
    """Average, count and 1–5 distribution of a product's published reviews."""

    count: int = 0
    average: float | None = None
    distribution: dict[int, int] = field(default_factory=dict)

    @property
    def bars(self) -> list[dict]:
        """Rows for the distribution bars, 5 stars first, with their share in %."""
        return [
            {
                "stars": stars,
                "count": self.distribution.get(stars, 0),
                "percent": round(100 * self.distribution.get(stars, 0) / self.count)
                if self.count
                else 0,
            }
            for stars in range(5, 0, -1)
        ]

    @property
    def average_stars(self) -> int:
        """The average rounded to whole stars, for the star picture."""
        return round(self.average) if self.average is not None else 0

    @property
    def average_display(self) -> str:
        return f"{self.average:.1f}" if self.average is not None else ""


def product_rating_summary(*, product_id: int) -> RatingSummary:
    """The product's stored rating (one primary-key read, whatever the count)."""
    stored = ProductRating.objects.filter(product_id=product_id).first()
    distribution = stored.distribution if stored else {n: 0 for n in range(1, 6)}
    count = sum(distribution.values())
    average = (
        sum(rating * n for rating, n in distribution.items()) / count if count else None
    )
    return RatingSummary(count=count, average=average, distribution=distribution)


def member_votes_on(*, member, review_ids: list[int]) -> dict[int, bool]:
    """The member's vote on each of these reviews, by review id (one query)."""
    if not member.is_authenticated or not review_ids:
        return {}
    return dict(
        ReviewVote.objects.filter(voter=member, review_id__in=review_ids).values_list(
            "review_id", "helpful"
        )
    )


def member_review_of(*, member, product_id: int) -> Review | None:
    """The member's own review of a product, whatever its status, or None."""
    if not member.is_authenticated:
        return None
    return (
        Review.objects.filter(author=member, product_id=product_id)
        .prefetch_related(_photos_prefetch())
        .first()
    )


def member_reviews(*, member) -> QuerySet[Review]:
    """A member's reviews, newest first, with products and photos (not removed)."""
    return (
        Review.objects.filter(author=member)
        .exclude(status=ModerationStatus.REMOVED)
        .select_related("product", "response")
        .prefetch_related(_photos_prefetch())
        .order_by("-created_at", "-id")
    )


def review_for_author(*, review_id: int, member) -> Review:
    """A review its author may manage; 404 for anyone else, so its existence
    stays private."""
    review = (
        Review.objects.filter(pk=review_id, author_id=member.pk)
        .exclude(status=ModerationStatus.REMOVED)
        .select_related("product")
        .prefetch_related(_photos_prefetch())
        .first()
    )
    if review is None:
        raise Http404("No such review.")
    return review


def review_photo_for_viewer(*, photo_id: int, viewer) -> ReviewPhoto:
    """A review photo as `viewer` may see it: a public one (its review is
    published) for anyone, a private one for its author and moderators only; 404
    for anyone else, so a private photo's existence stays private too."""
    photo = (
        ReviewPhoto.objects.filter(pk=photo_id)
        .select_related("review", "image")
        .first()
    )
    allowed = photo is not None and (
        photo.is_public
        or (viewer.is_authenticated and viewer.pk == photo.review.author_id)
        or user_can_moderate(viewer)
    )
    if not allowed:
        raise Http404("No such photo.")
    return photo


def review_published(*, review_id: int) -> Review:
    """A published review (votes, responses); 404 otherwise."""
    review = (
        Review.objects.filter(pk=review_id, status=ModerationStatus.PUBLISHED)
        .select_related("product", "author")
        .first()
    )
    if review is None:
        raise Http404("No such review.")
    return review


# --- Transparency figures -----------------------------------------------------------


@dataclass
class ReviewFigures:
    days: int
    submitted: int
    approved: int
    rejected: int
    rejected_by_reason: list[tuple[str, int]]
    published_now: int


def review_figures(*, days: int = 30, now: dt.datetime | None = None) -> ReviewFigures:
    """What happened to reviews over the last `days` days, counted in the database.

    Submitted: reviews written in the period. Approved and rejected: moderators'
    decisions on reviews in the period (a review decided twice counts twice).
    """
    from django.contrib.contenttypes.models import ContentType

    from community.moderation.models import ModerationAction
    from community.moderation.registry import moderated_type_for

    since = (now or timezone.now()) - dt.timedelta(days=days)
    review_type = ContentType.objects.get_for_model(Review)
    decisions = ModerationDecision.objects.filter(
        content_type=review_type, decided_at__gte=since
    )
    counts = decisions.aggregate(
        approved=Count("pk", filter=Q(action=ModerationAction.APPROVE)),
        rejected=Count("pk", filter=Q(action=ModerationAction.REJECT)),
    )
    by_reason = dict(
        decisions.filter(action=ModerationAction.REJECT)
        .values("reason")
        .annotate(n=Count("pk"))
        .values_list("reason", "n")
    )
    reviews = Review.objects.aggregate(
        submitted=Count("pk", filter=Q(created_at__gte=since)),
        published=Count("pk", filter=Q(status=ModerationStatus.PUBLISHED)),
    )
    return ReviewFigures(
        days=days,
        submitted=reviews["submitted"],
        approved=counts["approved"],
        rejected=counts["rejected"],
        rejected_by_reason=[
            (label, by_reason.get(code, 0))
            for code, label in moderated_type_for(Review).rejection_choices()
        ],
        published_now=reviews["published"],
    )


def review_search(*, query: str):
    """The reviews section of the site search: published reviews of active
    products holding every word of the query in their title or text, best match
    first, with what a result shows (product, author) joined."""
    published = Review.objects.filter(
        status=ModerationStatus.PUBLISHED,
        product__in=Product.objects.filter(active=True).values("pk"),
    ).select_related("product", "author")
    return full_text_search(published, query)
