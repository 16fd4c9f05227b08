from django import template
from django.conf import settings
from django.utils.html import format_html

from comptoir.money import format_cents

register = template.Library()


@register.filter
def money(cents):
    """{{ product.price_cents|money }} → "12,99 €" in French, "€12.99" in English."""
    return format_cents(cents)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (pagination, filters).

    A value of None or "" drops the parameter.
    """
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def query_with_page(context, number, param=""):
    """The current query string on page `number` (templates/includes/pagination.html).

    `param` names the page parameter: "page" by default, "p" in the Wagtail admin.
    """
    return query_with(context, **{param or "page": number})


@register.filter
def markdown(text):
    """{{ review.body|markdown }}: member Markdown rendered and sanitised."""
    from comptoir.markup import markdown_to_safe_html

    return markdown_to_safe_html(text or "")


@register.filter
def markdown_by(text, author):
    """{{ post.body|markdown_by:post.author }}: as `markdown`, with the links of a
    trusted author (trust level 3 and above, read now) without "nofollow"."""
    from comptoir.markup import author_is_trusted, markdown_to_safe_html

    return markdown_to_safe_html(text or "", trusted=author_is_trusted(author))


@register.simple_tag
def main_nav_items():
    """The main menu's links that apps registered (comptoir/navigation.py)."""
    from comptoir.navigation import main_nav_items as registered

    return registered()


@register.filter
def is_under(path: str, section: str) -> bool:
    """{% if request.path|is_under:item.url %}: the page is that menu section or one
    of its pages ("/products/x/" is under "/products/"; nothing is under "/")."""
    if not section or section == "/":
        return path == section
    return path == section or path.startswith(section.rstrip("/") + "/")


@register.simple_tag
def member_menu_items():
    """The member menu's links that apps registered (comptoir/navigation.py)."""
    from comptoir.navigation import member_menu_items as registered

    return registered()


@register.simple_tag
def live_socket_meta():
    """<meta> telling live-socket.js where the websockets are (LIVE_SOCKET_URL), when
    not on the page's own origin."""
    if not settings.LIVE_SOCKET_URL:
        return ""
    return format_html(
        '<meta name="comptoir-live-socket" content="{}">', settings.LIVE_SOCKET_URL
    )


class _FragmentByTagsNode(template.Node):
    def __init__(self, nodelist, name, tags, parts):
        self.nodelist, self.name, self.tags, self.parts = nodelist, name, tags, parts

    def render(self, context):
        from comptoir.fragments import fragment_by_tags

        tags = self.tags.resolve(context)
        request = context.get("request")
        if tags is None or getattr(request, "is_preview", False):
            # A Wagtail preview shows a draft: it must neither read nor replace
            # the copy members get of the published page.
            return self.nodelist.render(context)
        return fragment_by_tags(
            self.name.resolve(context),
            tags=tags,
            parts=[part.resolve(context) for part in self.parts],
            render=lambda: self.nodelist.render(context),
        )


@register.tag
def fragment_by_tags(parser, token):
    """{% fragment_by_tags "name" tags part… %}…{% endfragment_by_tags %}: the
    enclosed HTML kept until one of `tags` is invalidated (comptoir/fragments.py).
    Put only what every viewer sees the same inside: no member's name, no form
    with a CSRF token. Rendered afresh, and not kept, in a preview or when `tags`
    is None."""
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes a name, the tags and optional key parts."
        )
    nodelist = parser.parse(("endfragment_by_tags",))
    parser.delete_first_token()
    return _FragmentByTagsNode(
        nodelist,
        parser.compile_filter(bits[1]),
        parser.compile_filter(bits[2]),
        [parser.compile_filter(bit) for bit in bits[3:]],
    )
