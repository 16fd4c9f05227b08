"""Visitors get /resale/ and a listing's page from the page cache
(comptoir/page_cache.py), forgotten when what they show changes; a member's own
page is never stored, so their name never reaches a visitor."""

import pytest
from django.test import Client

from comptoir.page_cache import STATUS_HEADER, page_cache_invalidate
from marketplace.resale.ratings import rating_give
from marketplace.resale.services import (
    handoff_confirm,
    listing_reserve,
    listing_update,
)

from .fixtures import HANDOFF_DAY, NOW, make_listing

pytestmark = pytest.mark.django_db

LIST_URL = "/resale/"


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def cached(settings):
    settings.PAGE_CACHE_ENABLED = True


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run what a service schedules for after its commit (the invalidations)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def settle(commits) -> None:
    """Send what the fixtures' services left for a commit that never comes in a
    test (one batch per transaction): later changes then send only their own."""
    with commits():
        page_cache_invalidate("resale-tests-settle")


def warm(client, *urls):
    for url in urls:
        assert client.get(url)[STATUS_HEADER] == "miss", url
        assert client.get(url)[STATUS_HEADER] == "hit", url


def test_visitors_get_the_list_and_a_listing_from_the_cache(cached, listing):
    client = Client()

    warm(
        client,
        LIST_URL,
        LIST_URL + "?condition=very_good&sort=price",
        LIST_URL + "?product=SEC-0042",
        listing.get_absolute_url(),
    )

    page = client.get(listing.get_absolute_url())
    assert "Sécateur Pro à lame franche" in text(page)
    assert "public" in page["Cache-Control"]


def test_a_query_parameter_the_list_does_not_read_is_not_cached(cached, listing):
    client = Client()

    for _ in range(2):
        response = client.get(LIST_URL + "?utm_source=mail")
        assert response.status_code == 200
        assert STATUS_HEADER not in response


def test_a_new_listing_renews_the_list_not_the_other_listings(
    cached, commits, listing, seller, store
):
    settle(commits)
    client = Client()
    warm(client, LIST_URL, listing.get_absolute_url())

    with commits():
        make_listing(seller=seller, stores=[store], title="Brouette ancienne")

    page = client.get(LIST_URL)
    assert page[STATUS_HEADER] == "miss"
    assert "Brouette ancienne" in text(page)
    assert client.get(listing.get_absolute_url())[STATUS_HEADER] == "hit"


def test_a_price_change_renews_the_listing_and_the_list(
    cached, commits, listing, seller, store, other_store
):
    client = Client()
    warm(client, LIST_URL, listing.get_absolute_url())

    with commits():
        listing_update(
            listing=listing,
            editor=seller,
            title=listing.title,
            description=listing.description,
            price_cents=3900,
            condition=listing.condition,
            store_ids=[store.pk, other_store.pk],
            tags=("jardin",),
        )

    for url in (listing.get_absolute_url(), LIST_URL):
        page = client.get(url)
        assert page[STATUS_HEADER] == "miss", url
        assert "€39.00" in text(page), url


def test_published_ratings_renew_the_seller_s_listing_pages(
    cached, commits, listing, seller, buyer, store, staff
):
    other = make_listing(seller=seller, stores=[store], title="Brouette ancienne")
    reserved = listing_reserve(
        listing=listing, buyer=buyer, store=store, day=HANDOFF_DAY, now=NOW
    )
    handoff = handoff_confirm(
        store=store, code=reserved.code, by=staff, paid_cents=4500, now=NOW
    )
    settle(commits)
    client = Client()
    warm(client, other.get_absolute_url())

    with commits():
        rating_give(handoff=handoff, rater=buyer, stars=5, comment="Parfait", now=NOW)
    # One side only: nothing is shown yet, the page stays.
    assert client.get(other.get_absolute_url())[STATUS_HEADER] == "hit"

    with commits():
        rating_give(handoff=handoff, rater=seller, stars=4, now=NOW)

    page = client.get(other.get_absolute_url())
    assert page[STATUS_HEADER] == "miss"
    assert "5.0/5 from 1 rating" in text(page) and "Parfait" in text(page)


def test_a_member_s_name_never_reaches_a_cached_page(cached, listing, buyer):
    member = Client()
    member.force_login(buyer)
    for url in (LIST_URL, listing.get_absolute_url()):
        own = member.get(url)
        assert "Bao" in text(own)  # their name in the header, their forms
        assert STATUS_HEADER not in own
        assert "private" in own["Cache-Control"]

    visitor = Client()
    for url in (LIST_URL, listing.get_absolute_url()):
        first, second = visitor.get(url), visitor.get(url)
        assert (first[STATUS_HEADER], second[STATUS_HEADER]) == ("miss", "hit")
        assert "Bao" not in text(first) and "Bao" not in text(second)


def test_a_listing_not_on_public_view_is_never_cached(cached, seller, store):
    draft = make_listing(seller=seller, stores=[store], submit=False)

    assert Client().get(draft.get_absolute_url()).status_code == 404
    assert Client().get(draft.get_absolute_url()).status_code == 404
    own = Client()
    own.force_login(seller)
    assert STATUS_HEADER not in own.get(draft.get_absolute_url())
