"""Where the product page and product cards show what registered apps add."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

register = template.Library()


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
