"""Which requests in-place forms answer with JSON: only in-place.js's."""

import json

import pytest
from django.test import RequestFactory

from comptoir.in_place import in_place_response, wants_in_place


@pytest.mark.parametrize(
    ("accept", "in_place"),
    [
        ("application/json", True),
        ("application/json, text/plain;q=0.5", True),
        # Browsers' own form submissions, curl, and no header at all.
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", False),
        ("*/*", False),
        (None, False),
    ],
)
def test_only_a_request_preferring_json_is_answered_in_place(accept, in_place):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    request = RequestFactory().post("/reviews/1/vote/", **headers)

    assert wants_in_place(request) is in_place


def test_a_refusal_is_not_ok_and_is_never_cached():
    response = in_place_response(message="Non.", status=403)

    assert response.status_code == 403
    assert json.loads(response.content) == {
        "ok": False,
        "message": "Non.",
        "fragments": {},
    }
    assert "no-store" in response["Cache-Control"]
    assert "Accept" in response["Vary"]
