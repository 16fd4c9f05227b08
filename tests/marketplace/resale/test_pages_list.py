"""/resale/: what a visitor finds — listings on sale only, searched, filtered,
sorted (price, nearest store), paged by keyset, in a bounded number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from marketplace.resale.models import Listing, ListingState
from tests.factories import MemberFactory, ProductFactory, StoreFactory

from .fixtures import aged, make_listing, photo_upload

pytestmark = pytest.mark.django_db

LIST_URL = "/resale/"


def text(response) -> str:
    return response.content.decode()


def titles(response) -> list[str]:
    return [listing.title for listing in response.context["page_obj"].object_list]


def test_the_list_shows_what_is_on_sale_with_its_card(listing, seller, store):
    draft = make_listing(seller=seller, stores=[store], title="Brouette", submit=False)

    response = Client().get(LIST_URL)

    assert response.status_code == 200
    html = text(response)
    assert "Sécateur Pro à lame franche" in html
    assert "€45.00" in html
    assert "Very good" in html
    assert "Verified owner" in html
    assert "Sold by Sacha" in html
    assert draft.title not in html
    assert '<a href="/resale/" aria-current="page">Second-hand</a>' in html


def test_a_listing_waiting_for_moderation_or_reserved_is_listed_or_not(
    seller, newcomer, store
):
    make_listing(seller=newcomer, stores=[store], title="Tondeuse en attente")
    reserved = make_listing(seller=seller, stores=[store], title="Bêche réservée")
    Listing.objects.filter(pk=reserved.pk).update(state=ListingState.RESERVED)

    html = text(Client().get(LIST_URL))

    assert "Tondeuse en attente" not in html
    assert "Bêche réservée" in html and "Reserved" in html


def test_the_empty_list_invites_to_sell(db):
    html = text(Client().get(LIST_URL))

    assert "Nothing is on sale yet" in html
    assert 'href="/resale/new/"' in html


def test_full_text_search_finds_listings_by_their_words(seller, store):
    make_listing(seller=seller, stores=[store], title="Tondeuse thermique")
    make_listing(seller=seller, stores=[store], title="Arrosoir en zinc")

    response = Client().get(LIST_URL, {"q": "tondeuse"})

    assert titles(response) == ["Tondeuse thermique"]
    nothing = Client().get(LIST_URL, {"q": "parasol"})
    assert titles(nothing) == []
    assert "No listing matches this search or these filters." in text(nothing)


def test_filters_by_tag_condition_price_store_and_catalog_product(
    seller, store, other_store
):
    product = ProductFactory(sku="ARR-1", name="Arrosoir", price_cents=2500)
    make_listing(
        seller=seller,
        stores=[store],
        title="Arrosoir zinc",
        tags=("arrosage",),
        condition="good",
        price_cents=1250,
        product=product,
    )
    make_listing(
        seller=seller,
        stores=[other_store],
        title="Tuyau 20 m",
        tags=("arrosage",),
        condition="fair",
        price_cents=800,
    )
    make_listing(
        seller=seller,
        stores=[store, other_store],
        title="Râteau",
        tags=("outils",),
        condition="good",
        price_cents=3000,
    )
    client = Client()

    def listed(**params):
        return sorted(titles(client.get(LIST_URL, params)))

    assert listed(tag="arrosage") == ["Arrosoir zinc", "Tuyau 20 m"]
    assert listed(condition="good") == ["Arrosoir zinc", "Râteau"]
    assert listed(min_price="10", max_price="30,00") == ["Arrosoir zinc", "Râteau"]
    assert listed(max_price="12.50") == ["Arrosoir zinc", "Tuyau 20 m"]
    assert listed(store=other_store.code) == ["Râteau", "Tuyau 20 m"]
    assert listed(with_product="on") == ["Arrosoir zinc"]
    assert listed(tag="arrosage", store=store.code) == ["Arrosoir zinc"]


def test_filters_that_cannot_be_read_are_said_and_the_others_apply(seller, store):
    make_listing(seller=seller, stores=[store], title="Râteau", condition="good")

    response = Client().get(
        LIST_URL,
        {
            "min_price": "-3",
            "max_price": "douze",
            "condition": "good",
            "tag": "<script>",
            "store": "nowhere",
            "sort": "'; DROP TABLE",
            "near": "nowhere",
            "after": "not-a-cursor",
        },
    )

    assert response.status_code == 200
    assert titles(response) == ["Râteau"]
    html = text(response)
    assert "A price cannot be negative." in html
    assert "Write the price in euros with digits only" in html
    assert "Some filters could not be read; the others apply." in html


def test_sorts_by_price_both_ways(seller, store):
    for title, cents in (("Moyen", 2000), ("Cher", 9000), ("Bon marché", 500)):
        make_listing(seller=seller, stores=[store], title=title, price_cents=cents)
    client = Client()

    assert titles(client.get(LIST_URL, {"sort": "price"})) == [
        "Bon marché",
        "Moyen",
        "Cher",
    ]
    assert titles(client.get(LIST_URL, {"sort": "-price"})) == [
        "Cher",
        "Moyen",
        "Bon marché",
    ]


def test_nearest_store_sort_puts_stores_without_coordinates_last(seller):
    lyon = StoreFactory(
        code="lyon", name="Lyon", latitude=Decimal("45.76"), longitude=Decimal("4.84")
    )
    nantes = StoreFactory(
        code="nantes",
        name="Nantes",
        latitude=Decimal("47.22"),
        longitude=Decimal("-1.55"),
    )
    somewhere = StoreFactory(code="somewhere", name="Sans adresse")
    villeurbanne = StoreFactory(
        code="villeurbanne",
        name="Villeurbanne",
        latitude=Decimal("45.77"),
        longitude=Decimal("4.88"),
    )
    make_listing(seller=seller, stores=[somewhere], title="Inconnu")
    make_listing(seller=seller, stores=[nantes], title="À Nantes")
    make_listing(seller=seller, stores=[nantes, lyon], title="Lyon ou Nantes")
    make_listing(seller=seller, stores=[villeurbanne], title="Sur place")
    client = Client()

    response = client.get(LIST_URL, {"sort": "nearest", "near": villeurbanne.code})

    assert titles(response) == ["Sur place", "Lyon ou Nantes", "À Nantes", "Inconnu"]
    from_nantes = client.get(LIST_URL, {"sort": "nearest", "near": nantes.code})
    assert titles(from_nantes)[-1] == "Inconnu"
    assert set(titles(from_nantes)[:2]) == {"À Nantes", "Lyon ou Nantes"}
    # Without a store to measure from, the newest come first, and the page says so.
    newest = client.get(LIST_URL, {"sort": "nearest"})
    assert titles(newest)[0] == "Sur place"
    assert "To sort by distance, choose a store" in text(newest)


def test_keyset_pages_follow_each_other_without_repeats(seller, store, monkeypatch):
    monkeypatch.setattr("marketplace.resale.views.LISTINGS_PER_PAGE", 2)
    for n in range(5):
        make_listing(
            seller=seller, stores=[store], title=f"Pot {n}", price_cents=100 + n
        )
    client = Client()

    seen, params = [], {"sort": "price"}
    for _page in range(3):
        response = client.get(LIST_URL, params)
        page = response.context["page_obj"]
        seen += titles(response)
        if not page.has_next:
            break
        params = {"sort": "price", "after": page.next_cursor}

    assert seen == [f"Pot {n}" for n in range(5)]
    last = client.get(LIST_URL, {"sort": "price", "page": "last"})
    assert titles(last) == ["Pot 4"]


def test_nearest_sort_pages_by_keyset_too(seller, monkeypatch):
    monkeypatch.setattr("marketplace.resale.views.LISTINGS_PER_PAGE", 2)
    here = StoreFactory(
        code="ici", name="Ici", latitude=Decimal("45.0"), longitude=Decimal("4.0")
    )
    for n in range(4):
        where = StoreFactory(
            code=f"s{n}",
            name=f"S{n}",
            latitude=Decimal("45.0") + Decimal(n),
            longitude=Decimal("4.0"),
        )
        make_listing(seller=seller, stores=[where], title=f"À {n}°")
    client = Client()

    first = client.get(LIST_URL, {"sort": "nearest", "near": here.code})
    after = first.context["page_obj"].next_cursor
    second = client.get(
        LIST_URL, {"sort": "nearest", "near": here.code, "after": after}
    )

    assert titles(first) + titles(second) == ["À 0°", "À 1°", "À 2°", "À 3°"]


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL, {"sort": "newest"})
    assert response.status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_5_or_25_listings(store, other_store):
    sellers = [
        aged(MemberFactory(display_name=f"Vendeur {n}", trust_level=2))
        for n in range(5)
    ]

    def add(count):
        for n in range(count):
            make_listing(
                seller=sellers[n % len(sellers)],
                stores=[store, other_store],
                title=f"Objet {n}",
                tags=("jardin", f"t{n % 3}"),
                photos=[photo_upload(), photo_upload(color=(10, 10, 10))],
            )

    add(5)
    client = Client()
    client.get(LIST_URL, {"sort": "newest"})  # the renditions are made once
    small = _list_queries(client)
    add(20)
    client.get(LIST_URL, {"sort": "newest"})
    large = _list_queries(client)

    assert large == small
    assert small <= 12


def test_the_list_keeps_its_count_until_a_listing_changes(
    client, seller, store, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from marketplace.resale.selectors import listed_count_kept

    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        make_listing(seller=seller, stores=[store], title="Brouette")
    assert "1 listing" in client.get("/resale/").content.decode()
    assert listed_count_kept() == 1

    # a new listing moves the listings' tag on, once it commits
    with django_capture_on_commit_callbacks(execute=True):
        make_listing(seller=seller, stores=[store], title="Tondeuse")
    assert "2 listings" in client.get("/resale/").content.decode()
    # a search counts what it finds
    assert "1 listing" in client.get("/resale/", {"q": "tondeuse"}).content.decode()
