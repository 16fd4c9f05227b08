"""Anonymous pages from a full-page cache, invalidated by events (docs/architecture.md,
point 6).

A visitor who is not logged in gets the product, store and article pages from the
cache (Redis when `REDIS_URL` is set, local memory otherwise), without a database
query: `PageCacheMiddleware` sits ahead of sessions and authentication and answers
before them. Nothing expires on a timer (`PAGE_CACHE_SECONDS` is only a safety
net): each entry carries *tags* naming what it shows ("product:12", "stores"), and
the service that changes one of those calls `page_cache_invalidate(tags)`, which
runs when its transaction commits.

Which pages, and their tags, is a plug-in point: an app registers a `CachedPage`
in its `wagtail_hooks.py`,

    @hooks.register(CACHED_PAGE_HOOK)
    def product_page():
        return CachedPage(url_name="catalog:product_detail", tags=product_page_tags,
                          query_params={"page"})

(or a list of them); a page that no app registered is never cached. Several apps
may register the same page: their query parameters and tags add up (the reviews'
filters on the product page are the reviews').

Invalidation by tag versions: every tag has a random token in the cache; an entry
keeps the tokens its tags had when it was stored and is served only while they all
still match. Invalidating a tag deletes its token, so every entry carrying it goes
at once, whatever their number and wherever they are (explicit deletion would need
the list of entries of a tag, kept up to date across processes). A global
generation counter, read before a page is built and again after it is stored,
keeps a page built from data read before a change from being stored as current.

What is never cached: a request carrying a session or messages cookie (a member,
or a visitor with a message to read), an Authorization header, a query parameter
no registered page reads, or anything but GET/HEAD; a response that is not a 200,
sets a cookie (a CSRF token rendered into it sets one), varies on more than the
language and cookies, says no-store/private, or is in another language than the
visitor's. Visitors' language comes from the `django_language` cookie (the
language links set it), then Accept-Language, as LocaleMiddleware reads it; the
entry's key holds the resolved language.

Those pages also tell browsers and proxies they may keep them a little while
(`Cache-Control: public, max-age=PAGE_CACHE_MAX_AGE`), with `Vary:
Accept-Language, Cookie`: both really change the page (the language cookie, the
session), and visitors who carry no cookie, most of them, share one copy. A
member's pages are `Cache-Control: private`.

While Redis does not answer, pages are served uncached (comptoir/resilience.py
would otherwise serve them from one process's memory, which other processes'
invalidations never reach); an invalidation that could not reach Redis empties the
page cache as soon as Redis answers again.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.translation import get_language_from_request
from wagtail import hooks

logger = logging.getLogger("comptoir.page_cache")

CACHED_PAGE_HOOK = "register_cached_pages"

# Carried by every entry: invalidating it empties the whole page cache.
ALL = "*"
# Response header telling whether a page came from the cache (tests, benchmarks).
STATUS_HEADER = "X-Page-Cache"
# What a cached page may vary on; anything more and it is not stored.
VARY_ALLOWED = {"accept-language", "cookie"}
# Cookies that make the page someone's own: their visitor is never served from,
# nor stored into, the page cache.
MESSAGES_COOKIE = "messages"
# A query value longer than this is no filter a page offers: not cached. Keyset
# cursors carry a sort value (a product name of up to 200 characters), encoded.
MAX_QUERY_VALUE = 600

_KEY_PREFIX = "page-cache"
_GENERATION_KEY = f"{_KEY_PREFIX}:generation"
_FORMAT = 1


@dataclass(frozen=True)
class CachedPage:
    """A page anonymous visitors may get from the page cache, and what it shows.

    Name the page by its URL (`url_name`, e.g. "catalog:product_detail") or, for a
    Wagtail page, by its model (`page_type`, subclasses included). `tags(request,
    target)` returns the tags of one response, where `target` is the URL's
    `ResolverMatch` or the Wagtail page being served; it runs only when the page is
    built, so it may read the database. `query_params` are the query-string keys
    the page reads: a request with any other one is not cached.

    A page that counts its visits (a forum topic's views) says what to count when
    it is built, `hit_data(request, match)` (a small value stored with the page),
    and `on_hit(request, data)` runs on each answer from the cache with it, so a
    visitor served from the cache counts as one served by the view. Only for pages
    named by `url_name`; a failing `on_hit` is logged, never shown.
    """

    url_name: str = ""
    page_type: type | None = None
    tags: Callable[[HttpRequest, Any], Iterable[str]] | None = None
    query_params: frozenset[str] = field(default_factory=frozenset)
    hit_data: Callable[[HttpRequest, Any], Any] | None = None
    on_hit: Callable[[HttpRequest, Any], None] | None = None

    def __post_init__(self):
        if bool(self.url_name) == (self.page_type is not None):
            raise ValueError("A CachedPage names a url_name or a page_type, not both.")
        if (self.hit_data is None) != (self.on_hit is None) or (
            self.on_hit is not None and not self.url_name
        ):
            raise ValueError("hit_data and on_hit go together, on a url_name page.")
        object.__setattr__(self, "query_params", frozenset(self.query_params))


class _Registry:
    """The registered pages, read again whenever the hook's registrations change
    (tests register temporarily)."""

    def __init__(self):
        self._functions: tuple = ()
        self.by_url_name: dict[str, list[CachedPage]] = {}
        self.by_page_type: list[CachedPage] = []
        self.query_params: frozenset[str] = frozenset()

    def current(self) -> _Registry:
        functions = tuple(hooks.get_hooks(CACHED_PAGE_HOOK))
        if functions != self._functions:
            pages = []
            for register in functions:
                registered = register()
                if isinstance(registered, CachedPage):
                    registered = [registered]
                pages.extend(registered)
            by_url_name: dict[str, list[CachedPage]] = {}
            for page in pages:
                if page.url_name:
                    by_url_name.setdefault(page.url_name, []).append(page)
            self.by_url_name = by_url_name
            self.by_page_type = [page for page in pages if page.page_type]
            self.query_params = frozenset().union(*(p.query_params for p in pages))
            self._functions = functions
        return self

    def pages_for(self, request: HttpRequest) -> list[CachedPage]:
        """The registrations of the page this request was answered with."""
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in self.by_url_name:
            return self.by_url_name[match.view_name]
        served = getattr(request, "page_cache_wagtail_page", None)
        if served is None:
            return []
        return [
            page for page in self.by_page_type if isinstance(served, page.page_type)
        ]


_registry = _Registry()


def cached_pages() -> _Registry:
    """The pages apps registered at `CACHED_PAGE_HOOK`."""
    return _registry.current()


# --- Wagtail pages -----------------------------------------------------------------


def remember_served_page(serve_page):
    """`on_serve_page` hook: note which Wagtail page answers the request.

    Only pages that passed Wagtail's view restrictions get here (a password form
    or a login redirect never does).
    """

    def serve(page, request, args, kwargs):
        request.page_cache_wagtail_page = page
        return serve_page(page, request, args, kwargs)

    return serve


# Here rather than in a wagtail_hooks.py: `page_type` registrations rely on it.
hooks.register("on_serve_page", remember_served_page)


# Carried by every Wagtail page's entry, with "page:<id>". A publish, unpublish,
# move or deletion forgets them all: pages show each other (lists, featured
# articles, calls to action, menus) in ways no tag follows, and editors publish a
# few times a day, when the product pages change by the minute.
PAGES = "pages"


# Carried by pages that show members' names, avatars or profile links (reviews on
# product pages…): a member who renames themselves is rare, their reviews many.
MEMBER_PROFILES = "member-profiles"


def page_tag(page_id: int) -> str:
    """The tag of one Wagtail page's entries."""
    return f"page:{page_id}"


