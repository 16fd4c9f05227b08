"""`<title>` of every page: "<page> · Comptoir", and the site's name alone once.

base.html runs its `title` block through `site_title`, so a page whose own
title is the site's name (the home page is called "Comptoir") or already ends
with it does not read "Comptoir · Comptoir".
"""

from django import template
from django.conf import settings

register = template.Library()

SEPARATOR = " · "


def site_name() -> str:
    return getattr(settings, "WAGTAIL_SITE_NAME", "") or "Comptoir"


@register.filter(is_safe=True)
def site_title(page_title) -> str:
    """The page's title followed by the site's name, unless it is or has it."""
    name = site_name()
    title = " ".join(str(page_title or "").split())
    if not title or title.casefold() == name.casefold():
        return name
    if title.casefold().startswith(
        f"{name}{SEPARATOR}".casefold()
    ) or title.casefold().endswith(f"{SEPARATOR}{name}".casefold()):
        return title
    return f"{title}{SEPARATOR}{name}"
