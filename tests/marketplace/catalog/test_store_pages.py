import pytest

from tests.factories import ProductFactory, StockLevelFactory, StoreFactory

pytestmark = pytest.mark.django_db


def test_store_list_shows_each_store_and_its_stock_count(client, lyon, nantes):
    StockLevelFactory(product=ProductFactory(), store=lyon, quantity=2)
    StockLevelFactory(product=ProductFactory(), store=lyon, quantity=0)
    StockLevelFactory(product=ProductFactory(active=False), store=lyon, quantity=4)

    response = client.get("/stores/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/stores/lyon-part-dieu/"' in html
    assert "Nantes Centre" in html
    stores = {s.code: s.products_in_stock for s in response.context["page_obj"]}
    assert stores == {"lyon-part-dieu": 1, "nantes-centre": 0}


def test_store_list_without_stores(client):
    assert "No stores are listed yet." in client.get("/stores/").content.decode()


def test_store_page_shows_address_hours_and_products_in_stock(client, lyon):
    StockLevelFactory(product=ProductFactory(name="Bêche"), store=lyon, quantity=7)
    StockLevelFactory(product=ProductFactory(name="Râteau"), store=lyon, quantity=0)

    response = client.get("/stores/lyon-part-dieu/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "17 rue du Docteur Bouchut" in html
    assert "69003 Lyon" in html
    assert "Lun–Sam 9h–20h<br>Dim 10h–13h" in html
    assert "Bêche" in html
    assert "In stock at Lyon Part-Dieu now: 7" in html
    assert "Râteau" not in html
    assert '<link rel="canonical" href="http://testserver/stores/lyon-part-dieu/">' in (
        html
    )


def test_store_page_with_nothing_in_stock(client, lyon):
    html = client.get("/stores/lyon-part-dieu/").content.decode()

    assert "Nothing is in stock in this store right now." in html


def test_store_page_paginates(client, lyon):
    for _ in range(26):
        StockLevelFactory(product=ProductFactory(), store=lyon, quantity=1)

    second = client.get("/stores/lyon-part-dieu/?page=2")
    bad = client.get("/stores/lyon-part-dieu/?page=zzz")

    assert len(second.context["page_obj"].object_list) == 2
    assert bad.status_code == 200
    assert bad.context["page_obj"].number == 1


def test_unknown_store_is_404(client):
    StoreFactory(code="lyon")

    assert client.get("/stores/atlantis/").status_code == 404


def test_store_page_shows_its_own_quantity_once(client, lyon, nantes):
    # given a product held by two stores
    spade = ProductFactory(name="Bêche")
    StockLevelFactory(product=spade, store=lyon, quantity=7)
    StockLevelFactory(product=spade, store=nantes, quantity=3)

    response = client.get("/stores/nantes-centre/")

    # then Nantes lists it once, with Nantes' quantity
    assert [p.quantity for p in response.context["page_obj"].object_list] == [3]
    assert "In stock at Nantes Centre now: 3" in response.content.decode()