def _wagtail_page_tags(page) -> set[str]:
    return {PAGES, page_tag(page.pk)}


def _page_changed(sender, instance, **kwargs):
    page_cache_invalidate(PAGES)


def _page_deleted(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page):
        page_cache_invalidate(PAGES)


def _privacy_changed(sender, instance, **kwargs):
    # A page made private (or public again) must stop being served from a copy
    # a visitor's earlier request stored: its subpages too, so all of them go.
    page_cache_invalidate(PAGES)


def page_signals_connect() -> None:
    """Forget Wagtail pages' entries when editors change the page tree or who may
    see a page (from `ComptoirConfig.ready`, so scheduled publishing by command is
    heard too)."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import PageViewRestriction
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_page_changed, dispatch_uid="page_cache_page_changed")
    post_delete.connect(_page_deleted, dispatch_uid="page_cache_page_deleted")
    for signal in (post_save, post_delete):
        signal.connect(
            _privacy_changed,
            sender=PageViewRestriction,
            dispatch_uid="page_cache_privacy_changed",
        )


# --- The cache, and Redis outages -------------------------------------------------


def _cache_answers() -> bool:
    """False while the cache is a Redis that stopped answering: its fallback is
    this process's memory, which no other process invalidates."""
    outage = getattr(cache, "outage", None)
    return outage is None or outage.should_try()


