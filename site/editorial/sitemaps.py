"""/sitemap.xml: Wagtail's pages, the catalog's active products, and the sitemaps
other apps register (comptoir/sitemaps.py), on the site's public address."""

from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

from comptoir.sitemaps import ModelSitemap, SitePageSitemap, registered_sitemaps
from marketplace.catalog.models import Product


class ProductSitemap(ModelSitemap):
    """Product pages, on the same host as the Wagtail site serving the request."""

    changefreq = "weekly"

    def items(self):
        return (
            Product.objects.filter(active=True)
            .only("slug", "updated_at")
            .order_by("pk")
        )

    def location(self, product):
        return product.get_absolute_url()

    def lastmod(self, product):
        return product.updated_at


SITEMAPS = {"pages": SitePageSitemap, "products": ProductSitemap}


def sitemap(request, **kwargs):
    """/sitemap.xml: ours and the registered ones, read at each request."""
    kwargs["sitemaps"] = {**SITEMAPS, **registered_sitemaps()}
    return wagtail_sitemap(request, **kwargs)
