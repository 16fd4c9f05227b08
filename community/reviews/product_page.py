"""Reviews on the catalog's product page and product cards.

Registered in `wagtail_hooks.py` at the catalog's plug-in points
(marketplace/catalog/panels.py): the reviews section of the product page with its
JSON-LD, and the rating on the product cards.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import (
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Coalesce, NullIf, Round
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

from marketplace.catalog.panels import ProductAnnotator, ProductPanel

from . import selectors
from .cards import review_cards_html
from .forms import ReviewFilterForm
from .models import ProductRating
from .structured_data import reviews_json_ld
from .views import REVIEWS_PER_PAGE, review_quality_words


def product_reviews_context(request: HttpRequest, product) -> dict:
    """What the product page needs to show its reviews; a fixed number of queries.

    The stored rating (one read), the page's reviews (rows + photos + images and
    renditions; the count too when filtered), their cards (one cache read), the
    viewer's own review and votes: the same whatever the number of reviews.
    """
    filter_form = ReviewFilterForm(request.GET or None)
    filters = filter_form.filters() if filter_form.is_bound else {"sort": "helpful"}
    summary = selectors.product_rating_summary(product_id=product.pk)
    reviews = selectors.product_reviews(product_id=product.pk, **filters)
    paginator = Paginator(reviews, REVIEWS_PER_PAGE)
    if not (
        filters.get("stars") or filters.get("with_photos") or filters.get("verified")
    ):
        # Unfiltered, the page count is the summary's: no second COUNT query.
        paginator.count = summary.count
    page = paginator.get_page(request.GET.get("page"))
    page_reviews = list(page.object_list)
    user = request.user
    own_review = selectors.member_review_of(member=user, product_id=product.pk)
    votes = selectors.member_votes_on(
        member=user, review_ids=[r.pk for r in page_reviews]
    )
    cards = review_cards_html(page_reviews)
    for review in page_reviews:
        review.card_html = cards[review.pk]
        review.viewer_vote = votes.get(review.pk)
        review.viewer_is_author = user.is_authenticated and review.author_id == user.pk
        if review.viewer_is_author:
            review.quality_words = review_quality_words(review)
    if own_review is not None:
        own_review.quality_words = review_quality_words(own_review)
    return {
        "review_summary": summary,
        "review_page": page,
        "review_list": page_reviews,
        "review_filter_form": filter_form,
        "review_filters": filters,
        "own_review": own_review,
        "next_url": request.get_full_path(),
        "login_to_vote_url": reverse("account_login")
        + "?"
        + urlencode({"next": request.get_full_path()}),
    }


def products_with_review_summary(queryset: QuerySet) -> QuerySet:
    """Annotate products with `review_average` and `review_count` (published only),
    read from their stored ratings: one LEFT JOIN, whatever the number of reviews."""
    stars = [F(f"rating__{field}") for field in ProductRating.STARS_FIELDS]
    count = Coalesce(sum(stars[1:], stars[0]), Value(0))
    weighted = sum((n * s for n, s in enumerate(stars[1:], start=2)), stars[0])
    queryset = queryset.annotate(
        review_count=ExpressionWrapper(count, output_field=IntegerField()),
        review_average=ExpressionWrapper(
            Cast(weighted, FloatField()) / NullIf(count, Value(0)),
            output_field=FloatField(),
        ),
    )
    # Whole stars for the card's star picture.
    return queryset.annotate(
        review_average_stars=Coalesce(
            Cast(Round(F("review_average")), IntegerField()), Value(0)
        )
    )


class ReviewsPanel(ProductPanel):
    """The product page's "Customer reviews": rating, filters, one page of reviews."""

    name = "reviews"
    order = 100
    template_name = "reviews/includes/product_reviews.html"

    def get_context(self, request: HttpRequest, product) -> dict:
        return product_reviews_context(request, product)

    def json_ld(self, context: dict) -> dict | None:
        return reviews_json_ld(
            summary=context["review_summary"], reviews=context["review_list"]
        )


class RatingAnnotator(ProductAnnotator):
    """Average rating and review count on each product card."""

    name = "rating"
    order = 100
    card_template = "reviews/includes/card_rating.html"

    def annotate(self, queryset: QuerySet) -> QuerySet:
        return products_with_review_summary(queryset)