# An invalidation that could not reach the cache: the whole page cache is emptied
# once it answers again (per process; see the module's docstring).
_missed_invalidation = False


def _tag_key(tag: str) -> str:
    return f"{_KEY_PREFIX}:tag:{tag}"


def _invalidate_now(tags: Iterable[str]) -> None:
    global _missed_invalidation
    tags = set(tags)
    if _missed_invalidation:
        tags.add(ALL)
    if not _cache_answers():
        _missed_invalidation = True
        return
    # The generation first, then the tags: a page being stored meanwhile either
    # sees the new generation and is dropped, or loses its tags just after.
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:
        cache.add(_GENERATION_KEY, secrets.randbits(48), timeout=None)
    cache.delete_many([_tag_key(tag) for tag in tags])
    _missed_invalidation = not _cache_answers()


class _Invalidation:
    """The tags of one transaction, sent once, by the first of its commit callbacks."""

    def __init__(self):
        self.tags: set[str] = set()
        self.sent = False

    def send(self) -> None:
        if not self.sent:
            self.sent = True
            _invalidate_now(self.tags)


# The open transaction's tags, per thread and database alias.
_batches = threading.local()


def page_cache_invalidate(*tags: str, using: str | None = None) -> None:
    """Forget every cached page carrying one of these tags, once the current
    transaction commits (at once outside a transaction).

    A transaction's tags are sent together: a batch of 1,000 stock rows costs two
    cache calls, not 2,000. Each call still registers its own commit callback (a
    no-op but for the first to run), so whatever savepoint is rolled back, a
    committed change is always sent; tags of a rolled-back one may be sent with
    the next transaction's, which only rebuilds a page for nothing.
    """
    tags = {tag for tag in tags if tag}
    if not tags:
        return
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        _invalidate_now(tags)
        return
    batch = getattr(_batches, connection.alias, None)
    if batch is None or batch.sent:
        batch = _Invalidation()
        setattr(_batches, connection.alias, batch)
    batch.tags |= tags
    transaction.on_commit(batch.send, using=using, robust=True)


def page_cache_tags_version(*tags: str) -> str | None:
    """The current tokens of `tags` (and of the whole page cache), as one string:
    an app's own cached values keyed by it (a product page panel's figures) are
    forgotten by the same `page_cache_invalidate` as the pages. Read it before
    what it keys, as a page is; None while the cache does not answer."""
    if not _cache_answers():
        return None
    keys = [_tag_key(tag) for tag in (*tags, ALL)]
    tokens = cache.get_many(keys)
    for key in set(keys) - set(tokens):
        cache.add(key, secrets.token_hex(8), timeout=None)
    if len(tokens) != len(keys):
        tokens = cache.get_many(keys)
    if len(tokens) != len(keys) or not _cache_answers():
        return None
    return ":".join(str(tokens[key]) for key in keys)


