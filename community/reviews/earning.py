"""The reviewers' pool: a product's reviewers share a rate of its net by quality.

Registered at rewards' earning-pool point in `wagtail_hooks.py`; rewards' monthly
close pays it without knowing reviews exist.
"""

import datetime as dt
from collections import defaultdict

from django.utils.translation import gettext as _

from community.moderation.models import ModerationStatus
from rewards.explain import quality
from rewards.models import LedgerTransaction
from rewards.pools import EarningPool, EarningShare, ProductShares

from .models import Review


class ReviewersPool(EarningPool):
    """`reviewer_pool_rate_bp` of a product's net, split among its eligible reviews
    by quality score — never by rating, so pay does not depend on praise.

    A review earns for a month when it was published before the month ended, its
    author had opted in to the programme before then, it is of a verified purchase
    if the programme version requires it, and its quality is at least the version's
    minimum (and above zero). A member with two reviews of a product earns for each.
    """

    name = "reviewers"
    kind = LedgerTransaction.Kind.REVIEWER
    order = 200
    period_field = "reviewers_cents"

    def rate_bp(self, programme) -> int:
        return programme.reviewer_pool_rate_bp

    def product_shares(
        self,
        *,
        programme,
        end: dt.datetime,
        product_ids: set[int] | None = None,
    ) -> dict[int, ProductShares]:
        reviews = Review.objects.filter(
            status=ModerationStatus.PUBLISHED,
            published_at__lt=end,
            quality_score__gte=max(programme.min_quality, 1),
            author__rewards_membership__opted_in_at__lt=end,
        )
        if programme.verified_only:
            reviews = reviews.filter(verified_purchase=True)
        if product_ids is not None:
            reviews = reviews.filter(product_id__in=list(product_ids))
        by_product: dict[int, list[EarningShare]] = defaultdict(list)
        for product_id, review_id, author_id, score in reviews.values_list(
            "product_id", "id", "author_id", "quality_score"
        ).order_by():
            by_product[product_id].append(
                EarningShare(key=review_id, member_id=author_id, weight=score)
            )
        return {
            product_id: ProductShares(
                # Entries are written in review order.
                shares=sorted(shares, key=lambda share: share.key),
                details={"total_weight": sum(share.weight for share in shares)},
            )
            for product_id, shares in by_product.items()
        }

    def statement_text(self, entry, values: dict) -> str:
        details = entry.transaction.details or {}
        return _(
            "Reviewer pool of %(product)s in %(month)s (%(rate)s of %(net)s net "
            "sales: %(pool)s): your review's quality %(quality)s of "
            "%(total_quality)s in total → %(amount)s"
        ) % {
            **values,
            "quality": quality(entry.weight or 0),
            "total_quality": quality(details.get("total_weight", 0)),
        }
