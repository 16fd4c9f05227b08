"""After a hand-off each side rates the other, double-blind (as Sharetribe does).

A buyer rates the seller and the seller the buyer, 1 to 5 stars and a comment,
within `rating_days` of the hand-off. Neither sees the other's rating before both
have rated or the window has closed: then both are published together, so no one
answers the other's rating. A seller's average and count (as a seller) show on their
listings and public profile.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Handoff, HandoffStatus, Rating

COMMENT_MAX_LENGTH = 1000


def rating_give(
    *, handoff: Handoff, rater, stars, comment: str = "", now: dt.datetime | None = None
) -> Rating:
    """Rate the other side of a hand-off, once, inside its window."""
    now = now or timezone.now()
    if rater is None or rater.pk not in (handoff.buyer_id, handoff.seller_id):
        raise PermissionDenied(_("Only the buyer and the seller rate a hand-off."))
    try:
        stars = int(stars)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise ValidationError({"stars": _("Choose from 1 to 5 stars.")})
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "comment": _("Keep the comment under %(max)s characters.")
                % {"max": COMMENT_MAX_LENGTH}
            }
        )
    with transaction.atomic():
        handoff = Handoff.objects.select_for_update().get(pk=handoff.pk)
        if handoff.status != HandoffStatus.HANDED_OVER:
            raise ValidationError(_("A hand-off is rated once it has taken place."))
        if handoff.rating_closes_at is not None and now > handoff.rating_closes_at:
            raise ValidationError(
                _("The time to rate this hand-off ended on %(day)s.")
                % {
                    "day": date_format(
                        timezone.localdate(handoff.rating_closes_at), "j F Y"
                    )
                }
            )
        as_buyer = rater.pk == handoff.buyer_id
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    handoff=handoff,
                    rater=rater,
                    rated_id=handoff.seller_id if as_buyer else handoff.buyer_id,
                    rated_role=Rating.Role.SELLER if as_buyer else Rating.Role.BUYER,
                    stars=stars,
                    comment=comment,
                    created_at=now,
                )
        except IntegrityError:
            raise ValidationError(_("You have already rated this hand-off.")) from None
        # Both have rated: both are shown now, together.
        if Rating.objects.filter(handoff=handoff).count() == 2:
            Rating.objects.filter(handoff=handoff, published_at__isnull=True).update(
                published_at=now
            )
            rating.published_at = now
            _shown_pages_forget([handoff.buyer_id, handoff.seller_id])
    return rating


def _shown_pages_forget(member_ids) -> None:
    """The cached listing pages that show these members' ratings, forgotten once
    the publication commits."""
    from comptoir.page_cache import page_cache_invalidate

    from .services import seller_tag

    page_cache_invalidate(*(seller_tag(pk) for pk in set(member_ids)))


def ratings_publish_due(*, now: dt.datetime | None = None) -> int:
    """Publish the ratings whose window has closed without the other side's
    (the daily refresh); a second run publishes nothing more."""
    now = now or timezone.now()
    due = Rating.objects.filter(
        published_at__isnull=True, handoff__rating_closes_at__lte=now
    )
    with transaction.atomic():
        rated = set(due.values_list("rated_id", flat=True))
        published = due.update(published_at=now)
        _shown_pages_forget(rated)
    return published


@dataclass(frozen=True)
class SellerRating:
    average: float | None
    count: int
    sales: int

    @property
    def stars_text(self) -> str:
        return "" if self.average is None else f"{self.average:.1f}".replace(".", ",")


def seller_rating(*, member_id: int) -> SellerRating:
    """A seller's published ratings as a seller, and their sales: two small queries."""
    totals = Rating.objects.filter(
        rated_id=member_id,
        rated_role=Rating.Role.SELLER,
        published_at__isnull=False,
    ).aggregate(average=Avg("stars"), count=Count("pk"))
    sales = Handoff.objects.filter(
        seller_id=member_id, status=HandoffStatus.HANDED_OVER
    ).count()
    average = totals["average"]
    return SellerRating(
        average=round(float(average), 1) if average is not None else None,
        count=int(totals["count"] or 0),
        sales=sales,
    )


def ratings_shown(*, member_id: int, limit: int = 20):
    """The member's published ratings (as seller and buyer), newest first."""
    return (
        Rating.objects.filter(rated_id=member_id, published_at__isnull=False)
        .select_related("rater", "handoff__listing")
        .order_by("-published_at", "-id")[:limit]
    )


def rating_owed(*, handoff: Handoff, member, now: dt.datetime | None = None) -> bool:
    """Whether `member` may still rate this hand-off (for the "Rate" button)."""
    now = now or timezone.now()
    return (
        handoff.status == HandoffStatus.HANDED_OVER
        and member is not None
        and member.pk in (handoff.buyer_id, handoff.seller_id)
        and (handoff.rating_closes_at is None or now <= handoff.rating_closes_at)
        and not Rating.objects.filter(handoff=handoff, rater=member).exists()
    )
