"""The RSS feed of an article index, served at <index>/feed/.

Its links are on the site's public address (`SITE_BASE_URL`): a feed reader keeps
them, whatever host the feed was fetched by.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.site_address import site_url

from . import selectors

FEED_LENGTH = 20


def _on_site(url: str | None) -> str | None:
    # Wagtail gives a path for a page of the site serving the request, an absolute
    # URL for another Wagtail site's page: that one keeps its own address.
    return site_url(url) if url and url.startswith("/") else url


class ArticleFeed(Feed):
    def __init__(self, *, index_page):
        super().__init__()
        self.index_page = index_page
        self.request = None

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return _("%(title)s · Comptoir") % {"title": self.index_page.title}

    def link(self):
        return _on_site(self.index_page.get_url(request=self.request))

    def feed_url(self):
        return _on_site(self.request.path) if self.request else None

    def description(self):
        return self.index_page.search_description or _(
            "The latest articles from Comptoir."
        )

    def items(self):
        return selectors.articles_in_index(index_page=self.index_page)[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.description

    def item_link(self, item):
        return _on_site(item.get_url(request=self.request))

    def item_pubdate(self, item):
        # Articles carry a date; the feed needs an instant, so take local midnight.
        return timezone.make_aware(
            datetime.datetime.combine(item.date, datetime.time())
        )

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return item.author_name or None

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]
