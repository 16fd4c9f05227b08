"""The addresses browsers and phones ask for on their own: /favicon.ico, the
apple-touch icons and the web app manifest.

Browsers fetch /favicon.ico and phones /apple-touch-icon.png whatever the page
says, so they are answered at the root, from the files comptoir/icons.py drew
(committed under comptoir/static/comptoir/icons/). They read no database and
no session.
"""

from __future__ import annotations

import json
from functools import cache

from django.http import HttpResponse
from django.templatetags.static import static
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from .icons import ICONS_DIR

# Icons change rarely, and a stale one for a day harms no one.
ICON_MAX_AGE = 24 * 3600
THEME_COLOR = "#1f6b3a"  # comptoir.css's --green
BACKGROUND_COLOR = "#fbfaf6"  # comptoir.css's --paper


@cache
def _icon_bytes(name: str) -> bytes:
    return (ICONS_DIR / name).read_bytes()


def _icon_response(name: str, content_type: str) -> HttpResponse:
    return HttpResponse(_icon_bytes(name), content_type=content_type)


@require_safe
@cache_control(public=True, max_age=ICON_MAX_AGE)
def favicon(request):
    """/favicon.ico: the mark at 16, 32 and 48 pixels."""
    return _icon_response("favicon.ico", "image/x-icon")


@require_safe
@cache_control(public=True, max_age=ICON_MAX_AGE)
def apple_touch_icon(request):
    """/apple-touch-icon.png (and -precomposed): the 180-pixel square icon."""
    return _icon_response("apple-touch-icon.png", "image/png")


@require_safe
@cache_control(public=True, max_age=ICON_MAX_AGE)
def web_manifest(request):
    """/manifest.webmanifest: the name, colours and icons of the site as an app."""
    manifest = {
        "name": "Comptoir — " + _("the community of your garden and DIY stores"),
        "short_name": "Comptoir",
        "description": _(
            "Your garden and DIY shop's community: articles, products, stock in "
            "your store."
        ),
        "lang": get_language(),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {
                "src": static("comptoir/icons/icon-192.png"),
                "sizes": "192x192",
                "type": "image/png",
            },
            {
                "src": static("comptoir/icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
            },
            {
                "src": static("comptoir/icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {
                "src": static("comptoir/icons/icon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
            },
        ],
    }
    response = HttpResponse(
        json.dumps(manifest, ensure_ascii=False, indent=2),
        content_type="application/manifest+json",
    )
    # The name is in the visitor's language.
    response["Vary"] = "Accept-Language, Cookie"
    return response
