from unittest import mock

from marketplace.catalog.models import StockLevel
from tests.factories import StockLevelFactory


def test_stock_is_set_and_open_pages_are_told_after_commit(
    post, product, store, django_capture_on_commit_callbacks
):
    # given a store holding 2 of a product
    StockLevelFactory(product=product, store=store, quantity=2)
    # when the stock system says it now holds 7
    with (
        mock.patch("marketplace.catalog.services.product_stock_broadcast") as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = post(
            "/stock/bulk",
            {"stock": [{"sku": "SEC-100", "store": "lyon-part-dieu", "quantity": 7}]},
        )
    # then the level changed and the product's pages were told
    assert response.json() == {
        "created": 0,
        "updated": 1,
        "duplicates": 0,
        "errors": [],
    }
    assert StockLevel.objects.get(product=product, store=store).quantity == 7
    send.assert_called_once()
    assert send.call_args.kwargs["product_id"] == product.pk
    assert {
        "store": "lyon-part-dieu",
        "store_name": "Lyon Part-Dieu",
        "quantity": 7,
    } in (send.call_args.kwargs["stock"])


def test_same_quantity_again_is_a_duplicate_and_tells_nobody(
    post, product, store, django_capture_on_commit_callbacks
):
    StockLevelFactory(product=product, store=store, quantity=4)
    with (
        mock.patch("marketplace.catalog.services.product_stock_broadcast") as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = post(
            "/stock/bulk",
            {"stock": [{"sku": "SEC-100", "store": "lyon-part-dieu", "quantity": 4}]},
        )
    assert response.json()["duplicates"] == 1
    send.assert_not_called()


def test_unknown_sku_or_store_and_bad_quantities_are_row_errors(post, product, store):
    rows = [
        {"sku": "SEC-100", "store": "lyon-part-dieu", "quantity": 0},
        {"sku": "NOPE", "store": "lyon-part-dieu", "quantity": 1},
        {"sku": "SEC-100", "store": "paris", "quantity": 1},
        {"sku": "SEC-100", "store": "lyon-part-dieu", "quantity": -1},
        {"sku": "SEC-100", "store": "lyon-part-dieu", "quantity": 1.5},
        {"sku": "SEC-100", "store": "lyon-part-dieu", "quantity": 2**40},
    ]
    response = post("/stock/bulk", {"stock": rows})
    body = response.json()
    assert body["created"] == 1
    errors = {e["index"]: e["errors"] for e in body["errors"]}
    assert errors[1] == {"sku": "Unknown SKU."}
    assert errors[2] == {"store": "Unknown store code."}
    assert set(errors[3]) == {"quantity"}
    assert set(errors[4]) == {"quantity"}
    assert set(errors[5]) == {"quantity"}
    assert StockLevel.objects.get(product=product, store=store).quantity == 0
