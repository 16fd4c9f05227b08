"""Second-hand listings in the site search and the sitemap: what can be bought
(published, or reserved) is found, with its price, condition and photo; drafts,
listings waiting for moderation and withdrawn ones never are. The sitemap lists
every public listing's page, sold ones included."""

from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.search import search_sections
from marketplace.resale.models import ListingState
from marketplace.resale.search import ResaleSection
from marketplace.resale.services import (
    handoff_confirm,
    listing_reserve,
    listing_withdraw,
)

from .fixtures import HANDOFF_DAY, NOW, make_listing, photo_upload

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def listings(seller, newcomer, buyer, staff, store):
    """One listing of each kind, all about a lawnmower ("tondeuse")."""
    published = make_listing(
        seller=seller,
        stores=[store],
        title="Tondeuse thermique autotractée",
        price_cents=12000,
        condition="good",
        photos=[photo_upload()],
    )
    reserved = make_listing(seller=seller, stores=[store], title="Tondeuse hélicoïdale")
    listing_reserve(
        listing=reserved, buyer=buyer, store=store, day=HANDOFF_DAY, now=NOW
    )
    sold = make_listing(seller=seller, stores=[store], title="Tondeuse vendue")
    handoff = listing_reserve(
        listing=sold, buyer=buyer, store=store, day=HANDOFF_DAY, now=NOW
    )
    handoff_confirm(
        store=store, code=handoff.code, by=staff, paid_cents=handoff.price_cents
    )
    withdrawn = make_listing(seller=seller, stores=[store], title="Tondeuse retirée")
    listing_withdraw(listing=withdrawn, by=seller, now=NOW)
    return {
        "published": published,
        "reserved": reserved,
        "sold": sold,
        "withdrawn": withdrawn,
        "draft": make_listing(
            seller=seller, stores=[store], title="Tondeuse brouillon", submit=False
        ),
        "pending": make_listing(
            seller=newcomer, stores=[store], title="Tondeuse en attente"
        ),
    }


def test_resale_is_a_search_section_after_the_forum():
    keys = [section.key for section in search_sections()]

    assert "resale" in keys
    assert keys.index("resale") > keys.index("forum")


def test_the_section_finds_what_can_be_bought_only(listings):
    assert listings["pending"].state == ListingState.PENDING

    found = {listing.title for listing in ResaleSection().search("tondeuse")}

    assert found == {"Tondeuse thermique autotractée", "Tondeuse hélicoïdale"}


def test_the_site_search_shows_a_listing_with_price_condition_and_photo(listings):
    response = Client().get(
        reverse("editorial:search"), {"q": "tondeuse thermique", "type": "resale"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert listings["published"].get_absolute_url() in html
    assert "€120.00" in html
    assert "Good" in html
    assert 'class="search-thumbnail"' in html
    for hidden in ("brouillon", "en attente", "retirée", "vendue"):
        assert hidden not in html


def test_the_search_overview_has_a_second_hand_section(listings):
    html = Client().get(reverse("editorial:search"), {"q": "tondeuse"}).content.decode()

    assert "Second-hand" in html
    assert "Tondeuse hélicoïdale" in html


@pytest.mark.parametrize("query", ['"*()', "tondeuse OR 1=1 --", "x" * 5000])
def test_odd_queries_never_fail(listings, query):
    response = Client().get(reverse("editorial:search"), {"q": query, "type": "resale"})

    assert response.status_code == 200


def _sitemap_paths() -> list[str]:
    response = Client().get("/sitemap.xml")
    assert response.status_code == 200
    return [
        urlsplit(loc.text).path
        for loc in ElementTree.fromstring(response.content).findall(
            "sm:url/sm:loc", SITEMAP_NS
        )
    ]


def test_the_sitemap_lists_public_listings_only(listings):
    paths = _sitemap_paths()

    for public in ("published", "reserved", "sold"):
        assert listings[public].get_absolute_url() in paths
    for private in ("draft", "pending", "withdrawn"):
        assert listings[private].get_absolute_url() not in paths
