"""/sitemap.xml: what each app adds to it (docs/architecture.md, point 7).

The sitemap view (site/editorial) lists Wagtail's pages and the catalog's
products; an app with public pages of its own registers its sitemaps in its
`wagtail_hooks.py`:

    @hooks.register(SITEMAP_HOOK)
    def ideas_sitemap():
        return {"ideas": IdeasSitemap}

`ModelSitemap` is the base for plain models, `SitePageSitemap` the one for
Wagtail's pages. Both put their URLs on the site's public address,
`SITE_BASE_URL` (comptoir/site_address.py), when the default Wagtail site serves
the request: its `Site` record says `localhost` until an editor changes it. A
second Wagtail site, matched by the request's host, keeps its own address.
"""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.core.exceptions import ImproperlyConfigured
from wagtail import hooks
from wagtail.contrib.sitemaps import Sitemap as PageSitemap

from comptoir.site_address import site_base_url, site_url

SITEMAP_HOOK = "register_sitemap"


def _root_of(wagtail_site) -> str:
    """Where the sitemaps of `wagtail_site` point: the public address for the
    default site, the site's own root URL for any other."""
    if wagtail_site.is_default_site:
        return site_base_url()
    return wagtail_site.root_url


class SitePageSitemap(PageSitemap):
    """Wagtail's page sitemap, its URLs on the site's public address."""

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        if self.get_wagtail_site().is_default_site:
            for url in urls:
                if url.get("location"):
                    url["location"] = site_url(url["location"])
        return urls


class ModelSitemap(PageSitemap):
    """A sitemap of plain models (not Wagtail pages), on the same address as the pages.

    Subclasses say `items()`; `location(obj)` is the model's `get_absolute_url()`
    and `lastmod(obj)` its `updated_at`, unless they say otherwise.
    """

    def location(self, obj):
        return obj.get_absolute_url()

    def lastmod(self, obj):
        return getattr(obj, "updated_at", None)

    def get_urls(self, page=1, site=None, protocol=None):
        # The pages' address (SitePageSitemap): these URLs must agree with them.
        root = urlsplit(_root_of(self.get_wagtail_site()))
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
