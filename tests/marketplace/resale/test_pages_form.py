"""/resale/new/ and /resale/<id>/edit/: a member puts something on sale — price in
euros either way, the shop's condition definitions, photos, stores, draft or
publish — and only the seller edits it; bad input is answered in words."""

import pytest
from django.test import Client

from marketplace.resale.forms import euros_to_cents
from marketplace.resale.models import Listing, ListingState

from .fixtures import DESCRIPTION, make_listing, photo_upload, purchase_of

pytestmark = pytest.mark.django_db

NEW_URL = "/resale/new/"


def text(response) -> str:
    return response.content.decode()


def client_for(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def form_data(stores, **fields):
    data = {
        "title": "Tondeuse à main",
        "description": DESCRIPTION,
        "price": "12,50",
        "condition": "good",
        "tags": "jardin, pelouse",
        "store_ids": [str(store.pk) for store in stores],
        "publish": "1",
    }
    data.update(fields)
    return data


def test_a_visitor_is_sent_to_log_in(db):
    response = Client().get(NEW_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/resale/new/")


def test_the_form_shows_the_shops_condition_definitions_and_stores(seller, store):
    html = text(client_for(seller).get(NEW_URL))

    assert "Never used, in its packaging or with its tags" in html
    assert "Well used, visible wear or a missing accessory" in html
    assert "Lyon Part-Dieu (Lyon)" in html
    assert 'type="file" name="photos"' in html and "multiple" in html
    assert "Save as draft" in html and "Publish" in html


@pytest.mark.parametrize("typed", ["12,50", "12.50", " 12.5 €"])
def test_a_trusted_member_publishes_with_the_price_in_either_notation(
    seller, store, typed
):
    response = client_for(seller).post(NEW_URL, form_data([store], price=typed))

    listing = Listing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == listing.get_absolute_url()
    assert listing.price_cents == 1250
    assert listing.state == ListingState.PUBLISHED
    assert sorted(tag.name for tag in listing.tags.all()) == ["jardin", "pelouse"]
    assert list(listing.handoff_stores.all()) == [store]


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("12.505", "at most two decimals"),
        ("-3", "A price cannot be negative."),
        ("0", "A price is at least €0.01."),
        ("douze", "Write the price in euros with digits only"),
        ("1e3", "Write the price in euros with digits only"),
        ("999999999", "at most €100,000"),
    ],
)
def test_a_bad_price_is_refused_in_words_and_nothing_is_saved(
    seller, store, typed, words
):
    response = client_for(seller).post(NEW_URL, form_data([store], price=typed))

    assert response.status_code == 400
    assert words in text(response)
    assert 'value="Tondeuse à main"' in text(response)
    assert not Listing.objects.exists()


def test_euros_to_cents_never_goes_through_a_float():
    assert euros_to_cents("0,10") == 10
    assert euros_to_cents("19.99") == 1999
    assert euros_to_cents("1 234,5") == 123450


def test_save_as_draft_keeps_it_private(seller, store):
    data = form_data([store], draft="1")
    del data["publish"]

    client_for(seller).post(NEW_URL, data)

    listing = Listing.objects.get()
    assert listing.state == ListingState.DRAFT
    assert Client().get(listing.get_absolute_url()).status_code == 404


def test_a_newcomers_listing_waits_for_a_moderator(newcomer, store):
    response = client_for(newcomer).post(NEW_URL, form_data([store]), follow=True)

    assert Listing.objects.get().state == ListingState.PENDING
    assert "once a moderator has checked it" in text(response)


def test_missing_fields_are_said_on_their_fields(seller, store):
    response = client_for(seller).post(
        NEW_URL, {"title": "", "price": "", "publish": "1"}
    )

    html = text(response)
    assert response.status_code == 400
    assert "Give the price in euros, e.g. 12.50." in html
    assert "Choose at least one store where you can hand it over." in html
    assert "Choose its condition." in html


def test_a_store_that_does_not_exist_is_refused(seller, store):
    response = client_for(seller).post(
        NEW_URL, form_data([store], store_ids=["99999", "abc"])
    )

    assert response.status_code == 400
    assert "Choose the stores from the list." in text(response)


