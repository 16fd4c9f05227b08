from django import template

register = template.Library()


@register.filter
def stars(rating) -> str:
    """{{ review.rating|stars }} → "★★★★☆" (give the number in words next to it)."""
    try:
        value = max(0, min(5, round(float(rating))))
    except (TypeError, ValueError):
        return ""
    return "★" * value + "☆" * (5 - value)


@register.simple_tag(takes_context=True)
def report_button(context, content):
    """The moderation app's report button for `content`, when that app provides one.

    Rendered through its own template so every kind of content shows the same
    button; nothing is shown if the template is missing.
    """
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    try:
        template = get_template("moderation/report_button.html")
    except TemplateDoesNotExist:
        return ""
    flat = context.flatten()
    flat["content"] = content
    return template.render(flat, context.get("request"))
