"""/sitemap.xml: what each app adds to it (docs/architecture.md, point 7).

The sitemap view (site/editorial) lists Wagtail's pages and the catalog's
products; an app with public pages of its own registers its sitemaps in its
`wagtail_hooks.py`:

    @hooks.register(SITEMAP_HOOK)
    def ideas_sitemap():
        return {"ideas": IdeasSitemap}

`ModelSitemap` is the base for plain models: their URLs take the host of the
Wagtail site serving the request, as the pages' do.
"""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.core.exceptions import ImproperlyConfigured
from wagtail import hooks
from wagtail.contrib.sitemaps import Sitemap as PageSitemap

SITEMAP_HOOK = "register_sitemap"


class ModelSitemap(PageSitemap):
    """A sitemap of plain models (not Wagtail pages), on the Wagtail site's host.

    Subclasses say `items()`; `location(obj)` is the model's `get_absolute_url()`
    and `lastmod(obj)` its `updated_at`, unless they say otherwise.
    """

    def location(self, obj):
        return obj.get_absolute_url()

    def lastmod(self, obj):
        return getattr(obj, "updated_at", None)

    def get_urls(self, page=1, site=None, protocol=None):
        # Pages take their host from Wagtail's Site; other URLs must agree with them.
        root = urlsplit(self.get_wagtail_site().root_url)
        return super().get_urls(
            page, site=SimpleNamespace(domain=root.netloc), protocol=root.scheme
        )

    # Wagtail's version asks each item for its page URLs; these are plain models.
    _urls = DjangoSitemap._urls


def registered_sitemaps() -> dict[str, type[DjangoSitemap]]:
    """The sitemaps apps registered at SITEMAP_HOOK, by name (each name once)."""
    sitemaps: dict[str, type[DjangoSitemap]] = {}
    for register in hooks.get_hooks(SITEMAP_HOOK):
        for name, sitemap in register().items():
            if name in sitemaps:
                raise ImproperlyConfigured(f"Two sitemaps are named {name!r}.")
            sitemaps[name] = sitemap
    return sitemaps
