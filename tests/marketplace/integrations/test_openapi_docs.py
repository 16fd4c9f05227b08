import json

import pytest


@pytest.mark.django_db
def test_openapi_schema_lists_the_three_bulk_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/products/bulk", "/api/v1/stock/bulk", "/api/v1/sales/bulk"):
        assert "post" in schema["paths"][path]
        assert schema["paths"][path]["post"]["security"]
    # the row shapes are documented even though rows are validated one by one
    text = json.dumps(schema)
    assert "amount_cents" in text and "refund_of" in text and "price_cents" in text
    assert schema["components"]["securitySchemes"]


@pytest.mark.django_db
def test_docs_page_loads_swagger_from_our_own_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html and "unpkg" not in html


@pytest.mark.django_db
def test_swagger_static_files_are_served(client):
    response = client.get("/static/ninja/swagger-ui-bundle.js")
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_sales_answer_documents_its_conflicts(client):
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    answer = schema["paths"]["/api/v1/sales/bulk"]["post"]["responses"]["200"]
    name = answer["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    conflicts = schema["components"]["schemas"][name]["properties"]["conflicts"]
    row = conflicts["items"]["$ref"].split("/")[-1]
    assert set(schema["components"]["schemas"][row]["properties"]) == {
        "index",
        "id",
        "fields",
    }
