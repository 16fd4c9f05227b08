"""The language links of every page's footer.

A link, not a form: a form would carry a CSRF token, and a token is one visitor's,
so no page showing it could come from the page cache (comptoir/page_cache.py).
Choosing a language changes nothing but how the site reads to this browser, so a
GET that anyone may trigger is harmless, as Wikipedia's language links are.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from comptoir.redirects import next_url


@require_safe
def language_switch(request: HttpRequest, code: str) -> HttpResponse:
    """Remember `code` in the language cookie (read by LocaleMiddleware), then go
    back to the page's `next`, or home when it is not on this site."""
    if code not in dict(settings.LANGUAGES):
        raise Http404(gettext("This site is not offered in that language."))
    response = redirect(next_url(request, default="/"))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    add_never_cache_headers(response)
    return response
