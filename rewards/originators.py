"""The originators' pool: the people a product came from share a rate of its net.

Rewards' own pool, registered in `rewards/wagtail_hooks.py`: who originated a
product is kept by rewards (`ProductOriginator`, edited in the admin).
"""

import datetime as dt
from collections import defaultdict

from django.utils.translation import gettext as _

from .explain import percent
from .models import LedgerTransaction, ProductOriginator
from .pools import EarningPool, EarningShare, ProductShares


class OriginatorsPool(EarningPool):
    """`originator_rate_bp` of a product's net, split by the originators' shares.

    The split is among all of a product's originators; the part of one who had not
    opted in by the month's end is not paid (the retailer keeps it).
    """

    name = "originators"
    kind = LedgerTransaction.Kind.ORIGINATOR
    order = 100
    period_field = "originators_cents"

    def rate_bp(self, programme) -> int:
        return programme.originator_rate_bp

    def product_shares(
        self,
        *,
        programme,
        end: dt.datetime,
        product_ids: set[int] | None = None,
    ) -> dict[int, ProductShares]:
        rows = ProductOriginator.objects.order_by()
        if product_ids is not None:
            rows = rows.filter(origin__product_id__in=list(product_ids))
        by_product: dict[int, ProductShares] = defaultdict(lambda: ProductShares([]))
        for product_id, member_id, share, opted_in in rows.values_list(
            "origin__product_id",
            "member_id",
            "share_bp",
            "member__rewards_membership__opted_in_at",
        ):
            by_product[product_id].shares.append(
                EarningShare(
                    key=member_id,
                    member_id=member_id,
                    weight=share,
                    paid=opted_in is not None and opted_in < end,
                )
            )
        return dict(by_product)

    def statement_text(self, entry, values: dict) -> str:
        return _(
            "%(rate)s of %(net)s net sales of %(product)s in %(month)s, "
            "your share %(share)s: %(amount)s"
        ) % {**values, "share": percent(entry.weight or 0)}
