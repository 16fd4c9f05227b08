"""The site against a Redis that does not answer: it degrades, it does not fail.

The suite points the cache and the channel layer at an address where nothing
listens; `.ci/run` runs this file again with `REDIS_URL` set to one, the settings
then being exactly a deployment's. The last test puts the real Redis back behind
the same address, in the same process: live updates resume without a restart.
"""

import asyncio
import datetime as dt
import logging
import re
import uuid
from urllib.parse import urlsplit

import pytest
import redis
from allauth.account.models import EmailAddress
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from community.reviews.services import review_submit
from comptoir.asgi import application
from comptoir.env import redis_settings
from comptoir.resilience import CLOSE_TRY_AGAIN_LATER
from editorial.models import ArticleIndexPage, ArticlePage
from marketplace.catalog.models import StockLevel
from marketplace.catalog.services import stock_level_set
from marketplace.integrations.services import api_client_create
from tests.factories import MemberFactory, ProductFactory, StockLevelFactory

from .redis_switch import RedisSwitch

PASSWORD = "correct horse battery staple"
ORIGIN = [(b"origin", b"http://testserver")]
REAL_REDIS = "redis://127.0.0.1:6379/0"


def answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.exceptions.RedisError:
        return False


def nothing_listens() -> str:
    """A Redis URL on a local port where nothing listens: connections are refused."""
    return RedisSwitch().url()


def redis_at(url: str, *, retry_seconds: float = 5, prefix: str = ""):
    """The settings of a deployment whose REDIS_URL is `url`, keys under `prefix`."""
    prefix = prefix or f"comptoir-test-{uuid.uuid4().hex[:12]}"
    caches, layers = redis_settings(
        url, cache_prefix=prefix, channels_prefix=prefix, retry_seconds=retry_seconds
    )
    return override_settings(CACHES=caches, CHANNEL_LAYERS=layers)


@pytest.fixture(scope="module", autouse=True)
def redis_down():
    """Cache and channel layer on a Redis that does not answer, for the module.

    Under `.ci/run`'s REDIS_URL, which already does not answer, the settings stay
    as they are; otherwise they point at a port where nothing listens.
    """
    if settings.REDIS_URL and not answers(settings.REDIS_URL):
        yield
        return
    with redis_at(nothing_listens()):
        yield


