"""/products/ from one fragment: the filters and the results kept as HTML under the
page's page-cache tags and query string, forgotten by the events that change them,
never holding anything of the member who built them (catalog/views.py
product_list)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.reviews.services import review_submit
from comptoir.page_cache import page_cache_clear
from marketplace.catalog.models import Product, Store
from marketplace.catalog.services import product_upsert, stock_level_set
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

URL = "/products/"
BODY = "Solide, bien fini, je le recommande pour un petit jardin de ville."


@pytest.fixture
def shop(django_capture_on_commit_callbacks):
    """Two stores and three products, written through the catalog's services."""
    with django_capture_on_commit_callbacks(execute=True):
        lyon = Store.objects.create(code="lyon", name="Lyon Part-Dieu", city="Lyon")
        nantes = Store.objects.create(
            code="nantes", name="Nantes Centre", city="Nantes"
        )
        secateur, _ = product_upsert(
            sku="SEC-1", name="Sécateur Pro", price_cents=2490, tags=["Outils"]
        )
        product_upsert(sku="ARR-1", name="Arrosoir 10 L", price_cents=1290)
        product_upsert(sku="BCH-1", name="Bêche forgée", price_cents=3990)
        stock_level_set(product=secateur, store=lyon, quantity=4)
    return {"lyon": lyon, "nantes": nantes, "secateur": secateur}


@pytest.fixture
def member_client(db):
    client = Client()
    client.force_login(MemberFactory(display_name="Camille Dupont", slug="camille"))
    return client


