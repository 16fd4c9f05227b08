"""Second-hand listings in the site search and the sitemap (points 4 and 7).

The search finds the listings /resale/ lists (published by moderation, on sale
or reserved) by their title and description, every word required; which ones
are public is asked of the database at each search, never of the index alone.
The sitemap lists every public listing's page, sold ones included (their page
stays, marked sold).
"""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail.images import get_image_model

from community.moderation.models import ModerationStatus
from comptoir.search import SearchSection, full_text_search
from comptoir.sitemaps import ModelSitemap

from .models import PUBLIC_STATES, Listing, ListingPhoto
from .selectors import THUMB_IMAGE_SPEC, listed_listings


def listing_search(*, query: str):
    """Listed listings holding every word of `query`, best first."""
    return full_text_search(listed_listings(), query)


def listing_thumbnails_attach(listings: list[Listing]) -> None:
    """Each listing's photos as `photo_list`, with the thumbnail's rendition:
    a fixed number of queries whatever the number of listings."""
    images = get_image_model().objects.prefetch_renditions(THUMB_IMAGE_SPEC)
    prefetch_related_objects(
        listings,
        Prefetch(
            "photos",
            queryset=ListingPhoto.objects.filter(image__isnull=False)
            .order_by("position", "id")
            .prefetch_related(Prefetch("image", queryset=images)),
            to_attr="photo_list",
        ),
    )


class ResaleSection(SearchSection):
    key = "resale"
    label = _("Second-hand")
    # After reviews (400) and the forum (450): what members sell to each other.
    order = 460
    result_template = "resale/includes/listing_search_result.html"
    see_all = ngettext_lazy(
        "See the second-hand listing", "See all %(count)s second-hand listings", "count"
    )

    def search(self, query: str):
        return listing_search(query=query)

    def results_for(self, request, items: list) -> list:
        listing_thumbnails_attach(items)
        return items


def public_listings():
    """Listings whose page everyone may read: published by moderation, on sale,
    reserved or sold."""
    return Listing.objects.filter(
        status=ModerationStatus.PUBLISHED, state__in=list(PUBLIC_STATES)
    )


class ResaleSitemap(ModelSitemap):
    """Public listings' pages, with their last change."""

    changefreq = "daily"

    def items(self):
        return (
            public_listings()
            .only("pk", "slug", "updated_at", "state_changed_at")
            .order_by("pk")
        )

    def lastmod(self, listing):
        return max(listing.updated_at, listing.state_changed_at)
