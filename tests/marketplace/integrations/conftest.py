import json

import pytest

from marketplace.integrations.services import api_client_create
from tests.factories import ProductFactory, StoreFactory


@pytest.fixture
def make_token(db):
    """make_token("catalog:write") -> a live token with those scopes."""
    counter = iter(range(1000))

    def make(scopes: str = "catalog:write,sales:write", name: str | None = None):
        _client, token = api_client_create(
            name=name or f"client-{next(counter)}", scopes=scopes
        )
        return token

    return make


@pytest.fixture
def token(make_token):
    return make_token()


@pytest.fixture
def post(client, token):
    """post(path, body, token=...) -> response; body is JSON-encoded unless bytes."""

    def send(path: str, body, *, bearer: str | None = None, headers=None):
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        extra = {"HTTP_AUTHORIZATION": f"Bearer {bearer or token}"}
        if headers is not None:
            extra = headers
        return client.post(
            f"/api/v1{path}", data=data, content_type="application/json", **extra
        )

    return send


@pytest.fixture
def store(db):
    return StoreFactory(code="lyon-part-dieu", name="Lyon Part-Dieu")


@pytest.fixture
def product(db):
    return ProductFactory(sku="SEC-100", name="Sécateur", price_cents=1999)
