"""Where the product page and product cards show what registered apps add."""

from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from comptoir.fragments import fragments_render

register = template.Library()

CARD_TEMPLATE = "catalog/includes/product_card.html"


@register.simple_tag(takes_context=True)
def product_panel(context, shown) -> SafeString:
    """{% product_panel shown %}: one registered panel of the product page."""
    return shown.render_html(context)


@register.simple_tag(takes_context=True)
def product_card_annotations(context, product, annotators) -> SafeString:
    """{% product_card_annotations product annotators %}: what each annotator shows
    on this card. Lists whose products were not annotated pass no annotators."""
    return format_html_join(
        "",
        "{}",
        ((annotator.render_card(context, product),) for annotator in annotators or ()),
    )


def _tags(product) -> list:
    # `tag_list` when the selector prefetched it, else the (prefetched) manager.
    tags = getattr(product, "tag_list", None)
    return list(product.tags.all()) if tags is None else tags


def _image_key(image) -> tuple | None:
    # The rendition's URL changes with the file and the focal point.
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


@register.simple_tag(takes_context=True)
def product_cards(context, products, annotators=None, store=None) -> SafeString:
    """{% product_cards products annotators store %}: the cards of a product list.

    Each card is cached as HTML under what it shows (name, price, picture, tags,
    the annotators' columns, the stock at `store`), all read in one cache call;
    only the cards missing from the cache are rendered. They show the same to
    every visitor: nothing of the viewer goes into a card.
    """
    annotators = list(annotators or ())
    card = context.template.engine.get_template(CARD_TEMPLATE)
    # Reversed once for the whole list, not once per tag of every card.
    list_url = reverse("catalog:product_list")

    def key(product) -> tuple:
        return (
            product.pk,
            product.slug,
            product.name,
            product.price_cents,
            _image_key(product.image),
            tuple((tag.slug, tag.name) for tag in _tags(product)),
            tuple((a.name, a.card_template, a.card_key(product)) for a in annotators),
            (store.pk, store.name, product.quantity) if store is not None else None,
        )

    def render(product) -> str:
        tag_links = [
            (tag.name, f"{list_url}?tag={quote(tag.slug, safe='/')}")
            for tag in _tags(product)
        ]
        values = {
            "product": product,
            "store": store,
            "annotators": annotators,
            "tag_links": tag_links,
        }
        with context.push(values):
            return card.render(context)

    return SafeString(
        "".join(fragments_render("product-card", products, key=key, render=render))
    )