def test_photos_are_kept_and_a_bad_one_reshows_the_form_with_the_rest(seller, store):
    client = client_for(seller)
    not_an_image = photo_upload(name="virus.jpg")
    not_an_image.file.seek(0)
    not_an_image.file.write(b"MZ this is not a picture at all")
    not_an_image.file.truncate()
    not_an_image.file.seek(0)

    refused = client.post(
        NEW_URL,
        form_data([store], photos=[photo_upload(), not_an_image], title="Brouette"),
    )

    assert refused.status_code == 400
    html = text(refused)
    assert 'value="Brouette"' in html
    assert DESCRIPTION in html
    assert not Listing.objects.exists()

    accepted = client.post(
        NEW_URL, form_data([store], photos=[photo_upload(), photo_upload()])
    )
    assert accepted.status_code == 302
    assert Listing.objects.get().photos.count() == 2


def test_more_than_ten_photos_are_refused(seller, store):
    photos = [photo_upload() for _ in range(11)]

    response = client_for(seller).post(NEW_URL, form_data([store], photos=photos))

    assert response.status_code == 400
    assert "at most 10 photos" in text(response)
    assert not Listing.objects.exists()


def test_resell_this_starts_from_my_purchase_and_marks_verified_owner(
    seller, store, product
):
    purchase = purchase_of(seller, product, store=store)
    client = client_for(seller)

    page = text(client.get(NEW_URL, {"purchase": purchase.pk}))
    assert 'value="Sécateur Pro"' in page
    assert 'value="SEC-0042"' in page
    client.post(
        NEW_URL,
        form_data([store], purchase=str(purchase.pk), product_sku=product.sku),
    )

    listing = Listing.objects.get()
    assert listing.product == product
    assert listing.purchase == purchase
    assert "Verified owner" in text(client.get(listing.get_absolute_url()))


def test_someone_elses_purchase_is_refused(seller, buyer, store, product):
    theirs = purchase_of(buyer, product, store=store)

    response = client_for(seller).post(
        NEW_URL, form_data([store], purchase=str(theirs.pk))
    )

    assert response.status_code == 400
    assert "This purchase is not yours." in text(response)
    assert not Listing.objects.exists()


def test_an_unknown_catalog_reference_is_refused(seller, store):
    response = client_for(seller).post(
        NEW_URL, form_data([store], product_sku="NOPE-1")
    )

    assert response.status_code == 400
    assert "No product of our catalog matches this name or reference" in text(response)


# --- Edit -----------------------------------------------------------------------


def test_the_seller_edits_their_listing(listing, seller, store):
    client = client_for(seller)
    url = f"/resale/{listing.pk}/edit/"

    page = text(client.get(url))
    assert 'value="45.00"' in page
    response = client.post(
        url, form_data([store], title="Sécateur affûté", price="39.90", save="1")
    )

    listing.refresh_from_db()
    assert response.status_code == 302
    assert listing.title == "Sécateur affûté"
    assert listing.price_cents == 3990
    assert list(listing.handoff_stores.all()) == [store]


def test_publish_from_the_edit_form_submits_a_draft(seller, store):
    draft = make_listing(seller=seller, stores=[store], submit=False)

    client_for(seller).post(f"/resale/{draft.pk}/edit/", form_data([store]))

    draft.refresh_from_db()
    assert draft.state == ListingState.PUBLISHED


def test_another_members_listing_cannot_be_edited(listing, buyer, store):
    client = client_for(buyer)
    url = f"/resale/{listing.pk}/edit/"

    assert client.get(url).status_code == 404
    assert client.post(url, form_data([store], title="Volé")).status_code == 404
    listing.refresh_from_db()
    assert listing.title != "Volé"


def test_a_listing_that_does_not_exist_is_404(seller):
    client = client_for(seller)

    assert client.get("/resale/999999/edit/").status_code == 404
    assert client.get("/resale/0/edit/").status_code == 404


def test_a_reserved_listing_cannot_be_edited_and_the_page_says_why(listing, seller):
    Listing.objects.filter(pk=listing.pk).update(state=ListingState.RESERVED)

    response = client_for(seller).get(f"/resale/{listing.pk}/edit/", follow=True)

    assert "This listing can no longer be edited: it is reserved." in text(response)
