import pytest

from marketplace.catalog.models import Product


def product_row(sku="PEL-1", **changes):
    row = {
        "sku": sku,
        "name": "Pelle ronde",
        "price_cents": 2490,
        "description": "Manche frêne.",
        "tags": ["jardin", "outils"],
        "active": True,
    }
    row.update(changes)
    return row


def test_products_are_created_then_updated_by_sku(post):
    # given a new product pushed once
    first = post("/products/bulk", {"products": [product_row()]})
    assert first.status_code == 200
    assert first.json() == {"created": 1, "updated": 0, "duplicates": 0, "errors": []}
    # when it is pushed again with a new price and tags
    second = post(
        "/products/bulk",
        {"products": [product_row(price_cents=1990, tags=["promo"])]},
    )
    # then it is updated, not duplicated
    assert second.json() == {"created": 0, "updated": 1, "duplicates": 0, "errors": []}
    product = Product.objects.get(sku="PEL-1")
    assert product.price_cents == 1990
    assert set(product.tags.names()) == {"promo"}
    assert Product.objects.count() == 1


def test_an_unchanged_product_is_a_duplicate_and_missing_tags_are_left_alone(post):
    post("/products/bulk", {"products": [product_row()]})
    row = product_row()
    del row["tags"]
    response = post("/products/bulk", {"products": [row, product_row()]})
    assert response.json()["duplicates"] == 2
    assert set(Product.objects.get().tags.names()) == {"jardin", "outils"}


def test_bad_rows_are_reported_and_good_rows_kept(post):
    # given a batch mixing good rows and bad ones
    rows = [
        product_row("OK-1"),
        product_row("BAD-1", price_cents=12.5),
        product_row("BAD-2", price_cents="1299"),
        product_row("BAD-3", price_cents=12.0),
        product_row("BAD-4", name=""),
        {"name": "no sku", "price_cents": 100},
        product_row("BAD-5", price_cents=-1),
        product_row("BAD-6", tags="jardin"),
        product_row("BAD-7", active="yes"),
        product_row("OK-2"),
    ]
    # when it is pushed
    response = post("/products/bulk", {"products": rows})
    # then the good rows are saved and each bad one is named with its field
    assert response.status_code == 200
    body = response.json()
    assert body["created"] == 2
    errors = {e["index"]: e for e in body["errors"]}
    assert set(errors) == {1, 2, 3, 4, 5, 6, 7, 8}
    assert "cents" in errors[1]["errors"]["price_cents"]
    assert errors[1]["sku"] == "BAD-1"
    assert "price_cents" in errors[2]["errors"]
    assert "price_cents" in errors[3]["errors"]
    assert errors[4]["errors"] == {"name": "Cannot be empty."}
    assert errors[5]["errors"] == {"sku": "This field is required."}
    assert "sku" not in errors[5]
    assert "price_cents" in errors[6]["errors"]
    assert "tags" in errors[7]["errors"]
    assert "active" in errors[8]["errors"]
    assert set(Product.objects.values_list("sku", flat=True)) == {"OK-1", "OK-2"}


@pytest.mark.parametrize(
    "bad",
    [
        {"sku": "X" * 65},
        {"name": "N" * 201},
        {"price_cents": 2**64},
        {"sku": "NUL\x00"},
        {"name": "\ud800"},
        {"tags": [{"nested": ["garbage"]}]},
    ],
)
def test_values_the_database_would_refuse_are_row_errors(post, bad):
    response = post("/products/bulk", {"products": [product_row(**bad)]})
    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert set(error["errors"]) <= {"sku", "name", "price_cents", "tags"}
    assert not Product.objects.exists()


def test_tags_are_bounded_per_product_and_in_length(post):
    # given rows with 20 tags, 21 tags, 10,000 tags, and a tag of 51 characters
    rows = [
        product_row("OK-20", tags=[f"tag-{n}" for n in range(20)]),
        product_row("BAD-21", tags=[f"tag-{n}" for n in range(21)]),
        product_row("BAD-10000", tags=[f"tag-{n}" for n in range(10_000)]),
        product_row("BAD-LONG", tags=["jardin", "t" * 51]),
        product_row("OK-50", tags=["t" * 50]),
    ]
    # when they are pushed
    response = post("/products/bulk", {"products": rows})
    # then the bounded ones are saved and the others are row errors, at once
    body = response.json()
    assert body["created"] == 2
    assert {e["sku"]: e["errors"] for e in body["errors"]} == {
        "BAD-21": {"tags": "At most 20 tags."},
        "BAD-10000": {"tags": "At most 20 tags."},
        "BAD-LONG": {"tags": "Tag 1: At most 50 characters."},
    }
    assert Product.objects.get(sku="OK-20").tags.count() == 20
