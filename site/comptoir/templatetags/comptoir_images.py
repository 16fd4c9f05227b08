"""`{% image %}` as Wagtail's, with its filter parsed once per template node.

Wagtail's ImageNode builds a new `Filter` at every render, and a Filter parses its
spec into operations through `inspect` each time it is asked for them: about a
fifth of a millisecond per picture, on pages with a dozen. The spec of a node never
changes once the template is compiled, so the parsed Filter is kept on the node
(templates are compiled once per process). Load `comptoir_images` instead of
`wagtailimages_tags`; the tag's syntax and output are Wagtail's own.
"""

from django import template
from django.utils.functional import cached_property
from wagtail.images.models import Filter
from wagtail.images.templatetags import wagtailimages_tags

register = template.Library()


class SharedFilterImageNode(wagtailimages_tags.ImageNode):
    @cached_property
    def _filter(self) -> Filter:
        shared = Filter(spec="|".join(self.filter_specs))
        # Parsed now, once: later renders only read it.
        shared.operations  # noqa: B018
        return shared

    def get_filter(self) -> Filter:
        return self._filter


@register.tag(name="image")
def image(parser, token):
    node = wagtailimages_tags.image(parser, token)
    return SharedFilterImageNode(
        node.image_expr,
        node.filter_specs,
        output_var_name=node.output_var_name,
        attrs=node.attrs,
    )
