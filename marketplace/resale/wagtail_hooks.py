"""Resale at the plug-in points. Each helper's part is in its own section, in
separate functions; keep imports at the top of the file.

- core (helper "resale-core"): the moderated type of listings (the one queue,
  with the prohibited things as rejection reasons).
- ui2 (helper "resale-ui2"): visitors' cached pages, /resale/ and a listing's.
"""

from wagtail import hooks

from community.moderation.registry import MODERATED_TYPE_HOOK
from comptoir.page_cache import CACHED_PAGE_HOOK, CachedPage

from . import cached_pages
from .moderation import LISTING_MODERATED_TYPE

# --- core: moderated type (helper "resale-core") ---------------------------------


@hooks.register(MODERATED_TYPE_HOOK)
def resale_listing_moderated_type():
    """Listings of premoderated sellers wait in the moderation queue; a refusal
    names what may not be sold (moderation.ListingRejectionReason)."""
    return LISTING_MODERATED_TYPE


# --- ui2: visitors' cached pages (helper "resale-ui2") ---------------------------


@hooks.register(CACHED_PAGE_HOOK)
def resale_cached_pages():
    """Visitors' /resale/ and public listing pages; the services forget them by
    tag (cached_pages.py says which)."""
    return [
        CachedPage(
            url_name="resale:list",
            tags=cached_pages.list_tags,
            query_params=cached_pages.LIST_QUERY_PARAMS,
        ),
        CachedPage(url_name="resale:detail", tags=cached_pages.detail_tags),
    ]
