"""Anonymous pages from the page cache: no query when warm, forgotten by events,
never a member's (comptoir/page_cache.py)."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks

from community.moderation.services import moderation_decide
from community.reviews.services import review_submit
from comptoir import page_cache
from comptoir.page_cache import (
    CACHED_PAGE_HOOK,
    STATUS_HEADER,
    CachedPage,
    page_cache_invalidate,
)
from editorial.models import (
    ArticleIndexPage,
    ArticlePage,
    HomeFeaturedProduct,
    HomePage,
)
from marketplace.catalog.models import Store
from marketplace.catalog.services import product_upsert, stock_level_set
from marketplace.integrations.services import api_client_create
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

BODY = "Solide, bien fini, je le recommande pour un petit jardin de ville."


def _aged(member):
    member.date_joined = timezone.now() - dt.timedelta(days=400)
    member.save(update_fields=["date_joined"])
    return member


@pytest.fixture(scope="module")
def shop(django_db_setup, django_db_blocker):
    """Two stores, a product featured on the home page and in an article, with
    stock and a published review: built once for the module, rolled back after.
    Tests that change the article read it again (its instance here is shared)."""
    with django_db_blocker.unblock(), transaction.atomic():
        lyon = Store.objects.create(code="lyon", name="Lyon Part-Dieu", city="Lyon")
        nantes = Store.objects.create(
            code="nantes", name="Nantes Centre", city="Nantes"
        )
        secateur, _ = product_upsert(
            sku="SEC-1", name="Sécateur Pro", price_cents=2490, tags=["Outils"]
        )
        product_upsert(sku="ARR-1", name="Arrosoir 10 L", price_cents=1290)
        stock_level_set(product=secateur, store=lyon, quantity=4)
        stock_level_set(product=secateur, store=nantes, quantity=0)
        home = HomePage.objects.get()
        HomeFeaturedProduct.objects.create(page=home, product=secateur, sort_order=0)
        index = ArticleIndexPage.objects.child_of(home).get(slug="articles")
        article = ArticlePage(
            title="Tailler ses rosiers",
            intro="Quand et comment tailler.",
            body=[("product_card", {"product": secateur, "note": ""})],
        )
        index.add_child(instance=article)
        article.save_revision().publish()
        author = _aged(MemberFactory(display_name="Élise", slug="elise", trust_level=2))
        review_submit(
            author=author, product=secateur, rating=5, title="Parfait", body=BODY
        )
        yield {
            "product": secateur,
            "lyon": lyon,
            "article": ArticlePage.objects.get(pk=article.pk),
            "author": author,
        }
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    # Off in the test settings (settings/test.py says why); what users get here.
    settings.PAGE_CACHE_ENABLED = True


def page_urls(shop) -> dict[str, str]:
    return {
        "home": "/",
        "article": shop["article"].url,
        "articles": "/articles/",
        "products": "/products/",
        "product": shop["product"].get_absolute_url(),
        "stores": "/stores/",
        "store": reverse("catalog:store_detail", kwargs={"code": "lyon"}),
    }


PAGES = ["home", "article", "articles", "products", "product", "stores", "store"]


def text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_a_warm_page_is_served_without_a_database_query(
    name, shop, client, django_assert_num_queries
):
    url = page_urls(shop)[name]
    # Given the page was built once for an anonymous visitor
    first = client.get(url)
    assert first.status_code == 200
    assert first[STATUS_HEADER] == "miss"

    # When the next visitor asks for it, then it comes from the cache, query-free
    with django_assert_num_queries(0):
        again = Client().get(url)
    assert again[STATUS_HEADER] == "hit"
    assert again.content == first.content
    # And the security headers are still sent on a cached page
    assert "Content-Security-Policy" in again


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_pages_carry_no_cookie_and_may_be_kept_by_a_proxy(name, shop, client):
    response = client.get(page_urls(shop)[name])

    assert response.cookies == {}
    assert "csrfmiddlewaretoken" not in text(response)
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache_control == {"public", "max-age=60", "s-maxage=60"}
    vary = {part.strip().lower() for part in response["Vary"].split(",")}
    assert vary == {"accept-language", "cookie"}
    # A browser coming back asks whether it changed, and hears it did not
    etag = response["ETag"]
    assert client.get(page_urls(shop)[name], HTTP_IF_NONE_MATCH=etag).status_code == 304


# --- Invalidation, one event at a time ------------------------------------------------


@pytest.fixture
def api(db):
    _client, token = api_client_create(name="caisse", scopes="catalog:write")

    def post(path, body):
        return Client().post(
            f"/api/v1{path}",
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    return post


def warm(client, *urls):
    for url in urls:
        assert client.get(url).status_code == 200
        assert client.get(url)[STATUS_HEADER] == "hit"


def test_a_stock_change_through_the_api_shows_on_the_next_visit(
    shop, client, api, django_capture_on_commit_callbacks
):
    urls = page_urls(shop)
    warm(client, urls["product"], urls["store"], urls["stores"])

    with django_capture_on_commit_callbacks(execute=True):
        answer = api(
            "/stock/bulk", {"stock": [{"sku": "SEC-1", "store": "lyon", "quantity": 0}]}
        )
    assert answer.status_code == 200, answer.content

    product_page = client.get(urls["product"])
    assert product_page[STATUS_HEADER] == "miss"
    assert "Out of stock at Lyon Part-Dieu" in text(product_page)
    assert "Nothing is in stock in this store" in text(client.get(urls["store"]))
    assert client.get(urls["stores"])[STATUS_HEADER] == "miss"


def test_a_price_update_through_the_api_shows_wherever_the_product_does(
    shop, client, api, django_capture_on_commit_callbacks
):
    urls = page_urls(shop)
    pages = [urls[name] for name in ("product", "products", "home", "article")]
    warm(client, *pages, urls["stores"])

    with django_capture_on_commit_callbacks(execute=True):
        answer = api(
            "/products/bulk",
            {
                "products": [
                    {"sku": "SEC-1", "name": "Sécateur Pro", "price_cents": 1990}
                ]
            },
        )
    assert answer.status_code == 200, answer.content

    for url in pages:
        page = text(client.get(url))
        assert "19.90" in page, url
        assert "24.90" not in page, url
    # What does not show the product stays cached
    assert client.get(urls["stores"])[STATUS_HEADER] == "hit"


def test_a_publish_shows_on_the_article_its_list_and_the_home_page(
    shop, client, django_capture_on_commit_callbacks
):
    urls = page_urls(shop)
    warm(client, urls["article"], urls["articles"], urls["home"], urls["product"])

    article = ArticlePage.objects.get(pk=shop["article"].pk)
    article.title = "Tailler ses rosiers en mars"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()

    for name in ("article", "articles", "home"):
        assert "Tailler ses rosiers en mars" in text(client.get(urls[name])), name
    assert client.get(urls["product"])[STATUS_HEADER] == "hit"


def test_an_unpublished_article_leaves_the_cache(
    shop, client, django_capture_on_commit_callbacks
):
    urls = page_urls(shop)
    warm(client, urls["article"], urls["articles"])

    with django_capture_on_commit_callbacks(execute=True):
        ArticlePage.objects.get(pk=shop["article"].pk).unpublish()

    assert client.get(urls["article"]).status_code == 404
    assert "Tailler ses rosiers" not in text(client.get(urls["articles"]))


def test_an_article_made_private_is_no_longer_served_from_the_cache(
    shop, client, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    urls = page_urls(shop)
    warm(client, urls["article"])

    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=shop["article"],
            restriction_type=PageViewRestriction.PASSWORD,
            password="jardin",
        )
    response = client.get(urls["article"])
    assert response.get(STATUS_HEADER) != "hit"
    assert "Tailler ses rosiers" not in text(response)

    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert "Tailler ses rosiers" in text(client.get(urls["article"]))


def test_a_review_approved_by_a_moderator_shows_on_the_next_visit(
    shop, client, django_capture_on_commit_callbacks
):
    urls = page_urls(shop)
    newcomer = _aged(MemberFactory(display_name="Nouveau", slug="nouveau"))
    moderator = _aged(MemberFactory(display_name="Modo", slug="modo", trust_level=3))
    moderator.user_permissions.add(Permission.objects.get(codename="moderate_content"))
    with django_capture_on_commit_callbacks(execute=True):
        waiting = review_submit(
            author=newcomer,
            product=shop["product"],
            rating=1,
            title="Décevant",
            body=BODY,
        )
    warm(client, urls["product"], urls["products"])
    assert "Décevant" not in text(client.get(urls["product"]))

    with django_capture_on_commit_callbacks(execute=True):
        moderation_decide(
            moderator=moderator, entries_or_contents=[waiting], action="approve"
        )

    page = client.get(urls["product"])
    assert page[STATUS_HEADER] == "miss"
    assert "Décevant" in text(page)
    assert client.get(urls["products"])[STATUS_HEADER] == "miss"


def test_a_store_edited_in_the_admin_shows_everywhere_it_is_named(
    shop, client, django_capture_on_commit_callbacks
):
    urls = page_urls(shop)
    warm(client, urls["product"], urls["stores"], urls["store"])
    admin = MemberFactory(is_staff=True, is_superuser=True)
    editor = Client()
    editor.force_login(admin)
    lyon = shop["lyon"]

    with django_capture_on_commit_callbacks(execute=True):
        answer = editor.post(
            reverse("wagtailsnippets_catalog_store:edit", args=[lyon.pk]),
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

    for name in ("product", "stores", "store"):
        assert "Lyon Confluence" in text(client.get(urls[name])), name


def test_a_page_built_while_what_it_shows_changed_is_not_kept(shop, client):
    # Given a page whose build overlaps a change (the tags are read at its end)
    def tags_after_a_change(request, match):
        page_cache._invalidate_now({"stock"})
        return {"stock"}

    with hooks.register_temporarily(
        CACHED_PAGE_HOOK,
        lambda: CachedPage(url_name="catalog:store_list", tags=tags_after_a_change),
    ):
        client.get("/stores/")
    # Then the next visitor gets a fresh build
    assert client.get("/stores/")[STATUS_HEADER] == "miss"


def test_a_rolled_back_change_forgets_nothing(shop, client):
    url = page_urls(shop)["stores"]
    warm(client, url)

    with transaction.atomic():
        page_cache_invalidate("stores")
        transaction.set_rollback(True)

    assert client.get(url)[STATUS_HEADER] == "hit"


# --- Members, messages, language, query strings ----------------------------------


def test_a_member_never_gets_a_cached_page_and_their_name_never_enters_one(
    shop, client
):
    url = page_urls(shop)["product"]
    member = MemberFactory(display_name="Camille Dupont")
    # Given the page is warm for anonymous visitors
    warm(client, url)

    # When the member logs in, they get their own page, which no one may keep
    client.force_login(member)
    theirs = client.get(url)
    assert "Camille Dupont" in text(theirs)
    assert STATUS_HEADER not in theirs
    assert "private" in theirs["Cache-Control"]

    # And once logged out, the anonymous page shows no name
    client.logout()
    assert "Camille Dupont" not in text(Client().get(url))
    assert "Camille Dupont" not in text(client.get(url))


def test_a_members_visit_stores_nothing(shop):
    url = page_urls(shop)["products"]
    member = Client()
    member.force_login(MemberFactory(display_name="Camille Dupont"))

    member.get(url)

    anonymous = Client().get(url)
    assert anonymous[STATUS_HEADER] == "miss"
    assert "Camille Dupont" not in text(anonymous)


def test_a_message_after_logging_out_is_not_cached_for_others(shop):
    url = page_urls(shop)["home"]
    visitor = Client()
    visitor.force_login(MemberFactory(display_name="Camille Dupont"))

    # When they log out, the next page tells them so (a messages cookie)
    visitor.post(reverse("account_logout"))
    theirs = visitor.get(url)
    assert "You have signed out" in text(theirs)
    assert STATUS_HEADER not in theirs

    # Then nobody else reads it
    for other in (Client().get(url), Client().get(url)):
        assert "You have signed out" not in text(other)


def test_each_language_is_cached_apart(shop):
    url = page_urls(shop)["products"]
    french = {"HTTP_ACCEPT_LANGUAGE": "fr"}
    english_cookie = Client()
    english_cookie.cookies["django_language"] = "en"

    assert '<html lang="fr">' in text(Client().get(url, **french))
    assert '<html lang="en">' in text(Client().get(url))
    # The cookie wins over the browser's language, as LocaleMiddleware decides
    chosen = english_cookie.get(url, **french)
    assert chosen[STATUS_HEADER] == "hit"
    assert '<html lang="en">' in text(chosen)
    again = Client().get(url, **french)
    assert again[STATUS_HEADER] == "hit"
    assert '<html lang="fr">' in text(again)


def test_the_language_links_set_the_cookie_and_go_back(shop, client):
    page = text(client.get("/products/?sort=price"))
    assert 'href="/language/fr/?next=/products/%3Fsort%3Dprice"' in page

    answer = client.get("/language/fr/", {"next": "/products/?sort=price"})

    assert answer.status_code == 302
    assert answer["Location"] == "/products/?sort=price"
    assert answer.cookies["django_language"].value == "fr"
    assert "no-store" in answer["Cache-Control"]
    french = client.get("/products/?sort=price")
    assert '<html lang="fr">' in text(french)


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/"])
def test_the_language_links_never_leave_the_site(shop, client, next_url):
    answer = client.get("/language/en/", {"next": next_url})
    assert answer["Location"] == "/"


def test_an_unknown_language_is_a_404(shop, client):
    assert client.get("/language/xx/").status_code == 404


def test_query_strings_are_part_of_the_key_when_the_page_reads_them(shop, client):
    assert client.get("/products/?sort=price&tag=outils")[STATUS_HEADER] == "miss"
    assert client.get("/products/?tag=outils&sort=price")[STATUS_HEADER] == "hit"
    assert client.get("/products/?sort=-price")[STATUS_HEADER] == "miss"
    # A parameter no page reads (tracking…) is served, never cached
    for _ in range(2):
        tracked = client.get("/products/?utm_source=newsletter")
        assert tracked.status_code == 200
        assert STATUS_HEADER not in tracked
    # One the list reads but the store page does not: not cached there either
    assert STATUS_HEADER not in client.get("/stores/lyon/?tag=outils")


def test_pages_no_app_registered_are_never_cached(shop, client):
    for _ in range(2):
        assert STATUS_HEADER not in client.get("/search/?q=secateur")


def test_while_the_cache_does_not_answer_pages_are_served_uncached(
    shop, client, monkeypatch
):
    url = page_urls(shop)["product"]
    warm(client, url)
    monkeypatch.setattr(page_cache, "_cache_answers", lambda: False)

    page = client.get(url)

    assert page.status_code == 200
    assert STATUS_HEADER not in page


def test_a_cached_product_page_still_opens_its_live_stock_socket(shop, client):
    # The socket needs no cookie (tests/marketplace/catalog/test_stock_socket.py
    # connects with none) and sends the current stock on connect, so a page kept
    # a while still shows the stock of now.
    url = page_urls(shop)["product"]
    warm(client, url)

    cached = text(client.get(url))

    assert f'data-stock-socket="/ws/products/{shop["product"].pk}/stock/"' in cached
    assert "stock-live.js" in cached
