"""/me/purchases/: the purchases the tills matched to my account, to resell.

Each purchase (a sale event of the member, newest first) shows the product, the
day, the store and the amount, what the shop would pay to buy it back, the
listings already made from it, and "Resell this", which starts a listing from
the product marked "verified owner" (/resale/new/?purchase=<id>). A refunded
purchase is marked so and offers nothing to resell. Only the member's own
purchases, ever.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from comptoir.keyset import Keyset
from marketplace.sales.models import SaleEvent

from .buyback import buyback_quote
from .models import Condition, Listing, ListingState, ResaleSettings

PURCHASES_PER_PAGE = 20
PURCHASES_KEYSET = Keyset(("-occurred_at", "-id"), tag="mp")
# A listing of a purchase that still counts: the member sees it next to it.
_GONE_STATES = (ListingState.WITHDRAWN, ListingState.REJECTED)


def member_purchases(*, member) -> QuerySet[SaleEvent]:
    """The member's matched purchases, with product and store, whether refunded,
    and the listings made from them: a fixed number of queries per page."""
    refunds = SaleEvent.objects.filter(
        kind=SaleEvent.Kind.REFUND, refund_of=OuterRef("external_id")
    )
    return (
        SaleEvent.objects.filter(member=member, kind=SaleEvent.Kind.SALE)
        .select_related("product", "store")
        .annotate(refunded=Exists(refunds))
        .prefetch_related(
            Prefetch(
                "resale_listings",
                queryset=Listing.objects.filter(seller=member)
                .exclude(state__in=_GONE_STATES)
                .only("pk", "title", "slug", "state", "purchase_id")
                .order_by("-id"),
                to_attr="listing_list",
            )
        )
    )


def resell_url(purchase: SaleEvent) -> str:
    """Where "Resell this" leads: the listing form, from this purchase."""
    return f"{reverse('resale:new')}?{urlencode({'purchase': purchase.pk})}"


@login_required
@require_safe
def my_purchases(request: HttpRequest) -> HttpResponse:
    """/me/purchases/: my purchases, newest first, each to resell."""
    page = PURCHASES_KEYSET.page(
        member_purchases(member=request.user),
        request.GET,
        per_page=PURCHASES_PER_PAGE,
    )
    rules = ResaleSettings.load(request_or_site=request)
    for purchase in page.object_list:
        stand_in = Listing(product=purchase.product, condition=Condition.NEW_WITH_TAGS)
        purchase.buyback_cents = buyback_quote(listing=stand_in, rules=rules)
        purchase.resell_url = resell_url(purchase)
    return render(request, "resale/my_purchases.html", {"page_obj": page})


plug_urlpatterns = [
    path("me/purchases/", my_purchases, name="purchases"),
]
