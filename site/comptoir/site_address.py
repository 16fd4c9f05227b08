"""The site's public address (the `SITE_BASE_URL` setting) and links on it.

Wagtail's own `Site` record says `localhost:80` until an editor changes it, and a
request may come in by any of ALLOWED_HOSTS (or a proxy's inner name): what is
sent out to be kept — /sitemap.xml, the feeds, e-mails — uses this address.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings


def site_base_url() -> str:
    """`SITE_BASE_URL` without its trailing slash, e.g. https://shop.example."""
    return settings.SITE_BASE_URL.rstrip("/")


def site_url(path_or_url: str) -> str:
    """A path, or a URL on any host, as an absolute URL on the site's address
    (its scheme and host; the path is the one given, with any script prefix)."""
    parts = urlsplit(path_or_url)
    base = urlsplit(site_base_url())
    path = "/" + parts.path.lstrip("/")
    return urlunsplit((base.scheme, base.netloc, path, parts.query, parts.fragment))
