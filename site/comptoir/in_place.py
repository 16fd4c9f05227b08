"""Forms that answer in place: a vote or a support without reloading the page.

A form marked `data-in-place` posts as usual without JavaScript. With it,
`static/comptoir/js/in-place.js` posts the same form in the background asking for
JSON (`Accept: application/json`); the view answers with the sentence to show
next to the button and the fresh HTML of the parts of the page that changed, by
element id, and the script swaps them in. CSRF applies as to any POST: the token
travels in the form data.

To make a form answer in place (a like, a support):

- the form: `data-in-place`, `data-in-place-status="<id>"` naming a live region
  (`role="status" aria-live="polite"`) that stays outside what is replaced, and
  `data-in-place-error="{% translate '…' %}"`, said when the network fails; the
  page loads `comptoir/js/in-place.js`;
- the view: `if wants_in_place(request): return in_place_response(...)`, with the
  fragments rendered from the same include templates as the page, a refusal as a
  sentence and a status of 400 or more (403 not allowed, 429 too many); the plain
  POST keeps its messages and redirect to the item's anchor.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers

# What a browser's own form submission accepts first is HTML; only the script
# puts JSON first.
_OFFERED = ["text/html", "application/json"]


def wants_in_place(request: HttpRequest) -> bool:
    """Whether the request comes from in-place.js (it prefers JSON to HTML)."""
    return request.get_preferred_type(_OFFERED) == "application/json"


def in_place_response(
    *, message: str, fragments: dict[str, str] | None = None, status: int = 200
) -> JsonResponse:
    """The answer to an in-place form: the sentence to show and announce next to
    the button, and `fragments`, the new HTML of page elements by their id.

    `ok` is false for any status of 400 or more: the script shows the sentence as
    an error and changes nothing else on the page.
    """
    response = JsonResponse(
        {
            "ok": status < 400,
            "message": message,
            "fragments": fragments or {},
        },
        status=status,
    )
    # The same address answers a redirect to a browser and JSON to the script.
    patch_vary_headers(response, ["Accept"])
    add_never_cache_headers(response)
    return response
