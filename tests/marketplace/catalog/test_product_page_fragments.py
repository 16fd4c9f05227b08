"""The product page's shared parts are kept as fragments under the page's tags.

Members never get the page cache: what every viewer sees alike (gallery, facts,
tags, stock lines and their links, the shelf label, the JSON-LD, shared panels)
comes from fragments that the same `page_cache_invalidate` forgets, and the
member's own links are added around them.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail import hooks

from comptoir.page_cache import page_cache_invalidate
from marketplace.catalog.actions import PRODUCT_ACTION_HOOK, ActionLink, ProductAction
from marketplace.catalog.cached_pages import product_tag
from marketplace.catalog.panels import PRODUCT_PANEL_HOOK, ProductPanel
from marketplace.catalog.services import product_upsert, stock_level_set
from tests.community.reviews.html_check import json_ld_blocks
from tests.factories import MemberFactory

from .conftest import make_image, use_templates

pytestmark = pytest.mark.django_db


class NamedAction(ProductAction):
    """A stock link for everyone, and a link naming the member who looks."""

    name = "named"

    def stock_link(self, product, store):
        return ActionLink(label="Réserver ici", url=f"/reserve/{store.code}/")

    def member_links(self, request, products):
        label = f"Réserver pour {request.user.display_name}"
        return {p.pk: ActionLink(label=label, url="/reserve/mine/") for p in products}


class CountedPanel(ProductPanel):
    """Counts its context reads; `shared` set by the subclasses below."""

    template_name = "tests/counted.html"
    reads: list[str] = []

    def get_context(self, request, product):
        CountedPanel.reads.append(self.name)
        return {"note": f"{self.name}: {product.name}"}

    def json_ld(self, context):
        return {f"x-{self.name}": context["note"]}


class SharedPanel(CountedPanel):
    name = "shared-note"
    shared = True


class OwnPanel(CountedPanel):
    name = "own-note"


PANEL_TEMPLATES = {"tests/counted.html": "<aside data-note>{{ note }}</aside>"}


@pytest.fixture
def member(client):
    member = MemberFactory(display_name="Capucine")
    client.force_login(member)
    return member


def page_of(client, product) -> str:
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_member_sees_each_change_of_the_shared_parts(
    client, member, product, lyon, django_capture_on_commit_callbacks
):
    # given a member's page, its fragments kept
    stock_level_set(product=product, store=lyon, quantity=3)
    page = page_of(client, product)
    assert "In stock at Lyon Part-Dieu now: 3" in page
    assert "€24.90" in page
    page_of(client, product)  # from the fragments now

    # when the stock changes, then the member sees it at once
    with django_capture_on_commit_callbacks(execute=True):
        stock_level_set(product=product, store=lyon, quantity=0)
    page = page_of(client, product)
    assert "Out of stock at Lyon Part-Dieu" in page
    assert "now: 3" not in page

    # when the API changes the price, the description and the tags
    with django_capture_on_commit_callbacks(execute=True):
        product_upsert(
            sku=product.sku,
            name="Arrosoir galvanisé 12 L",
            price_cents=2990,
            description="Plus grand.",
            tags=["Potager"],
        )
    page = page_of(client, product)
    (data,) = json_ld_blocks(page)

    # then every shared part shows the new values: facts, head, tags, JSON-LD
    assert "<h1>Arrosoir galvanisé 12 L</h1>" in page
    assert '<meta property="og:title" content="Arrosoir galvanisé 12 L">' in page
    assert "€29.90" in page and "€24.90" not in page
    assert "Plus grand." in page
    assert ">Potager</a>" in page
    assert data["offers"]["price"] == "29.90"
    assert data["name"] == "Arrosoir galvanisé 12 L"


def test_a_new_picture_shows_once_the_product_is_forgotten(
    client, member, product, django_capture_on_commit_callbacks
):
    page = page_of(client, product)
    assert "image-placeholder" in page

    product.image = make_image("Principale")
    product.save(update_fields=["image"])
    # What the admin's edit hook calls when a product is saved there.
    with django_capture_on_commit_callbacks(execute=True):
        page_cache_invalidate(product_tag(product.pk))
    page = page_of(client, product)

    assert "image-placeholder" not in page
    assert 'class="product-photo"' in page
    (data,) = json_ld_blocks(page)
    assert data["image"]


def test_a_members_own_links_never_show_to_anyone_else(client, product, lyon):
    # given the page built first for Capucine, who gets her own link
    stock_level_set(product=product, store=lyon, quantity=2)
    capucine = MemberFactory(display_name="Capucine")
    gaspard = MemberFactory(display_name="Gaspard")
    with hooks.register_temporarily(PRODUCT_ACTION_HOOK, NamedAction):
        client.force_login(capucine)
        hers = page_of(client, product)
        # when Gaspard, then a visitor, open the same page
        client.force_login(gaspard)
        his = page_of(client, product)
        client.logout()
        visitors = page_of(client, product)

    # then each sees the shared stock link, and only their own member link
    assert "Réserver pour Capucine" in hers
    assert "Réserver pour Gaspard" in his
    assert "Capucine" not in his and "Capucine" not in visitors
    assert "Réserver pour" not in visitors
    for page in (hers, his, visitors):
        assert 'href="/reserve/lyon-part-dieu/"' in page


def test_a_shared_panel_is_read_once_and_keeps_its_json_ld(
    client, member, settings, tmp_path, product, django_capture_on_commit_callbacks
):
    # given a shared panel and one with member parts
    use_templates(settings, tmp_path, PANEL_TEMPLATES)
    CountedPanel.reads = []
    with hooks.register_temporarily(
        [(PRODUCT_PANEL_HOOK, SharedPanel), (PRODUCT_PANEL_HOOK, OwnPanel)]
    ):
        # when the member opens the page twice
        first = page_of(client, product)
        second = page_of(client, product)
        # then the shared one was read once, the other each time, and both
        # show with their JSON-LD fields on both pages
        assert sorted(CountedPanel.reads) == ["own-note", "own-note", "shared-note"]
        for page in (first, second):
            assert "shared-note: Arrosoir galvanisé 10 L" in page
            assert "own-note: Arrosoir galvanisé 10 L" in page
            (data,) = json_ld_blocks(page)
            assert data["x-shared-note"] == "shared-note: Arrosoir galvanisé 10 L"
            assert data["x-own-note"] == "own-note: Arrosoir galvanisé 10 L"

        # when the product changes, the shared panel is read again
        with django_capture_on_commit_callbacks(execute=True):
            product_upsert(sku=product.sku, name="Arrosoir 5 L", price_cents=990)
        page = page_of(client, product)
    assert sorted(CountedPanel.reads[3:]) == ["own-note", "shared-note"]
    assert "shared-note: Arrosoir 5 L" in page


def test_a_warm_page_costs_a_member_fewer_queries_than_a_cold_one(
    client,
    member,
    product,
    lyon,
    nantes,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    product.image = make_image()
    product.save(update_fields=["image"])
    stock_level_set(product=product, store=lyon, quantity=4)
    stock_level_set(product=product, store=nantes, quantity=1)
    url = product.get_absolute_url()
    client.get(url)  # renditions made
    with django_capture_on_commit_callbacks(execute=True):
        page_cache_invalidate(product_tag(product.pk))

    with CaptureQueriesContext(connection) as cold:
        client.get(url)

    # session, member and their permissions (the admin bar), notifications,
    # the product and the member's own review: no stock, gallery, tags,
    # renditions, JSON-LD or panel reads
    assert len(cold) > 7
    with django_assert_max_num_queries(7):
        response = client.get(url)
    assert "In stock at Nantes Centre now: 1" in response.content.decode()
