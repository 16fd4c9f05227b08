"""Products, stores and stock levels in the Wagtail admin."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from marketplace.catalog.models import Product, StockLevel
from tests.factories import StockLevelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser(
        email="gerante@comptoir.example", password="correct horse battery staple"
    )
    client.force_login(user)
    return client


@pytest.fixture
def broadcasts(monkeypatch):
    sent = []
    monkeypatch.setattr(
        "marketplace.catalog.services.product_stock_broadcast",
        lambda *, product_id, stock: sent.append((product_id, stock)),
    )
    return sent


@pytest.mark.parametrize("model", ["product", "store", "stocklevel"])
def test_snippet_list_and_add_pages_load(admin_client, model, product, lyon):
    StockLevelFactory(product=product, store=lyon)

    listing = admin_client.get(reverse(f"wagtailsnippets_catalog_{model}:list"))
    add = admin_client.get(reverse(f"wagtailsnippets_catalog_{model}:add"))

    assert listing.status_code == 200
    assert add.status_code == 200


def test_product_list_shows_and_finds_products(admin_client, product):
    url = reverse("wagtailsnippets_catalog_product:list")

    listing = admin_client.get(url).content.decode()
    found = admin_client.get(url, {"q": "ARR-00"}).content.decode()
    missed = admin_client.get(url, {"q": "tondeuse"}).content.decode()

    assert "Arrosoir galvanisé 10 L" in listing
    assert "€24.90" in listing
    assert "Arrosoir galvanisé 10 L" in found
    assert "Arrosoir galvanisé 10 L" not in missed


def test_product_edit_page_has_the_catalog_fields(admin_client, product):
    url = reverse("wagtailsnippets_catalog_product:edit", args=[product.pk])

    html = admin_client.get(url).content.decode()

    for field in ("sku", "name", "slug", "description", "price_cents", "image"):
        assert f'name="{field}"' in html
    assert 'name="tags"' in html
    assert 'name="active"' in html


def test_product_edit_saves(admin_client, product):
    url = reverse("wagtailsnippets_catalog_product:edit", args=[product.pk])

    response = admin_client.post(
        url,
        {
            "sku": product.sku,
            "name": "Arrosoir galvanisé 12 L",
            "slug": product.slug,
            "description": "Plus grand.",
            "price_cents": "2990",
            "tags": "Arrosage",
            "active": "on",
            # the gallery's inline formset, empty
            "gallery_images-TOTAL_FORMS": "0",
            "gallery_images-INITIAL_FORMS": "0",
            "gallery_images-MIN_NUM_FORMS": "0",
            "gallery_images-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "Arrosoir galvanisé 12 L"
    assert product.price_cents == 2990


def test_admin_stock_edit_reaches_open_pages(
    admin_client, product, lyon, broadcasts, django_capture_on_commit_callbacks
):
    # given a stock level of 4 at Lyon
    level = StockLevelFactory(product=product, store=lyon, quantity=4)
    url = reverse("wagtailsnippets_catalog_stocklevel:edit", args=[level.pk])

    # when staff set it to 9 in the admin
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {"product": product.pk, "store": lyon.pk, "quantity": "9"}
        )

    # then it is saved and the product's open pages are told the new stock
    assert response.status_code == 302
    level.refresh_from_db()
    assert level.quantity == 9
    lyon_line = {"store": "lyon-part-dieu", "store_name": "Lyon Part-Dieu"}
    assert broadcasts == [(product.pk, [{**lyon_line, "quantity": 9}])]


def test_admin_stock_create_and_delete_reach_open_pages(
    admin_client, product, lyon, broadcasts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("wagtailsnippets_catalog_stocklevel:add"),
            {"product": product.pk, "store": lyon.pk, "quantity": "3"},
        )
    level = StockLevel.objects.get(product=product, store=lyon)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("wagtailsnippets_catalog_stocklevel:delete", args=[level.pk])
        )

    assert [stock[0]["quantity"] for _, stock in broadcasts] == [3, 0]
    assert not StockLevel.objects.exists()


def test_admin_refuses_a_second_stock_level_for_the_same_store(
    admin_client, product, lyon
):
    StockLevelFactory(product=product, store=lyon, quantity=4)

    response = admin_client.post(
        reverse("wagtailsnippets_catalog_stocklevel:add"),
        {"product": product.pk, "store": lyon.pk, "quantity": "3"},
    )

    assert response.status_code == 200  # the form again, with its error
    assert "already exists" in response.content.decode()
    assert StockLevel.objects.count() == 1


def test_admin_refuses_negative_stock(admin_client, product, lyon):
    response = admin_client.post(
        reverse("wagtailsnippets_catalog_stocklevel:add"),
        {"product": product.pk, "store": lyon.pk, "quantity": "-2"},
    )

    assert response.status_code == 200
    assert not StockLevel.objects.exists()


def test_members_without_admin_access_cannot_open_catalog_admin(client, product):
    user = get_user_model().objects.create_user(
        email="client@example.com", password="correct horse battery staple"
    )
    client.force_login(user)

    response = client.get(reverse("wagtailsnippets_catalog_product:list"))

    assert response.status_code in (302, 403)
    assert Product.objects.count() == 1
