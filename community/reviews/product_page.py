"""Reviews on the catalog's product page and product cards.

Registered in `wagtail_hooks.py` at the catalog's plug-in points
(marketplace/catalog/panels.py): the reviews section of the product page with its
JSON-LD, and the rating on the product cards.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db import router
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
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from comptoir.fragments import FRAGMENT_TIMEOUT, fragment_by_tags, fragment_key
from comptoir.page_cache import page_cache_tags_version
from marketplace.catalog.cached_pages import product_page_query, product_page_tags
from marketplace.catalog.panels import ProductAnnotator, ProductPanel

from . import selectors
from .cards import review_cards_html
from .forms import ReviewFilterForm
from .models import ProductRating, Review
from .structured_data import reviews_json_ld
from .views import REVIEWS_PER_PAGE, review_quality_words


class ReviewsShown:
    """What every viewer sees alike of a product page's reviews, for one query
    string: the rating, the filters, one page of reviews and their cards.

    Kept under the product page's tags (catalog.cached_pages.product_page_tags),
    which the reviews services invalidate on every new, edited, moderated,
    voted or answered review and a member's rename: the page's count, review
    ids, cards and the rows a member's parts show in one cache read (`kept`),
    the summary, filters and pagination as HTML fragments
    (ReviewsPanel.render_html). Each read below runs only when something kept
    is built again.
    """

    def __init__(self, request: HttpRequest, product):
        self.request = request
        self.product = product
        self.cache_tags = product_page_tags(request, product)
        self.query = product_page_query(request)
        # Read before the reviews it keys, as the page cache does.
        self.version = (
            page_cache_tags_version(*sorted(self.cache_tags))
            if self.query is not None
            else None
        )

    @cached_property
    def filter_form(self) -> ReviewFilterForm:
        return ReviewFilterForm(self.request.GET or None)

    @cached_property
    def filters(self) -> dict:
        form = self.filter_form
        return form.filters() if form.is_bound else {"sort": "helpful"}

    @cached_property
    def summary(self):
        return selectors.product_rating_summary(product_id=self.product.pk)

    @cached_property
    def page(self):
        filters = self.filters
        reviews = selectors.product_reviews(product_id=self.product.pk, **filters)
        paginator = Paginator(reviews, REVIEWS_PER_PAGE)
        if not (
            filters.get("stars")
            or filters.get("with_photos")
            or filters.get("verified")
        ):
            # Unfiltered, the page count is the summary's (or the kept one's):
            # no second COUNT query.
            kept = self.__dict__.get("kept")
            paginator.count = kept["count"] if kept else self.summary.count
        return paginator.get_page(self.request.GET.get("page"))

    @cached_property
    def reviews(self) -> list:
        """The page's reviews, as rows (authors, answers, photos)."""
        return list(self.page.object_list)

    @cached_property
    def kept(self) -> dict:
        """The review count, the page's review ids with their cards' HTML and
        what a member's parts show of each (`MEMBER_ROW_FIELDS`, and whether
        the shop answered): from the cache while the page's tags are
        unchanged, else read and kept."""
        key = None
        if self.version is not None:
            key = fragment_key(
                "product-reviews", (self.version, self.product.pk, self.query)
            )
            found = cache.get(key)
            if isinstance(found, dict) and "rows" in found:
                return found
        cards = review_cards_html(self.reviews)
        kept = {
            "count": self.summary.count,
            "cards": [(review.pk, str(cards[review.pk])) for review in self.reviews],
            "rows": [
                (
                    review.pk,
                    tuple(getattr(review, name) for name in MEMBER_ROW_FIELDS),
                    _has_response(review),
                )
                for review in self.reviews
            ],
        }
        if key is not None:
            cache.set(key, kept, FRAGMENT_TIMEOUT)
        return kept

    @property
    def count(self) -> int:
        return self.kept["count"]

    @cached_property
    def ids(self) -> list[int]:
        return [pk for pk, _ in self.kept["cards"]]

    @cached_property
    def cards(self) -> dict[int, SafeString]:
        # Rendered by the review card's template from sanitised Markdown and
        # escaped fields, then kept as text.
        return {pk: mark_safe(html) for pk, html in self.kept["cards"]}  # noqa: S308


# What a member's parts of the list show of a review (its vote buttons, report
# box, "Answer publicly"), kept with the cards; in the model's order of fields,
# which Model.from_db expects.
MEMBER_ROW_FIELDS = tuple(
    field.attname
    for field in Review._meta.concrete_fields
    if field.attname
    in {"id", "author_id", "status", "helpful_count", "not_helpful_count"}
)


