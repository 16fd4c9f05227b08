"""The listing form's catalog product, with or without the picker's JavaScript: the
seller types a reference or a name; one product is taken, several are a question
naming them, none is said in words, and nothing is saved until it is clear."""

import re

import pytest
from django.test import Client

from marketplace.resale.forms import ListingForm
from marketplace.resale.models import Listing
from tests.factories import ProductFactory

from .fixtures import DESCRIPTION, purchase_of

pytestmark = pytest.mark.django_db

NEW_URL = "/resale/new/"


def client_for(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def form_data(store, **fields):
    data = {
        "title": "Sécateur presque neuf",
        "description": DESCRIPTION,
        "price": "30",
        "condition": "good",
        "tags": "",
        "store_ids": [str(store.pk)],
        "publish": "1",
    }
    data.update(fields)
    return data


def cleaned_product(store, typed: str):
    form = ListingForm(form_data(store, product_sku=typed), stores=[store])
    form.is_valid()
    return form.cleaned_data.get("product_sku"), form.errors.get("product_sku")


@pytest.fixture
def shears(product):
    """Beside the fixtures' "Sécateur Pro" (SEC-0042), two more shears."""
    return [
        product,
        ProductFactory(sku="SEC-0100", name="Sécateur à enclume", slug="enclume"),
        ProductFactory(sku="SEC-0200", name="Sécateur Pro XL", slug="pro-xl"),
    ]


def test_a_listing_is_saved_with_the_product_named_by_its_name(seller, store, shears):
    response = client_for(seller).post(
        NEW_URL, form_data(store, product_sku="sécateur ENCLUME")
    )

    listing = Listing.objects.get()
    assert response.status_code == 302
    assert listing.product == shears[1]
    assert (
        "Sécateur à enclume"
        in client_for(seller).get(listing.get_absolute_url()).content.decode()
    )


def test_a_reference_in_any_case_names_its_product(store, shears):
    product, errors = cleaned_product(store, "sec-0200")

    assert product == shears[2]
    assert errors is None


def test_what_the_picker_sends_the_reference_is_taken_whatever_the_names(
    seller, store, shears
):
    # "Sécateur Pro" is also the start of "Sécateur Pro XL": the reference decides.
    response = client_for(seller).post(
        NEW_URL, form_data(store, product_sku="SEC-0042")
    )

    assert response.status_code == 302
    assert Listing.objects.get().product == shears[0]


def test_a_whole_name_is_that_product_even_if_a_longer_name_holds_it(store, shears):
    product, errors = cleaned_product(store, "Sécateur Pro")

    assert product == shears[0]
    assert errors is None


def test_spaces_around_and_inside_do_not_matter(store, shears):
    assert cleaned_product(store, "  SEC-0100 \t")[0] == shears[1]
    assert cleaned_product(store, " sécateur    à   enclume ")[0] == shears[1]
    assert cleaned_product(store, "   ") == (None, None)


def test_several_products_are_a_question_naming_them_and_nothing_is_saved(
    seller, store, shears
):
    response = client_for(seller).post(NEW_URL, form_data(store, product_sku="sécat"))

    html = response.content.decode()
    assert response.status_code == 400
    assert "Several products match:" in html
    assert "Pick one from the list or type its reference." in html
    for product in shears:
        assert f"{product.name} ({product.sku})" in html
    assert not Listing.objects.exists()
    # What was typed is still there, to be completed.
    assert 'value="sécat"' in html


def test_the_question_names_five_products_at_most(store):
    for n in range(7):
        ProductFactory(sku=f"BEC-{n}", name=f"Bêche {n}", slug=f"beche-{n}")

    _product, errors = cleaned_product(store, "bêche")

    message = errors[0]
    assert len(re.findall(r"\(BEC-\d\)", message)) == 5
    assert message.count("…") == 1


def test_no_product_is_said_in_words_and_nothing_is_saved(seller, store, shears):
    response = client_for(seller).post(
        NEW_URL, form_data(store, product_sku="tondeuse thermique")
    )

    assert response.status_code == 400
    assert (
        "No product of our catalog matches this name or reference"
        in response.content.decode()
    )
    assert not Listing.objects.exists()


def test_an_inactive_product_cannot_be_named(store):
    ProductFactory(sku="OLD-1", name="Brouette ancienne", slug="old", active=False)

    assert cleaned_product(store, "OLD-1")[0] is None
    assert cleaned_product(store, "brouette")[1]


def test_an_empty_field_is_no_product_and_the_listing_is_saved(seller, store, shears):
    client_for(seller).post(NEW_URL, form_data(store, product_sku=""))

    assert Listing.objects.get().product is None


def test_the_field_is_ready_for_the_picker_and_names_its_endpoint(seller, store):
    html = client_for(seller).get(NEW_URL).content.decode()

    assert "Catalog product (optional)" in html
    assert 'data-choices-url="/products/choices/"' in html
    assert "data-product-picker" in html
    # The live region is on the page from the start, so screen readers hear it.
    assert re.search(r'<p class="[^"]*product-picker-status"[^>]*role="status"', html)
    assert "catalog/product-picker.js" in html
    # Nothing is chosen yet: the chosen product's line is hidden.
    assert re.search(r'<p class="product-picker-chosen"[^>]*\bhidden\b', html)


def test_resell_this_shows_the_product_as_chosen(seller, store, product):
    purchase = purchase_of(seller, product, store=store)

    html = client_for(seller).get(NEW_URL, {"purchase": purchase.pk}).content.decode()

    chosen = re.search(r'<p class="product-picker-chosen"[^>]*>(.*?)</p>', html, re.S)
    assert 'data-sku="SEC-0042"' in chosen.group(0)
    assert " hidden" not in chosen.group(0).split(">")[0]
    assert "Sécateur Pro" in chosen.group(1) and "reference SEC-0042" in chosen.group(1)
    assert re.search(r'<input[^>]+name="product_sku"[^>]+value="SEC-0042"', html)


def test_a_form_shown_again_keeps_the_product_chosen(seller, store, shears):
    response = client_for(seller).post(
        NEW_URL, form_data(store, product_sku="SEC-0100", price="")
    )

    html = response.content.decode()
    assert response.status_code == 400
    chosen = re.search(r'<p class="product-picker-chosen"[^>]*>(.*?)</p>', html, re.S)
    assert "Sécateur à enclume" in chosen.group(1)


def test_editing_has_no_product_field(listing, seller):
    html = client_for(seller).get(f"/resale/{listing.pk}/edit/").content.decode()

    assert 'name="product_sku"' not in html
    assert "product-picker.js" not in html


def test_a_name_longer_than_any_product_is_refused_in_words(seller, store):
    response = client_for(seller).post(NEW_URL, form_data(store, product_sku="s" * 201))

    assert response.status_code == 400
    assert not Listing.objects.exists()