def page_cache_clear() -> None:
    """Forget every cached page (after a deployment that changes templates…)."""
    page_cache_invalidate(ALL)


# --- Lookup and storage ------------------------------------------------------------


def _bypass_cookies() -> set[str]:
    return {settings.SESSION_COOKIE_NAME, MESSAGES_COOKIE}


def _normalised_query(request: HttpRequest, allowed: frozenset[str]) -> str | None:
    """The query string in a fixed order, or None when a page could not be cached
    with it (an unknown key, a repeated one, a value no filter has)."""
    parts = []
    for key in sorted(request.GET):
        values = request.GET.getlist(key)
        if key not in allowed or len(values) != 1 or len(values[0]) > MAX_QUERY_VALUE:
            return None
        parts.append(f"{key}={values[0]}")
    return "&".join(parts)


def page_query_key(request: HttpRequest, url_name: str) -> str | None:
    """The query string of the registered page `url_name` in a fixed order, as
    the page cache keys it, for an app's fragments of that page (comptoir/
    fragments.py); None when the page cache would not keep the page with it (a
    key no registration reads, a repeated or overlong value): such fragments are
    built without being kept, or each odd URL would be one more copy."""
    read = frozenset().union(
        *(page.query_params for page in cached_pages().by_url_name.get(url_name, ()))
    )
    return _normalised_query(request, read)


def page_registered_tags(request: HttpRequest, url_name: str, target) -> set[str]:
    """Every registration's tags of page `url_name` for this request, `target`
    being its ResolverMatch: what its fragments are kept under."""
    return set().union(
        *(
            page.tags(request, target)
            for page in cached_pages().by_url_name.get(url_name, ())
            if page.tags is not None
        )
    )


@dataclass
class _Lookup:
    """One request's place in the page cache: its key, and the generation seen
    before the page was built."""

    key: str
    language: str
    generation: Any = None
    # False once the cache failed to answer during this request: nothing stored.
    usable: bool = True

    def fetch(self, request: HttpRequest) -> HttpResponse | None:
        found = cache.get_many([self.key, _GENERATION_KEY])
        if not _cache_answers():
            self.usable = False
            return None
        self.generation = found.get(_GENERATION_KEY)
        entry = found.get(self.key)
        if not entry or entry.get("format") != _FORMAT:
            return None
        tokens = cache.get_many(list(entry["tags"]))
        if tokens != entry["tags"] or not _cache_answers():
            return None
        response = HttpResponse(entry["content"], status=entry["status"])
        for header, value in entry["headers"]:
            response[header] = value
        response[STATUS_HEADER] = "hit"
        _hits_tell(request, entry.get("hits", ()))
        return get_conditional_response(
            request, etag=response.get("ETag"), response=response
        )

    def store(self, response: HttpResponse, tags: set[str], hits=()) -> None:
        if not self.usable or not _cache_answers():
            return
        tag_keys = [_tag_key(tag) for tag in tags | {ALL}]
        current = cache.get_many([*tag_keys, _GENERATION_KEY])
        if current.get(_GENERATION_KEY) != self.generation:
            return  # Something changed while the page was built: maybe what it shows.
        for tag_key in tag_keys:
            if tag_key not in current:
                cache.add(tag_key, secrets.token_hex(8), timeout=None)
        tokens = cache.get_many(tag_keys)
        if len(tokens) != len(tag_keys) or not _cache_answers():
            return
        entry = {
            "format": _FORMAT,
            "tags": tokens,
            "status": response.status_code,
            "headers": [
                (header, value)
                for header, value in response.items()
                if header != STATUS_HEADER
            ],
            "content": response.content,
            "hits": list(hits),
        }
        cache.set(self.key, entry, settings.PAGE_CACHE_SECONDS)
        if cache.get(_GENERATION_KEY) != self.generation:
            cache.delete(self.key)


def _hits_data(request: HttpRequest, pages: list[CachedPage]) -> list:
    """What the pages that count their visits keep with a stored copy."""
    match = getattr(request, "resolver_match", None)
    return [
        [page.url_name, index, page.hit_data(request, match)]
        for index, page in enumerate(pages)
        if page.hit_data is not None and match is not None
    ]