@pytest.fixture
def fresh_channel_layer():
    """Each websocket test gets its own layer, not one bound to an old event loop."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def trusted_member(**fields):
    member = MemberFactory(trust_level=2, **fields)
    member.date_joined = timezone.now() - dt.timedelta(days=400)
    member.save(update_fields=["date_joined"])
    EmailAddress.objects.create(
        user=member, email=member.email, verified=True, primary=True
    )
    return member


@pytest.fixture
def shop(db):
    """A product with stock and a published review, and an article."""
    level = StockLevelFactory(
        product=ProductFactory(name="Arrosoir galvanisé", slug="arrosoir"),
        store__code="lyon-part-dieu",
        store__name="Lyon Part-Dieu",
        quantity=3,
    )
    review_submit(
        author=trusted_member(display_name="Élise"),
        product=level.product,
        rating=5,
        title="Solide",
        body="Solide, bien fini, je le recommande pour un petit jardin de ville.",
    )
    article = ArticlePage(
        title="Choisir son arrosoir",
        slug="choisir-son-arrosoir",
        intro="Un bec long pour les semis, une pomme fine pour le potager.",
        date=dt.date(2026, 6, 1),
        author_name="Claire Martin",
    )
    ArticleIndexPage.objects.get(slug="articles").add_child(instance=article)
    return level


MAIN_PAGES = [
    "/",
    "/products/",
    "/products/arrosoir/",
    "/search/?q=arrosoir",
    "/articles/",
    "/articles/choisir-son-arrosoir/",
    "/sitemap.xml",
    "/stores/",
    "/stores/lyon-part-dieu/",
    "/accounts/login/",
]


@pytest.mark.parametrize("path", MAIN_PAGES)
def test_main_pages_answer_while_redis_is_down(client, shop, path):
    # given Redis does not answer
    # when a visitor opens the page twice (filling the cache, then reading it)
    first = client.get(path)
    second = client.get(path)

    # then it is served, not a 500
    assert first.status_code == 200
    assert second.status_code == 200


def test_pages_still_show_reviews_stock_and_results_while_redis_is_down(client, shop):
    product = client.get("/products/arrosoir/").content.decode()
    found = client.get("/search/?q=arrosoir").content.decode()

    assert "Solide" in product  # the review card
    assert "Lyon Part-Dieu" in product  # the stock
    assert "Choisir son arrosoir" in found
    assert "Arrosoir galvanisé" in found


def test_every_page_of_the_site_map_answers_while_redis_is_down(client, shop):
    sitemap = client.get("/sitemap.xml").content.decode()
    paths = [urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    assert "/products/arrosoir/" in paths

    statuses = {path: client.get(path).status_code for path in paths}

    assert statuses == dict.fromkeys(paths, 200)


def test_login_works_while_redis_is_down(client, db):
    member = trusted_member()

    response = client.post(
        "/accounts/login/", {"login": member.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/me/"


def test_login_limits_still_hold_while_redis_is_down(client, db):
    # given Redis does not answer and someone tries ten wrong passwords from one
    # address (the per-address limit is 10 a minute)
    attacker = {"REMOTE_ADDR": "203.0.113.7"}
    for n in range(10):
        response = client.post(
            "/accounts/login/",
            {"login": f"guess{n}@example.com", "password": "wrong"},
            **attacker,
        )
        assert "Too many failed login attempts" not in response.content.decode()

    # when they try once more, even with a real member's right password
    member = trusted_member()
    refused = client.post(
        "/accounts/login/", {"login": member.email, "password": PASSWORD}, **attacker
    )

    # then the limit holds: this process counted the attempts in its memory
    assert refused.status_code in {200, 429}
    assert "Too many failed login attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # and the member, from their own address, still gets in: not failing closed
    welcomed = client.post(
        "/accounts/login/",
        {"login": member.email, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.20",
    )
    assert welcomed.status_code == 302


def test_stock_api_answers_what_it_committed_while_redis_is_down(
    client, shop, django_capture_on_commit_callbacks
):
    # given Redis does not answer, so open pages cannot be told
    _api_client, token = api_client_create(name="caisse", scopes="catalog:write")

    # when the stock system sends a new quantity
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            "/api/v1/stock/bulk",
            {
                "stock": [
                    {"sku": shop.product.sku, "store": "lyon-part-dieu", "quantity": 9}
                ]
            },
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    # then it answers what it committed, and the broadcast was only dropped
    assert response.status_code == 200
    assert response.json() == {
        "created": 0,
        "updated": 1,
        "duplicates": 0,
        "errors": [],
    }
    assert StockLevel.objects.get(pk=shop.pk).quantity == 9
    assert callbacks


def open_socket(path: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, path, headers=ORIGIN)


def quantities(message) -> dict[str, int]:
    return {line["store"]: line["quantity"] for line in message["stock"]}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_a_socket_is_told_to_try_again_later_while_redis_is_down():
    product = ProductFactory()

    async def scenario():
        socket = open_socket(f"/ws/products/{product.pk}/stock/")
        connected, _ = await socket.connect(timeout=5)
        closing = await socket.receive_output(timeout=5)
        return connected, closing

    connected, closing = async_to_sync(scenario)()

    # accepted then closed "try again later", so the page's script reconnects
    assert connected
    assert closing == {"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER}


def test_an_outage_is_logged_once_without_a_stack_trace(
    client, shop, caplog, django_capture_on_commit_callbacks
):
    # given a Redis that has just stopped answering
    with redis_at(nothing_listens()), caplog.at_level(logging.INFO):
        # when pages are served and stock changes for a while
        for quantity in range(4, 7):
            for path in ("/", "/products/arrosoir/", "/search/?q=arrosoir"):
                assert client.get(path).status_code == 200
            with django_capture_on_commit_callbacks(execute=True):
                stock_level_set(
                    product=shop.product, store=shop.store, quantity=quantity
                )

    # then each of the cache and the channel layer said so once, in one line
    outages = [r for r in caplog.records if r.name == "comptoir.outages"]
    assert [r.getMessage().split(" (")[0] for r in outages] == [
        "The cache",
        "The channel layer",
    ]
    assert all("does not answer" in r.getMessage() for r in outages)
    assert not [r for r in caplog.records if r.exc_info]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_live_updates_resume_when_redis_answers_again(caplog):
    if not answers(REAL_REDIS):
        pytest.skip(f"no Redis answers at {REAL_REDIS}")
    switch = RedisSwitch()
    switch.on()
    prefix = f"comptoir-test-{uuid.uuid4().hex[:12]}"
    level = StockLevelFactory(store__code="nantes-centre", quantity=1)

    def set_stock(quantity):
        with transaction.atomic():
            stock_level_set(product=level.product, store=level.store, quantity=quantity)

    async def scenario():
        path = f"/ws/products/{level.product_id}/stock/"
        # a page is live while Redis answers
        before = open_socket(path)
        assert (await before.connect(timeout=5))[0]
        await before.receive_json_from(timeout=5)
        # when Redis goes away, the page is told to try again later
        switch.off()
        dropped = await before.receive_output(timeout=5)
        await database_sync_to_async(set_stock)(2)
        await database_sync_to_async(cache.set)("during", "kept in memory")
        # and once it is back (and the retry delay has passed) the page reconnects
        switch.on()
        await asyncio.sleep(0.3)
        after = open_socket(path)
        assert (await after.connect(timeout=5))[0]
        current = await after.receive_json_from(timeout=5)
        await database_sync_to_async(set_stock)(5)
        update = await after.receive_json_from(timeout=5)
        await after.disconnect()
        return dropped, current, update

    real = redis.Redis.from_url(REAL_REDIS)
    try:
        with (
            redis_at(switch.url(), retry_seconds=0.2, prefix=prefix),
            caplog.at_level(logging.INFO),
        ):
            dropped, current, update = async_to_sync(scenario)()
            cache.set("resumed", "yes")
            stored = real.get(f"{prefix}:1:resumed")
    finally:
        switch.off()
        for key in real.scan_iter(f"{prefix}*"):
            real.delete(key)

    assert dropped == {"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER}
    # then it gets the stock as it is now, changed during the outage, and live
    # changes again, in the same process
    assert quantities(current)["nantes-centre"] == 2
    assert quantities(update)["nantes-centre"] == 5
    # and the cache is Redis's again
    assert stored is not None
    said = [r.getMessage() for r in caplog.records if r.name == "comptoir.outages"]
    back = [line.split(" (")[0] for line in said if "answers again" in line]
    assert sorted(back) == ["The cache", "The channel layer"]
