import pytest

from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_short_link_redirects_to_the_product_page(client, product):
    response = client.get("/p/ARR-0042/")

    assert response.status_code == 302
    assert response["Location"] == "/products/arrosoir-galvanise-10-l/"


@pytest.mark.parametrize("sku", ["NOPE-1", "OLD-1"])
def test_short_link_is_404_for_unknown_or_inactive(client, sku):
    ProductFactory(sku="OLD-1", active=False)

    assert client.get(f"/p/{sku}/").status_code == 404
    assert client.get(f"/p/{sku}/qr.svg").status_code == 404


def test_qr_code_is_an_svg(client, product):
    response = client.get("/p/ARR-0042/qr.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    body = response.content.decode()
    assert "<svg" in body
    # The title names the absolute short link the code leads to.
    assert "http://testserver/p/ARR-0042/" in body


def test_qr_code_follows_the_host_it_is_served_on(client, product):
    body = client.get("/p/ARR-0042/qr.svg", HTTP_HOST="shop.example").content

    assert b"http://shop.example/p/ARR-0042/" in body


def test_skus_with_slashes_and_spaces_get_working_links(client):
    # given a SKU as some retailers write them
    ProductFactory(sku="JAR/0042 B", slug="pot-terre-cuite")

    page = client.get("/products/pot-terre-cuite/").content.decode()
    short = client.get("/p/JAR/0042%20B/")
    qr = client.get("/p/JAR/0042%20B/qr.svg")

    assert 'href="http://testserver/p/JAR/0042%20B/"' in page
    assert short["Location"] == "/products/pot-terre-cuite/"
    assert qr["Content-Type"] == "image/svg+xml"
