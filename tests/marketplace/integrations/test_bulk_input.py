import json

import pytest


@pytest.mark.parametrize("path", ["/products/bulk", "/stock/bulk", "/sales/bulk"])
def test_more_than_1000_rows_is_413_and_nothing_is_recorded(post, path):
    key = {"/products/bulk": "products", "/stock/bulk": "stock"}.get(path, "events")
    response = post(path, {key: [{}] * 1001})
    assert response.status_code == 413
    assert "1000" in response.json()["detail"]


def test_1000_rows_is_accepted(post):
    response = post("/stock/bulk", {"stock": [{}] * 1000})
    assert response.status_code == 200
    assert len(response.json()["errors"]) == 1000


@pytest.mark.parametrize("body", [b"{", b"not json", b'{"events": [1,}', b"\xff\xfe"])
def test_unparsable_json_is_400_with_a_message(post, body):
    response = post("/sales/bulk", body)
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [b"", b"[]", b"null", b"{}", b'{"events": null}', b'{"events": {"id": 1}}', b"42"],
)
def test_body_of_the_wrong_shape_names_the_field(post, body):
    response = post("/sales/bulk", body)
    assert response.status_code in (400, 422)
    assert "events" in response.json()["detail"] or "body" in response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        "[" * 50_000,
        json.dumps({"events": [{"id": 10**100, "quantity": 10**100}]}),
        json.dumps({"events": [[[[{"a": [None]}]]], {"id": {"x": 1}}, "🌱", None]}),
        json.dumps({"events": [{"id": "é🌱" * 40, "type": "sale", "sku": "🌱"}]}),
        json.dumps(
            {"products": [1], "events": [{"occurred_at": "0001-01-01T00:00+01:00"}]}
        ),
        '{"events": [{"id": "\\ud800\\u0000", "customer_ref": "\\udfff"}]}',
        json.dumps({"events": [{"amount_cents": float("1e308"), "quantity": True}]}),
    ],
)
def test_garbage_never_causes_a_server_error(post, body):
    response = post("/sales/bulk", body)
    assert response.status_code < 500
    json.loads(response.content)


def test_a_body_beyond_the_upload_limit_is_413_not_a_crash(post, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    rows = [{"sku": f"S{i}", "name": "x", "price_cents": 1} for i in range(500)]
    response = post("/products/bulk", {"products": rows})
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
