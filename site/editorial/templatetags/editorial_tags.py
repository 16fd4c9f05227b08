"""The editorial pages' shared HTML, kept: article cards, product teasers, and the
home page's and an article's content.

Each card is cached under what it shows (comptoir/fragments.py), so the home page
and the article index render only the cards that changed since. The larger pieces
(comptoir's `{% fragment_by_tags %}`) are kept under the page cache's tags of their page
(editorial/cached_pages.py), so members, who never get the page cache, get them
without the reads that build them.
"""

from django import template
from django.utils.safestring import SafeString

from comptoir.fragments import fragments_render

register = template.Library()


def _image_key(image) -> tuple | None:
    # A rendition's URL changes with the file and the focal point.
    if image is None:
        return None
    return (
        image.pk,
        image.file.name,
        image.focal_point_x,
        image.focal_point_y,
        image.focal_point_width,
        image.focal_point_height,
    )


def _cards(context, name, items, template_name, *, key, values) -> SafeString:
    card = context.template.engine.get_template(template_name)

    def render(item) -> str:
        with context.push(values(item)):
            return card.render(context)

    return SafeString("".join(fragments_render(name, items, key=key, render=render)))


@register.simple_tag(takes_context=True)
def article_cards(context, articles, level=2) -> SafeString:
    """{% article_cards articles level %}: templates/includes/article_card.html for
    each article, `level` being the cards' heading level."""
    request = context.get("request")

    def tags(article) -> list:
        found = getattr(article, "tag_list", None)
        return list(article.tags.all()) if found is None else found

    def key(article) -> tuple:
        return (
            article.pk,
            article.get_url(request),
            article.title,
            article.date,
            article.author_name,
            article.intro,
            _image_key(article.cover_image),
            tuple(tag.name for tag in tags(article)),
            level,
        )

    return _cards(
        context,
        "article-card",
        articles,
        "includes/article_card.html",
        key=key,
        values=lambda article: {
            "article": article,
            "level": level,
            "article_tags": tags(article),
        },
    )


@register.simple_tag(takes_context=True)
def product_teasers(context, products, level=3) -> SafeString:
    """{% product_teasers products level %}: templates/includes/product_teaser.html
    for each catalog product shown outside the catalog pages."""

    def key(product) -> tuple:
        return (
            product.pk,
            product.slug,
            product.name,
            product.price_cents,
            _image_key(product.image),
            level,
        )

    return _cards(
        context,
        "product-teaser",
        products,
        "includes/product_teaser.html",
        key=key,
        values=lambda product: {"product": product, "level": level},
    )