@dataclass(frozen=True)
class ShownCard:
    """A review of the page as a visitor's list shows it: its card, no row."""

    pk: int
    card_html: SafeString


def product_reviews_context(request: HttpRequest, product) -> dict:
    """What the product page needs to show its reviews; a fixed number of queries.

    What every viewer sees alike comes from `ReviewsShown` (no query while it is
    kept); a visitor's list is the kept cards alone. A member's adds their own
    review and their votes on the page's reviews (two small queries, whatever
    the number of reviews); the vote counts, authors and answers they see are
    the kept ones.
    """
    shown = ReviewsShown(request, product)
    user = request.user
    own_review = selectors.member_review_of(member=user, product_id=product.pk)
    if own_review is not None:
        own_review.quality_words = review_quality_words(own_review)
    if user.is_authenticated:
        page_reviews = _member_rows(shown, user, own_review)
    else:
        page_reviews = [
            ShownCard(pk=pk, card_html=html) for pk, html in shown.cards.items()
        ]
    return {
        "reviews_shown": shown,
        "review_list": page_reviews,
        "own_review": own_review,
        "next_url": request.get_full_path(),
        "login_to_vote_url": reverse("account_login")
        + "?"
        + urlencode({"next": request.get_full_path()}),
    }


def _member_rows(shown: ReviewsShown, user, own_review) -> list[Review]:
    """The page's reviews for a member's own parts, from the kept rows: the
    member's vote on each, whether they wrote it, its counts and answer.

    Each is a Review holding only `MEMBER_ROW_FIELDS` (any other field would
    be read on first use), except the member's own, which is their full row.
    """
    votes = selectors.member_votes_on(member=user, review_ids=shown.ids)
    cards = shown.cards
    db = router.db_for_read(Review)
    rows = []
    for pk, values, has_response in shown.kept["rows"]:
        if own_review is not None and own_review.pk == pk:
            review = own_review
        else:
            review = Review.from_db(db, MEMBER_ROW_FIELDS, values)
        review.card_html = cards[pk]
        review.has_response = has_response
        review.viewer_vote = votes.get(pk)
        review.viewer_is_author = review.author_id == user.pk
        rows.append(review)
    return rows


def _has_response(review: Review) -> bool:
    try:
        review.response  # noqa: B018 - selected with the review
    except ObjectDoesNotExist:
        return False
    return True


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
        shown = context["reviews_shown"]
        return reviews_json_ld(summary=shown.summary, reviews=shown.reviews)

    def render_html(self, parent_context, context: dict) -> SafeString:
        """The panel with its shared parts (summary, filters, pagination) from
        their fragments: the template renders each alone (`reviews_part`), then
        the whole with the viewer's own parts around them."""
        pieces = _SharedPieces(self, parent_context, context)
        return super().render_html(
            parent_context, {**context, "reviews_part": "", "reviews_html": pieces}
        )


# The parts of the reviews panel that every viewer sees alike, for a query string.
REVIEWS_SHARED_PARTS = ("summary", "filters", "pagination")


class _SharedPieces:
    """The panel's shared parts by name, each rendered (or read from its
    fragment) when the template first shows it: no filters without reviews."""

    def __init__(self, panel: ReviewsPanel, parent_context, context: dict):
        self.panel = panel
        self.parent_context = parent_context
        self.context = context
        self.html: dict[str, SafeString] = {}

    def __getitem__(self, part: str) -> SafeString:
        if part not in REVIEWS_SHARED_PARTS:
            raise KeyError(part)
        if part not in self.html:
            shown = self.context["reviews_shown"]
            if shown.query is None:
                self.html[part] = self._render(part)
            else:
                self.html[part] = fragment_by_tags(
                    f"product-reviews-{part}",
                    tags=shown.cache_tags,
                    parts=(shown.product.pk, shown.query),
                    render=lambda: self._render(part),
                )
        return self.html[part]

    def _render(self, part: str) -> SafeString:
        return ProductPanel.render_html(
            self.panel, self.parent_context, {**self.context, "reviews_part": part}
        )


class RatingAnnotator(ProductAnnotator):
    """Average rating and review count on each product card."""

    name = "rating"
    order = 100
    card_template = "reviews/includes/card_rating.html"

    def annotate(self, queryset: QuerySet) -> QuerySet:
        return products_with_review_summary(queryset)