def page(client, url: str = URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def results(html: str) -> str:
    """The fragment's part of the page: from the filters to the end of <main>."""
    start = html.index('<form method="get"')
    return html[start : html.index("</main>", start)]


def card_of(html: str, name: str) -> str:
    card = html[html.index(name) :]
    return card[: card.index("</article>")]


def aged_member(**fields):
    member = MemberFactory(**fields)
    member.date_joined = timezone.now() - dt.timedelta(days=400)
    member.save(update_fields=["date_joined"])
    return member


# --- What a member sees follows each event that changes it ---------------------


def test_a_price_and_a_name_change_show_on_the_members_next_visit(
    shop, member_client, django_capture_on_commit_callbacks
):
    # given a member who saw the list (its fragment is kept)
    assert "Sécateur Pro" in page(member_client)

    # when the product's name and price change through the catalog's service
    with django_capture_on_commit_callbacks(execute=True):
        product_upsert(
            sku="SEC-1", name="Sécateur Expert", price_cents=2790, tags=["Outils"]
        )

    # then their next visit shows the new name and price, not the old ones
    html = page(member_client)
    assert "Sécateur Pro" not in html
    assert "27.90" in card_of(html, "Sécateur Expert")


def test_a_new_or_removed_product_changes_the_count_and_the_cards(
    shop, member_client, django_capture_on_commit_callbacks
):
    assert "3 products" in page(member_client)

    with django_capture_on_commit_callbacks(execute=True):
        product_upsert(sku="RAT-1", name="Râteau à feuilles", price_cents=1590)
    html = page(member_client)
    assert "4 products" in html and "Râteau à feuilles" in html

    with django_capture_on_commit_callbacks(execute=True):
        product_upsert(
            sku="ARR-1", name="Arrosoir 10 L", price_cents=1290, active=False
        )
    html = page(member_client)
    assert "3 products" in html and "Arrosoir 10 L" not in html


def test_a_new_tag_enters_the_category_filter_and_answers_it(
    shop, member_client, django_capture_on_commit_callbacks
):
    # given a member who asked for a category no product has yet
    asked = f"{URL}?tag=arrosage"
    html = page(member_client, asked)
    assert "There is no category “arrosage”" in html
    assert 'value="arrosage"' not in page(member_client)

    # when a product is given that tag
    with django_capture_on_commit_callbacks(execute=True):
        product_upsert(
            sku="ARR-1", name="Arrosoir 10 L", price_cents=1290, tags=["Arrosage"]
        )

    # then the filter offers it, and the same address now shows that product
    assert 'value="arrosage"' in page(member_client)
    html = results(page(member_client, asked))
    assert "There is no category" not in html
    assert "1 product" in html and "Arrosoir 10 L" in html


def test_stock_arriving_at_a_store_shows_in_the_list_filtered_by_it(
    shop, member_client, django_capture_on_commit_callbacks
):
    filtered = f"{URL}?store=nantes"
    assert "No product matches these filters." in page(member_client, filtered)

    with django_capture_on_commit_callbacks(execute=True):
        stock_level_set(product=shop["secateur"], store=shop["nantes"], quantity=3)

    html = results(page(member_client, filtered))
    assert "1 product" in html and "Sécateur Pro" in html


def test_a_published_review_shows_its_rating_on_the_card(
    shop, member_client, django_capture_on_commit_callbacks
):
    assert "card-rating" not in card_of(page(member_client), "Sécateur Pro")

    with django_capture_on_commit_callbacks(execute=True):
        review_submit(
            author=aged_member(trust_level=2),
            product=shop["secateur"],
            rating=4,
            title="Bien",
            body=BODY,
        )

    assert "4.0 · 1 review" in card_of(page(member_client), "Sécateur Pro")


def test_a_store_renamed_in_the_admin_shows_in_the_store_filter(
    shop, member_client, django_capture_on_commit_callbacks
):
    assert "Lyon Part-Dieu" in page(member_client)
    editor = Client()
    editor.force_login(MemberFactory(is_staff=True, is_superuser=True))

    with django_capture_on_commit_callbacks(execute=True):
        answer = editor.post(
            reverse("wagtailsnippets_catalog_store:edit", args=[shop["lyon"].pk]),
            {
                "name": "Lyon Confluence",
                "code": "lyon",
                "address": "",
                "postcode": "",
                "city": "Lyon",
                "opening_hours": "",
                "opening_days": "123456",
            },
        )
    assert answer.status_code == 302, answer.content

    html = page(member_client)
    assert "Lyon Confluence" in html and "Lyon Part-Dieu" not in html


# --- Bad values and links, from the kept HTML as from a fresh one --------------


def test_bad_values_get_the_same_friendly_answers_when_kept(shop, member_client):
    url = f"{URL}?tag=nope&store=nowhere&sort=cheapest"
    cold = page(member_client, url)

    warm = page(member_client, url)

    assert results(warm) == results(cold)
    assert "There is no category “nope”" in warm
    assert "There is no store “nowhere”" in warm
    assert "“cheapest” is not a way to sort" in warm
    assert "3 products" in warm


def test_each_query_string_has_its_own_fragment(shop, member_client):
    by_price = results(page(member_client, f"{URL}?sort=-price"))
    by_name = results(page(member_client, f"{URL}?sort=name"))

    assert by_price.index("Bêche forgée") < by_price.index("Arrosoir 10 L")
    assert by_name.index("Arrosoir 10 L") < by_name.index("Bêche forgée")


def test_the_same_filters_in_another_order_are_the_same_fragment(shop, member_client):
    kept = results(page(member_client, f"{URL}?tag=&sort=-price"))

    with CaptureQueriesContext(connection) as queries:
        again = results(page(member_client, f"{URL}?sort=-price&tag="))

    assert again == kept
    assert not any("catalog_product" in q["sql"] for q in queries.captured_queries)


def links(html: str) -> dict[str, str]:
    """The pagination's links by rel, as a browser would follow them."""
    found = re.findall(r'<a rel="(\w+)" href="([^"]*)"', html)
    return {rel: URL + href.replace("&amp;", "&") for rel, href in found}


def names(html: str) -> list[str]:
    return re.findall(r"<h2><a [^>]*>([^<]*)</a></h2>", html)


def test_kept_pages_link_through_every_product_once_and_to_the_last_page(
    member_client, django_capture_on_commit_callbacks
):
    # given 53 products (3 pages of 24) and every page already kept once
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(53):
            product_upsert(sku=f"P-{n:02d}", name=f"Pelle {n:02d}", price_cents=900)
    first = page(member_client)
    page(member_client, links(first)["next"])
    page(member_client, links(first)["last"])

    # when a member follows the "next" links of the kept pages to the end
    seen, html = [], page(member_client)
    while True:
        seen.append(names(html))
        if "next" not in links(html):
            break
        html = page(member_client, links(html)["next"])

    # then each product shows once, in order, and "Last page" is the last of them
    assert [len(names_) for names_ in seen] == [24, 24, 5]
    assert sum(seen, []) == [f"Pelle {n:02d}" for n in range(53)]
    last = page(member_client, links(first)["last"])
    assert names(last) == seen[-1]
    assert "Page 3 of 3" in last
    assert names(page(member_client, links(last)["prev"])) == seen[1]


# --- Nothing of a member in what others get -------------------------------------


def csrf_tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def test_one_members_name_and_token_never_show_on_anothers_or_a_visitors_page(shop):
    # given the list built and kept during Camille's visit
    camille, dominique = Client(), Client()
    camille.force_login(MemberFactory(display_name="Camille Dupont", slug="camille"))
    dominique.force_login(MemberFactory(display_name="Dominique Roy", slug="dom"))
    own = page(camille)
    assert "Camille Dupont" in own and csrf_tokens(own)

    # when another member and a visitor open it
    other = page(dominique)
    visitor = page(Client())

    # then each sees their own header and the same shared part, nothing of Camille
    assert "Dominique Roy" in other
    for html in (other, visitor):
        assert "Camille Dupont" not in html
        assert "/members/camille" not in html
        assert not csrf_tokens(own) & csrf_tokens(html)
        assert results(html) == results(own)
    assert "Log in" in visitor


# --- What a warm page costs ---------------------------------------------------------


def forget_kept_html() -> None:
    """Every fragment forgotten, as after a deployment (`page_cache_clear`); the
    cards' own HTML stays, as it does then."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        page_cache_clear()


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url", [URL, f"{URL}?page=last", f"{URL}?tag=outils&store=lyon&sort=-price"]
)
def test_a_warm_page_reads_no_product(
    shop, member_client, url, django_assert_max_num_queries
):
    # given the renditions made and the member's session read once
    page(member_client, url)
    forget_kept_html()
    cold = count_queries(member_client, url)

    # then the kept page costs only the member's own reads: no product query
    with django_assert_max_num_queries(cold - 4) as warm:
        assert member_client.get(url).status_code == 200
    tables = " ".join(query["sql"] for query in warm.captured_queries)
    assert "catalog_product" not in tables and "taggit_tag" not in tables


def test_a_cold_page_costs_the_same_queries_at_any_size_and_depth(
    client, django_capture_on_commit_callbacks
):
    def cold(url: str) -> int:
        page(client, url)  # the renditions are made once
        forget_kept_html()
        return count_queries(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            product_upsert(sku=f"S-{n}", name=f"Pelle {n}", price_cents=900)
    small = cold(URL)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(60):
            product_upsert(
                sku=f"L-{n}", name=f"Râteau {n}", price_cents=900, tags=["Outils"]
            )

    assert cold(URL) == small
    assert cold(f"{URL}?page=last") == small
    assert cold(f"{URL}?tag=outils&sort=newest") == small


def test_a_query_string_no_registration_reads_is_built_every_time(shop, member_client):
    # given a list opened with a parameter the page does not read (a campaign's)
    url = f"{URL}?utm_source=lettre"
    assert "3 products" in page(member_client, url)

    # when a product is added behind the services' back
    Product.objects.create(sku="X-1", name="Brouette", slug="brouette", price_cents=1)

    # then that page was not kept: it shows the new product
    html = page(member_client, url)
    assert "4 products" in html and "Brouette" in html
    assert 'href="/products/">Clear filters' in html
