import pytest
from django.utils import timezone

from marketplace.integrations.models import ApiClient
from marketplace.integrations.services import api_client_revoke

PATH = "/products/bulk"
BODY = {"products": []}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_AUTHORIZATION": "Bearer"},
        {"HTTP_AUTHORIZATION": "Bearer "},
        {"HTTP_AUTHORIZATION": "Token abc"},
        {"HTTP_AUTHORIZATION": "Bearer a b"},
        {"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"},
    ],
    ids=["missing", "no-token", "empty-token", "wrong-scheme", "spaces", "basic"],
)
def test_missing_or_malformed_header_is_401_with_a_message(post, headers):
    # given no usable Authorization header
    # when the client calls the API
    response = post(PATH, BODY, headers=headers)
    # then it is told to send a bearer token
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_unknown_token_is_401(post, token):
    response = post(PATH, BODY, bearer=token + "x")
    assert response.status_code == 401
    assert response.json()["detail"] == "Unknown or revoked token."


def test_revoked_token_is_401(post, token):
    # given a client that was revoked after its token worked
    assert post(PATH, BODY).status_code == 200
    api_client_revoke(client=ApiClient.objects.get())
    # when it calls again
    response = post(PATH, BODY)
    # then it is refused
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_token_without_the_scope_is_403(post, make_token):
    # given a token that may push sales only
    sales_only = make_token("sales:write")
    # when it pushes products and stock
    products = post("/products/bulk", {"products": []}, bearer=sales_only)
    stock = post("/stock/bulk", {"stock": []}, bearer=sales_only)
    # then it is forbidden, and told which scope is missing
    assert products.status_code == 403
    assert stock.status_code == 403
    assert "catalog:write" in products.json()["detail"]


def test_catalog_token_cannot_push_sales(post, make_token):
    catalog_only = make_token("catalog:write")
    response = post("/sales/bulk", {"events": []}, bearer=catalog_only)
    assert response.status_code == 403
    assert "sales:write" in response.json()["detail"]


def test_a_good_call_records_when_the_client_was_last_used(post, token):
    before = timezone.now()
    assert post(PATH, BODY).status_code == 200
    assert ApiClient.objects.get().last_used_at >= before


def test_api_ignores_csrf_since_it_uses_tokens_not_cookies(client, token):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(
        "/api/v1/products/bulk",
        data=BODY,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
