"""`manage.py demo`: the content `make run` shows, loaded once and only once."""

import datetime as dt
import re
from io import StringIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import models, transaction
from django.db.models import Max

from comptoir.demo.members import ADMIN_EMAIL, ADMIN_PASSWORD, MEMBER_PASSWORD
from comptoir.demo.sales import sale_rows
from comptoir.progress import Progress
from editorial.models import ArticlePage, HomePage
from marketplace.catalog.models import Product, StockLevel, Store
from marketplace.sales.models import SaleEvent

pytestmark = pytest.mark.django_db

BLOCK_TYPES = {
    "heading",
    "paragraph",
    "image",
    "quote",
    "product_card",
    "call_to_action",
}


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """The full demo, loaded once for the module and rolled back after it."""
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _snapshot() -> dict[str, tuple[int, int | None]]:
    """Row count and highest id of every table."""
    return {
        model._meta.label: (
            model._base_manager.count(),
            # UUID keys have no order (and no MAX on PostgreSQL): the count says it.
            model._base_manager.aggregate(top=Max("pk"))["top"]
            if isinstance(model._meta.pk, models.IntegerField)
            else None,
        )
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def test_demo_reports_each_step_with_counts_on_plain_lines(demo_output):
    # Given the demo ran with its output going to a file, not a terminal
    # Then every step has one plain line with its final count, and the login
    assert "\r" not in demo_output
    for label, total in [
        ("Stores", 8),
        ("Products", 80),
        ("Stock", 640),
        ("Members", 30),
        ("Articles", 12),
        ("Sales", 2000),
    ]:
        assert re.search(rf"^{label}\s+{total}/{total}", demo_output, re.M), label
    assert "Demo content loaded." in demo_output
    assert "http://127.0.0.1:8000/admin/" in demo_output
    assert ADMIN_EMAIL in demo_output and ADMIN_PASSWORD in demo_output


def test_demo_creates_french_stores_with_addresses_and_hours(demo_output):
    stores = list(Store.objects.all())
    assert len(stores) >= 8
    assert {"Lyon Part-Dieu", "Strasbourg Étoile"} <= {s.name for s in stores}
    for store in stores:
        assert re.fullmatch(r"\d{5}", store.postcode)
        assert store.address and store.city
        assert "Lundi" in store.opening_hours


def test_demo_creates_80_products_in_8_categories_each_with_a_picture(demo_output):
    products = list(Product.objects.prefetch_related("tags").select_related("image"))
    assert len(products) == 80
    categories = {tag.name for product in products for tag in product.tags.all()}
    assert categories == {
        "outillage",
        "jardin",
        "arrosage",
        "plantes",
        "peinture",
        "électricité",
        "plomberie",
        "rangement",
    }
    for product in products:
        assert re.fullmatch(r"[A-Z]{3}-\d{5}", product.sku)
        assert product.price_cents > 0
        assert product.description.count(". ") >= 1  # two sentences at least
        assert product.image is not None
        assert product.image.width == 800 and product.image.collection.name == (
            "Produits"
        )
        assert product.image.file.storage.exists(product.image.file.name)
    assert Product.objects.get(sku="JAR-00012").name == (
        "Sécateur de jardin à lames franches"
    )


def test_demo_stocks_every_product_in_every_store_with_some_shortages(demo_output):
    assert StockLevel.objects.count() == 80 * 8
    assert StockLevel.objects.filter(quantity=0).exists()
    assert StockLevel.objects.filter(quantity__gt=0).count() > 500


def test_demo_publishes_12_articles_that_use_every_block(demo_output):
    articles = list(ArticlePage.objects.live().prefetch_related("tags"))
    assert len(articles) == 12
    for article in articles:
        assert {block.block_type for block in article.body} == BLOCK_TYPES
        assert article.author_name
        assert article.tags.exists()
        assert article.cover_image is not None
        assert article.get_latest_revision() is not None
        product_cards = [b for b in article.body if b.block_type == "product_card"]
        assert all(card.value["product"] is not None for card in product_cards)
    months = {(a.date.year, a.date.month) for a in articles}
    assert len(months) >= 4, "dates spread over several months"
    assert max(a.date for a in articles) < dt.date.today()


def test_demo_home_page_features_articles_and_products(demo_output, client):
    home = HomePage.objects.get()
    assert home.featured_articles.count() >= 3
    assert home.featured_products.count() >= 4
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Préparer son jardin pour l&#x27;hiver" in page
    assert "Composteur bois 600 L" in page


def test_demo_article_page_renders_its_blocks(demo_output, client):
    article = ArticlePage.objects.get(slug="repeindre-une-chambre-en-un-week-end")
    response = client.get(article.url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Samedi matin : préparer" in page
    assert "Ruban de masquage 50 m" in page  # a product card
    assert "Alice, peintre en bâtiment" in page  # the quote


def test_demo_members_have_verified_addresses_and_can_log_in(demo_output, client):
    members = get_user_model().objects.filter(email__endswith="@exemple.fr")
    assert members.count() == 30
    assert members.exclude(loyalty_card_number=None).count() == 30
    assert members.exclude(home_store=None).count() == 30
    assert members.exclude(bio="").count() >= 10
    assert (
        EmailAddress.objects.filter(
            user__in=members, verified=True, primary=True
        ).count()
        == 30
    )
    assert client.login(email="camille.martin@exemple.fr", password=MEMBER_PASSWORD)


def test_demo_admin_can_open_the_wagtail_admin(demo_output, client):
    assert client.login(email=ADMIN_EMAIL, password=ADMIN_PASSWORD)
    response = client.get("/admin/")
    assert response.status_code == 200


def test_demo_sales_come_through_the_ingest_service(demo_output):
    events = SaleEvent.objects.all()
    assert events.count() == 2000
    assert events.filter(client__name="demo-caisses").count() == 2000
    assert events.exclude(ingest_batch=None).values("ingest_batch").distinct().count()
    assert events.filter(channel="store").count() > 1000
    assert events.filter(channel="online").count() > 300
    refunds = events.filter(kind="refund")
    assert 50 <= refunds.count() <= 150
    sale_ids = set(events.filter(kind="sale").values_list("external_id", flat=True))
    assert set(refunds.values_list("refund_of", flat=True)) <= sale_ids
    assert events.exclude(member=None).count() > 1000
    assert events.filter(customer_ref__contains="@").exclude(member=None).exists()
    oldest = events.order_by("occurred_at").first().occurred_at
    assert (dt.datetime.now(dt.UTC) - oldest).days <= 184


def test_second_run_changes_nothing_and_prints_the_login_again(demo_output):
    # Given the demo is loaded
    before = _snapshot()
    out = StringIO()
    # When it runs again
    call_command("demo", "--quiet", stdout=out)
    # Then no table gains or loses a row, and the login is printed anyway
    assert _snapshot() == before
    assert "Demo content already loaded; nothing changed." in out.getvalue()
    assert ADMIN_PASSWORD in out.getvalue()


def test_interrupted_run_is_completed_without_duplicates(demo_output):
    # Given a run that stopped before its last step (the admin is made last)
    get_user_model().objects.filter(email=ADMIN_EMAIL).delete()
    before = _snapshot()
    # When the demo runs again
    out = StringIO()
    call_command("demo", "--quiet", stdout=out)
    # Then only the admin and its address are added back
    after = _snapshot()
    changed = {label for label in before if before[label] != after[label]}
    assert changed <= {"members.User", "account.EmailAddress"}
    assert after["members.User"][0] == before["members.User"][0] + 1
    assert "Demo content loaded." in out.getvalue()
    assert "Products" not in out.getvalue(), "--quiet prints no progress"


def test_negative_sales_count_is_refused_with_a_message():
    with pytest.raises(CommandError, match="cannot be negative"):
        call_command("demo", "--sales", "-1", stdout=StringIO())


class _Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_redraws_one_line_per_step_on_a_terminal():
    out = _Terminal()
    step = Progress(out).step("Products", 3)
    for _ in range(3):
        step.advance()
    step.done()
    text = out.getvalue()
    assert text.count("\r") == 4 and text.count("\n") == 1
    assert text.rstrip().endswith("Products         3/3\033[K")


def test_sale_rows_are_the_same_on_every_run():
    today = dt.date(2026, 6, 15)
    rows = sale_rows(300, today=today)
    assert rows == sale_rows(300, today=today)
    assert len({row["id"] for row in rows}) == 300
    sales = {row["id"] for row in rows if row["type"] == "sale"}
    assert all(row["refund_of"] in sales for row in rows if row["type"] == "refund")
    assert all(row["occurred_at"] < "2026-06-15" for row in rows)


def _readme_demo_accounts() -> list[tuple[str, str]]:
    """(e-mail, password) of every account the README's demo table names."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    table = readme.split("Demo accounts", 1)[1].split("\n\n", 2)[1]
    accounts = []
    for row in table.splitlines()[2:]:
        password = row.strip().strip("|").split("|")[-1].strip().strip("`")
        emails = re.findall(r"`([^`@]+@[^`]+)`", row)
        accounts += [(email, password) for email in emails]
    return accounts


def test_every_demo_account_in_the_readme_logs_in_through_the_login_form(
    demo_output, client
):
    accounts = _readme_demo_accounts()
    assert {email for email, _ in accounts} >= {
        ADMIN_EMAIL,
        "moderation@comptoir.example",
        "recompenses@comptoir.example",
        "camille.martin@exemple.fr",
    }
    for email, password in accounts:
        # The site's own form, as a person logs in: allauth refuses an address
        # that is not verified, which `client.login` would not notice.
        response = client.post(
            "/accounts/login/", {"login": email, "password": password}
        )
        assert response.status_code == 302, email
        assert response["Location"] == "/me/", email
        assert client.session["_auth_user_id"], email
        client.logout()