def _hits_tell(request: HttpRequest, hits) -> None:
    for url_name, index, data in hits:
        pages = cached_pages().by_url_name.get(url_name, [])
        if index >= len(pages) or pages[index].on_hit is None:
            continue
        try:
            pages[index].on_hit(request, data)
        except Exception as error:  # noqa: BLE001 - a count must never fail a page
            logger.warning(
                "Counting a cached visit of %s failed (%s: %s).",
                url_name,
                type(error).__name__,
                error,
            )


def _anonymous_request(request: HttpRequest) -> bool:
    """A GET/HEAD from a visitor with no session, no message and no credentials."""
    return (
        request.method in ("GET", "HEAD")
        and not _bypass_cookies() & request.COOKIES.keys()
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _lookup_for(request: HttpRequest) -> _Lookup | None:
    global _missed_invalidation
    if not settings.PAGE_CACHE_ENABLED or not _anonymous_request(request):
        return None
    query = _normalised_query(request, cached_pages().query_params)
    if query is None:
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None  # The view's own answer (400) follows.
    if not _cache_answers():
        return None
    if _missed_invalidation:
        _invalidate_now(())
    language = get_language_from_request(request)
    raw = "\n".join([request.scheme, host, request.path, query, language])
    digest = hashlib.blake2b(raw.encode(), digest_size=20).hexdigest()
    return _Lookup(key=f"{_KEY_PREFIX}:page:{digest}", language=language)


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    """A complete, public answer, the same for every anonymous visitor."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # The page rendered a CSRF token: it is this visitor's, never anyone else's.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    if vary - VARY_ALLOWED:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _member_request(request: HttpRequest, response: HttpResponse) -> bool:
    if response.cookies:
        return True
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def _page_tags(request: HttpRequest, pages: list[CachedPage]) -> set[str] | None:
    """The tags of this response, or None when the page does not read one of the
    request's query parameters (each value would be one more copy of it)."""
    allowed = frozenset().union(*(page.query_params for page in pages))
    if not set(request.GET) <= allowed:
        return None
    match = getattr(request, "resolver_match", None)
    served = getattr(request, "page_cache_wagtail_page", None)
    tags: set[str] = _wagtail_page_tags(served) if served is not None else set()
    for page in pages:
        if page.tags is not None:
            tags.update(page.tags(request, served if page.page_type else match))
    return tags


class PageCacheMiddleware:
    """Serves anonymous visitors' GET/HEAD pages from the page cache, stores the
    ones apps registered, and says who else may keep them (Cache-Control).

    Placed ahead of sessions and authentication, so a page from the cache costs no
    database query; behind security headers and Content-Security-Policy, which
    every answer gets, cached or not.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lookup = _lookup_for(request)
        if lookup is not None:
            response = lookup.fetch(request)
            if response is not None:
                return response
        response = self.get_response(request)
        return self._after(request, response, lookup)

    def _after(self, request, response, lookup: _Lookup | None) -> HttpResponse:
        if _member_request(request, response):
            # Only this visitor's: no proxy keeps it, whatever else it says.
            if "public" not in response.get("Cache-Control", ""):
                patch_cache_control(response, private=True)
            return response
        if not _anonymous_request(request):
            return response
        pages = cached_pages().pages_for(request)
        if not pages or not _cacheable_response(request, response):
            return response
        tags = _page_tags(request, pages)
        if tags is None:
            return response
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PAGE_CACHE_MAX_AGE,
            s_maxage=settings.PAGE_CACHE_MAX_AGE,
        )
        if lookup is None or request.method != "GET":
            return response
        if response.get("Content-Language", lookup.language) != lookup.language:
            return response
        content = response.content
        response["ETag"] = f'"{hashlib.blake2b(content, digest_size=16).hexdigest()}"'
        lookup.store(response, tags, _hits_data(request, pages))
        response[STATUS_HEADER] = "miss"
        return response
