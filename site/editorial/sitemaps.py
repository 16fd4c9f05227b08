"""/sitemap.xml: Wagtail's pages plus the catalog's active products."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap as DjangoSitemap
from wagtail.contrib.sitemaps import Sitemap as PageSitemap

from marketplace.catalog.models import Product


class ProductSitemap(PageSitemap):
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

    def get_urls(self, page=1, site=None, protocol=None):
        # Pages take their host from Wagtail's Site; products must agree with them.
        root = urlsplit(self.get_wagtail_site().root_url)
        return super().get_urls(
            page, site=SimpleNamespace(domain=root.netloc), protocol=root.scheme
        )

    # Wagtail's version asks each item for its page URLs; products are plain models.
    _urls = DjangoSitemap._urls


SITEMAPS = {"pages": PageSitemap, "products": ProductSitemap}
