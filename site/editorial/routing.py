"""The editorial site's route cache: which page a URL path leads to, without a
query per path segment.

Wagtail finds the page of /articles/<slug>/ by walking down the tree from the
site's root page (`Page.route`): a query for the child of each segment's slug,
and one more for its specific model, at every level. `CachedRouteMixin`, on the
root page (HomePage), remembers where a path ended, the page's id and specific
model, in the default cache under the page cache's `pages` tag version
(comptoir/page_cache.py): every publish, unpublish, move or deletion of any page
forgets every remembered route at once, as it forgets the visitors' pages.

A remembered route costs two cache reads (the version, the route) and one query,
the page itself, which checks again what the walk found: the page is still live,
and still at this path (its `url_path`, which Wagtail rewrites on every move and
slug change, descendants included). So a route whose invalidation has not
arrived (a change whose transaction has not committed yet, a cache that missed
it) is never served at a path its page has left: Wagtail's own routing answers
then, as it does for every path not remembered.

Only plain routes are remembered: a live page reached by Wagtail's walk alone
(each page in between handing the rest of the path to its child of that slug,
RoutablePageMixin pages included when none of their sub-routes matched), with
no sub-route arguments. The views of a RoutablePageMixin page (the article list
and its tags, the feed), a 404 and whatever else a page's `route` may do go
through Wagtail every time. Nor is privacy routing's business: Wagtail's serve
hooks (`check_view_restrictions`) check view restrictions, the page's and its
ancestors', on the page routing returns, remembered or not.

Before any of that, Wagtail finds the request's `Site` with a query per request
(`Site.find_for_request`). `site_for_request` answers from the cache instead,
per hostname and port, under the same `pages` version (the site's root page
moves and changes with the tree) and a token of its own that a Site's save or
deletion forgets at once and again when its transaction commits. Wagtail offers
no plug-in point ahead of its routing, so it is installed in place of Wagtail's
`Site._find_for_request` (the uncached lookup behind `find_for_request`) by
`site_lookup_install`, from the editorial app's `ready()`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.http.request import split_domain_port
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

from comptoir.page_cache import PAGES, page_cache_tags_version

# Keys change with the `pages` version, so the timeout only bounds old keys' life.
ROUTE_TIMEOUT = 24 * 3600
# Bump when what an entry holds changes: old entries are then never read.
_FORMAT = 1
_KEY_PREFIX = "page-route"
# The `route` of the pages a remembered walk may go through: Wagtail's own.
_TREE_WALK_ROUTES = (Page.route, RoutablePageMixin.route)


def route_key(version: str, root_id: int, path_components: Sequence[str]) -> str:
    """The cache key of the route from root page `root_id` along `path_components`,
    under the `pages` tag version `version`."""
    raw = repr((_FORMAT, version, root_id, tuple(path_components)))
    digest = hashlib.blake2b(raw.encode(), digest_size=20).hexdigest()
    return f"{_KEY_PREFIX}:{digest}"


class CachedRouteMixin:
    """For a site's root page: routes below it are remembered in the cache, so a
    page several levels down costs one query to find instead of two per level.

    Put it before `Page` in the bases: `class HomePage(CachedRouteMixin, Page)`.
    """

    def route(self, request, path_components):
        if not path_components:
            # The root page itself: there is nothing to walk.
            return super().route(request, path_components)
        # Read before routing, as the page cache reads its tags before building a
        # page: a route found from a tree that changes meanwhile is stored under
        # a version no one reads any more.
        version = _pages_version(request)
        if version is None:
            return super().route(request, path_components)
        key = route_key(version, self.pk, path_components)
        url_path = self.url_path + "".join(f"{part}/" for part in path_components)
        remembered = cache.get(key)
        if remembered is not None:
            page = _remembered_page(remembered, url_path)
            if page is not None:
                # The page's own answer for the path's end, as the walk ends.
                return page.route(request, [])
        result = super().route(request, path_components)
        entry = _route_entry(self, result, path_components, url_path)
        if entry is not None:
            cache.set(key, entry, ROUTE_TIMEOUT)
        return result


def _pages_version(request) -> str | None:
    """The `pages` tag version, read once per request: by the site lookup, then
    by routing (both before what they key), so one cache read serves both."""
    if request is None:
        return page_cache_tags_version(PAGES)
    try:
        return request._route_cache_pages_version
    except AttributeError:
        version = request._route_cache_pages_version = page_cache_tags_version(PAGES)
        return version


def _remembered_page(entry, url_path: str) -> Page | None:
    """The live page `entry` names, if it is still at `url_path`; None otherwise
    (unpublished, moved, renamed, deleted, or a model that no longer exists)."""
    try:
        model_label, page_id = entry
        model = apps.get_model(model_label)
    except (LookupError, TypeError, ValueError):
        return None
    if not issubclass(model, Page):
        return None
    try:
        return model._default_manager.get(pk=page_id, live=True, url_path=url_path)
    except model.DoesNotExist:
        return None


def _route_entry(
    root: Page, result, path_components: Sequence[str], url_path: str
) -> tuple[str, int] | None:
    """What to remember of Wagtail's `result` for this path, or None when it is not
    a plain route: a live page at the end of the path, reached by the tree walk
    alone, with no sub-route arguments."""
    if isinstance(result, RouteResult):
        page, args, kwargs = result.page, result.args, result.kwargs
    else:
        try:
            page, args, kwargs = result
        except (TypeError, ValueError):
            return None
    if args or kwargs or not isinstance(page, Page) or not page.live:
        return None
    if page.url_path != url_path:
        return None
    # `Page.route` leaves each child it walks to holding its parent: follow them
    # back up, one per segment, to this root. A page in between whose `route` is
    # its own (not Wagtail's walk) may answer differently next time.
    node = page
    for _ in path_components:
        parent = node.__dict__.get("_cached_parent_obj")
        if parent is None:
            return None
        if parent is not root and type(parent).route not in _TREE_WALK_ROUTES:
            return None
        node = parent
    if node is not root:
        return None
    return (page._meta.label_lower, page.pk)


# --- The request's site -----------------------------------------------------------

# A random token, replaced whenever a Site is saved or deleted.
_SITES_TOKEN_KEY = f"{_KEY_PREFIX}:sites"
# Wagtail's own lookup, one query, for what the cache does not know.
_wagtail_site_for_request = Site._find_for_request


def site_key(version: str, hostname: str, port: int) -> str:
    """The cache key of the site answering `hostname`:`port` under the `pages` tag
    version `version`."""
    raw = repr((_FORMAT, version, hostname, port))
    digest = hashlib.blake2b(raw.encode(), digest_size=20).hexdigest()
    return f"{_KEY_PREFIX}:site:{digest}"


def site_for_request(request: HttpRequest) -> Site | None:
    """The Site answering this request, as Wagtail's `Site._find_for_request`
    finds it (hostname, then hostname and port, then the default site), from the
    cache when it was found before under the same tree and the same sites."""
    # Read before the lookup, as routes are: a site found meanwhile from sites
    # that change is stored under a token no one reads any more.
    version = _pages_version(request)
    if version is None:
        return _wagtail_site_for_request(request)
    # As Wagtail reads them: the raw host, before any ALLOWED_HOSTS check.
    hostname = split_domain_port(request._get_raw_host())[0]
    key = site_key(version, hostname, request.get_port())
    found = cache.get_many([_SITES_TOKEN_KEY, key])
    token = found.get(_SITES_TOKEN_KEY)
    if token is None:
        cache.add(_SITES_TOKEN_KEY, secrets.token_hex(8), timeout=None)
        token = cache.get(_SITES_TOKEN_KEY)
        if token is None:
            return _wagtail_site_for_request(request)
    remembered = found.get(key)
    if isinstance(remembered, tuple) and len(remembered) == 2:
        remembered_token, site = remembered
        if remembered_token == token and isinstance(site, Site):
            return site
    site = _wagtail_site_for_request(request)
    if site is not None:
        cache.set(key, (token, site), ROUTE_TIMEOUT)
    return site


def _sites_changed(sender, using=None, **kwargs) -> None:
    # At once, so this transaction's own requests see the change; again once it
    # commits, for a request of another that stored the old sites meanwhile.
    cache.delete(_SITES_TOKEN_KEY)
    transaction.on_commit(
        lambda: cache.delete(_SITES_TOKEN_KEY), using=using, robust=True
    )


def site_lookup_install() -> None:
    """Answer Wagtail's site lookup from the cache and forget it when a Site
    changes (from `EditorialConfig.ready`)."""
    post_save.connect(
        _sites_changed, sender=Site, dispatch_uid="route_cache_site_saved"
    )
    post_delete.connect(
        _sites_changed, sender=Site, dispatch_uid="route_cache_site_deleted"
    )
    Site._find_for_request = staticmethod(site_for_request)
