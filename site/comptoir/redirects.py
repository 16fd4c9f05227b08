"""Where a view may send a member next: only somewhere on this site."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def is_same_site(request: HttpRequest, url: str) -> bool:
    """True when `url` stays on the host being served (never an open redirect)."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def next_url(request: HttpRequest, *, default: str) -> str:
    """The `next` the page sent (POST, then query string) if it is on this site,
    else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if is_same_site(request, target) else default
