"""Reads for the editorial pages, shaped so a page's query count stays flat."""

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet
from taggit.models import Tag
from wagtail.images import get_image_model

from comptoir.search import full_text_search
from marketplace.catalog.models import Product

from .blocks import PRODUCT_CARD_FILTER
from .models import ArticleIndexPage, ArticlePage, HomePage

# The rendition article cards use (templates/includes/article_card.html).
ARTICLE_CARD_FILTER = "fill-640x400"


def _images_with(filter_spec: str) -> QuerySet:
    return get_image_model().objects.prefetch_renditions(filter_spec)


def _article_cards(queryset: QuerySet) -> QuerySet:
    return queryset.defer_streamfields().prefetch_related(
        Prefetch("cover_image", queryset=_images_with(ARTICLE_CARD_FILTER)),
        # A plain list: into `article.tags` it builds a queryset per article.
        Prefetch("tags", to_attr="tag_list"),
    )


def _public_articles() -> QuerySet:
    return ArticlePage.objects.live().public()


def articles_latest(*, limit: int, exclude_ids: Iterable[int] = ()) -> QuerySet:
    """The newest live articles of the whole site."""
    queryset = _public_articles().exclude(pk__in=list(exclude_ids))
    return _article_cards(queryset.order_by("-date", "-first_published_at", "-pk"))[
        :limit
    ]


def articles_in_index(*, index_page: ArticleIndexPage, tag_slug: str = "") -> QuerySet:
    """Live articles under an index, newest first, optionally with one tag."""
    queryset = _public_articles().child_of(index_page)
    if tag_slug:
        queryset = queryset.filter(tags__slug=tag_slug)
    return _article_cards(queryset.order_by("-date", "-first_published_at", "-pk"))


def tags_in_index(*, index_page: ArticleIndexPage, limit: int = 40) -> QuerySet:
    """Tags used by the live articles of an index, by name."""
    article_ids = _public_articles().child_of(index_page).values("pk")
    return (
        Tag.objects.filter(
            editorial_articlepagetag_items__content_object_id__in=article_ids
        )
        .distinct()
        .order_by("name")[:limit]
    )


def tag_by_slug(*, slug: str) -> Tag | None:
    return Tag.objects.filter(slug=slug).first()


def article_index_for(*, home: HomePage) -> ArticleIndexPage | None:
    return ArticleIndexPage.objects.live().child_of(home).first()


def home_featured_articles(*, home: HomePage) -> list[ArticlePage]:
    """The articles editors chose, in their order, leaving out unpublished ones."""
    # Read through the relation so previews of unsaved choices work too.
    ids = list(dict.fromkeys(item.article_id for item in home.featured_articles.all()))
    if not ids:
        return []
    found = {
        article.pk: article
        for article in _article_cards(_public_articles().filter(pk__in=ids))
    }
    return [found[pk] for pk in ids if pk in found]


def home_featured_products(*, home: HomePage) -> list[Product]:
    """The products editors chose, in their order, leaving out inactive ones."""
    ids = list(dict.fromkeys(item.product_id for item in home.featured_products.all()))
    if not ids:
        return []
    found = {
        product.pk: product
        for product in Product.objects.filter(active=True, pk__in=ids).prefetch_related(
            Prefetch("image", queryset=_images_with(PRODUCT_CARD_FILTER))
        )
    }
    return [found[pk] for pk in ids if pk in found]


def search_articles(*, query: str):
    """Live public articles holding every word of the query, best match first."""
    return full_text_search(_public_articles().defer_streamfields(), query)
