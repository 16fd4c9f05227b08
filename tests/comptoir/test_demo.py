"""`manage.py demo`: the content `make run` shows, loaded once and only once."""

import datetime as dt
import re
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import models, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.html import escape
from modelsearch.backends import get_search_backend

from community.forum.models import (
    ForumCategory,
    ForumSettings,
    Post,
    PostLike,
    PostMention,
    Topic,
    TopicAction,
    TopicRead,
    Watch,
    WhoMayStart,
)
from community.forum.services import ForumRefused, post_reply
from community.ideas.lifecycle import ALLOWED_MOVES, ideas_refresh
from community.ideas.models import (
    BASIS_POINTS,
    PUBLIC_STATES,
    SUPPORT_HOLDING_STATES,
    Idea,
    IdeaComment,
    IdeaOriginator,
    IdeasSettings,
    IdeaState,
    IdeaSupport,
)
from community.moderation.models import ModerationStatus, QueueEntry
from community.moderation.services import user_can_moderate
from community.notifications.models import Notification
from comptoir.demo import reservations as demo_reservations
from comptoir.demo.ideas import BOARD_EMAIL, LAUNCHED_SKU, STAGES, SUPPORT_BUDGET
from comptoir.demo.members import ADMIN_EMAIL, ADMIN_PASSWORD, MEMBER_PASSWORD
from comptoir.demo.reservations import SALE_PREFIX, STAFF, STAFF_PASSWORD
from comptoir.demo.sales import sale_rows
from comptoir.progress import Progress
from editorial.models import ArticlePage, HomePage
from marketplace.catalog.models import Product, StockLevel, Store
from marketplace.reservations.models import (
    OPEN_STATUSES,
    Reservation,
    ReservationsSettings,
    ReservationStatus,
)
from marketplace.reservations.selectors import free_units, pickup_code_display
from marketplace.reservations.services import reservations_refresh
from marketplace.sales.models import SaleEvent
from marketplace.sales.selectors import sale_events_of_customer
from rewards.models import Entry, LedgerTransaction, ProductOriginator

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
    # The six months of sales, plus the till tickets that collected reservations.
    till = sum(1 for spec in demo_reservations.RESERVATIONS if spec.by_till)
    assert events.filter(external_id__startswith=SALE_PREFIX).count() == till
    assert events.count() == 2000 + till
    assert events.filter(client__name="demo-caisses").count() == 2000 + till
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


# --- Product ideas (comptoir/demo/ideas.py): every state, a consistent past --


def test_demo_has_about_forty_ideas_in_every_state(demo_output):
    states = Counter(Idea.objects.values_list("state", flat=True))
    assert 38 <= sum(states.values()) <= 45
    assert set(states) == set(IdeaState.values)
    open_stages = Counter(
        Idea.objects.filter(state=IdeaState.OPEN).values_list("stage", flat=True)
    )
    assert set(open_stages) == set(range(len(STAGES)))
    assert "Ideas" in demo_output


def test_every_count_matches_its_rows_and_closed_ideas_gave_supports_back(
    demo_output,
):
    ideas = Idea.objects.annotate(
        rows=Count("supports", distinct=True),
        held=Count("supports", filter=Q(supports__released_at=None), distinct=True),
        published=Count(
            "comments",
            filter=Q(comments__status=ModerationStatus.PUBLISHED),
            distinct=True,
        ),
    )
    for idea in ideas:
        assert idea.supporter_count == idea.rows, idea
        assert idea.comment_count == idea.published, idea
        expected = idea.rows if idea.state in SUPPORT_HOLDING_STATES else 0
        assert idea.held == expected, idea
    assert IdeaSupport.objects.count() > 200


def test_no_member_is_over_budget_or_supports_an_idea_of_their_own(
    demo_output,
):
    held = Counter(
        IdeaSupport.objects.filter(released_at=None).values_list("member", flat=True)
    )
    assert held and max(held.values()) <= SUPPORT_BUDGET
    assert IdeasSettings.load().support_budget == SUPPORT_BUDGET
    for support in IdeaSupport.objects.select_related("idea", "member"):
        originators = set(
            IdeaOriginator.objects.filter(idea=support.idea).values_list(
                "member", flat=True
            )
        )
        assert support.member_id not in originators | {support.idea.author_id}
        assert support.member.date_joined < support.created_at
        assert support.idea.opened_at <= support.created_at


def test_each_history_step_is_allowed_and_ends_in_the_idea_state(
    demo_output,
):
    for idea in Idea.objects.prefetch_related("history"):
        steps = list(idea.history.all())
        if idea.state == IdeaState.DRAFT:
            assert steps == []
            continue
        assert steps[-1].to_state == idea.state, idea
        state = IdeaState.DRAFT
        for step in steps:
            assert step.from_state == state, idea
            # A stage reached is an open → open step of the history.
            assert step.to_state in ALLOWED_MOVES[state] or (
                state == step.to_state == IdeaState.OPEN
            ), (idea, step)
            state = step.to_state
        times = [step.created_at for step in steps]
        assert times == sorted(times), idea
    declined = Idea.objects.filter(state=IdeaState.DECLINED)
    assert declined.count() >= 3
    for idea in declined:
        decision = idea.history.get(to_state=IdeaState.DECLINED)
        assert decision.by is not None and len(decision.reason) > 40


def test_the_daily_refresh_finds_nothing_to_move(demo_output):
    # Given the demo's open ideas, each inside its stage's deadline
    # When the daily pass runs now
    with transaction.atomic():
        counts = ideas_refresh()
        transaction.set_rollback(True)
    # Then no idea was due to advance, go to review or expire
    assert counts["advanced"] == counts["in_review"] == counts["expired"] == 0
    settings = IdeasSettings.load()
    assert settings.stages() == list(STAGES)
    assert settings.next_review_board > dt.date.today()


def test_merged_pair_redirects_and_names_the_duplicates_author(
    demo_output,
    client,
):
    duplicate = Idea.objects.get(state=IdeaState.MERGED)
    original = duplicate.merged_into
    assert original.is_public and duplicate.supporter_count == 0
    merge = duplicate.history.get(to_state=IdeaState.MERGED)
    assert user_can_moderate(merge.by) and original.title in merge.reason
    assert IdeaOriginator.objects.filter(
        idea=original, member=duplicate.author, accepted_at__isnull=False
    ).exists()
    response = client.get(duplicate.get_absolute_url())
    assert response.status_code in (301, 302)
    assert response["Location"].endswith(original.get_absolute_url())


def test_an_idea_came_from_a_disappointed_review(demo_output):
    idea = Idea.objects.select_related("from_review").get(from_review__isnull=False)
    assert idea.from_review.rating <= 3
    assert idea.from_review.author_id == idea.author_id
    assert idea.from_review.created_at < idea.created_at
    assert idea.from_review.product.name in idea.title


def test_originators_shares_add_up_and_one_invitation_waits(
    demo_output,
):
    for idea in Idea.objects.exclude(state=IdeaState.DRAFT):
        shares = idea.originators.values_list("share_bp", flat=True)
        assert sum(shares) == BASIS_POINTS, idea
        if idea.shares_frozen_at is not None:
            assert not idea.originators.filter(accepted_at=None).exists()
    assert IdeaOriginator.objects.filter(accepted_at=None).exists()
    assert (
        IdeaOriginator.objects.values("idea").annotate(n=Count("pk")).filter(n__gt=1)
    ).count() >= 4


def test_launched_idea_pays_its_originators_through_the_ledger(
    demo_output,
    client,
):
    idea = Idea.objects.select_related("product").get(state=IdeaState.LAUNCHED)
    assert idea.product.sku == LAUNCHED_SKU
    shares = dict(idea.originators.values_list("member", "share_bp"))
    assert len(shares) == 2
    named = dict(
        ProductOriginator.objects.filter(origin__product=idea.product).values_list(
            "member", "share_bp"
        )
    )
    assert named == shares
    # The closed months paid both originators a share of the product's sales.
    paid = Counter()
    for entry in Entry.objects.filter(
        transaction__kind=LedgerTransaction.Kind.ORIGINATOR,
        transaction__product=idea.product,
        account__member__in=list(shares),
    ).select_related("account"):
        paid[entry.account.member_id] += entry.amount_cents
    assert set(paid) == set(shares) and min(paid.values()) > 0
    # And the co-originator reads it in their wallet.
    member = get_user_model().objects.get(pk=min(shares, key=shares.get))
    client.force_login(member)
    wallet = client.get("/me/wallet/")
    assert wallet.status_code == 200
    assert idea.product.name in wallet.content.decode()
    # Both were told when it went on sale.
    assert Notification.objects.filter(
        recipient__in=list(shares), kind="idea_launched"
    ).count() == len(shares)


def test_todays_ideas_and_comments_wait_in_the_moderation_queue(
    demo_output,
):
    waiting = QueueEntry.objects.filter(closed_at=None)
    ideas = Idea.objects.filter(
        pk__in=waiting.filter(content_type__model="idea").values("object_id")
    )
    assert ideas.count() >= 3
    assert set(ideas.values_list("state", flat=True)) == {IdeaState.PENDING}
    comments = IdeaComment.objects.filter(
        pk__in=waiting.filter(content_type__model="ideacomment").values("object_id"),
        status=ModerationStatus.PENDING,
    )
    assert comments.count() >= 2
    assert Idea.objects.filter(status=ModerationStatus.REJECTED).exists()
    assert Idea.objects.filter(photos__isnull=False).distinct().count() >= 3


def test_public_idea_pages_and_the_list_answer(demo_output, client):
    listing = client.get("/ideas/")
    assert listing.status_code == 200
    ideas = Idea.objects.filter(
        status=ModerationStatus.PUBLISHED,
        state__in=PUBLIC_STATES - {IdeaState.MERGED},
    )
    assert ideas.count() >= 30
    for idea in ideas:
        response = client.get(idea.get_absolute_url())
        assert response.status_code == 200, idea


def test_the_review_board_account_signs_decisions_and_opens_the_admin(
    demo_output,
    client,
):
    board = get_user_model().objects.get(email=BOARD_EMAIL)
    assert board.has_perm("ideas.decide_ideas")
    assert (
        Idea.objects.filter(history__by=board, history__to_state=IdeaState.ACCEPTED)
        .distinct()
        .count()
        >= 4
    )
    response = client.post(
        "/accounts/login/", {"login": BOARD_EMAIL, "password": MEMBER_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


# --- Reservations (comptoir/demo/reservations.py): every state, two desks -------


def test_demo_has_reservations_in_every_state_at_several_stores(demo_output):
    reservations = Reservation.objects.all()
    assert set(reservations.values_list("status", flat=True)) == set(
        ReservationStatus.values
    )
    assert reservations.values("store").distinct().count() >= 4
    total = len(demo_reservations.RESERVATIONS)
    assert re.search(rf"^Reservations\s+{total}/{total}", demo_output, re.M)
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    assert reservations.filter(
        status=ReservationStatus.CONFIRMED, pickup_day=tomorrow
    ).exists()
    # Ended ones say when; those released were past their day and grace days.
    grace = ReservationsSettings.load().grace_days
    for reservation in reservations.exclude(status__in=OPEN_STATUSES):
        assert reservation.ended_at is not None, reservation
    for reservation in reservations.filter(status=ReservationStatus.RELEASED):
        assert reservation.release_day(grace) < today, reservation
    # Nothing is left for today's daily pass to release.
    with transaction.atomic():
        assert reservations_refresh()["released"] == 0
        transaction.set_rollback(True)


def test_the_demo_member_has_a_reservation_ready_for_today(demo_output, client):
    member = get_user_model().objects.get(email="camille.martin@exemple.fr")
    ready = Reservation.objects.select_related("product", "store").get(
        member=member, status=ReservationStatus.READY
    )
    assert ready.pickup_day == timezone.localdate()
    assert ready.ready_by is not None
    assert ready.ready_by in ready.store.staff.all()
    # Its units are held: the store shows one fewer free.
    on_hand = StockLevel.objects.get(product=ready.product, store=ready.store)
    assert free_units(product=ready.product, store=ready.store) == max(
        on_hand.quantity - ready.quantity, 0
    )
    # The member was told in the app, and reads it on their page.
    assert Notification.objects.filter(
        recipient=member, kind="reservation_ready", read_at=None
    ).exists()
    client.force_login(member)
    page = client.get(ready.get_absolute_url())
    assert page.status_code == 200
    assert pickup_code_display(ready.code) in page.content.decode()
    assert ready.product.name in page.content.decode()


def test_collected_reservations_have_their_sale_or_their_desk_hand_over(
    demo_output,
):
    collected = Reservation.objects.filter(
        status=ReservationStatus.COLLECTED
    ).select_related("sale_event", "member")
    by_till = [r for r in collected if r.sale_event is not None]
    assert len(by_till) == sum(
        1 for spec in demo_reservations.RESERVATIONS if spec.by_till
    )
    for reservation in by_till:
        sale = reservation.sale_event
        assert sale.external_id.startswith(SALE_PREFIX)
        assert sale.member_id == reservation.member_id  # by the loyalty card
        assert (sale.product_id, sale.store_id) == (
            reservation.product_id,
            reservation.store_id,
        )
        assert sale.quantity == reservation.quantity
    at_desk = [r for r in collected if r.sale_event is None]
    assert at_desk and all(r.collected_by is not None for r in at_desk)


def test_each_staff_account_works_its_own_stores_desk_only(demo_output, client):
    for email, _name, code in STAFF:
        store = Store.objects.get(code=code)
        account = get_user_model().objects.get(email=email)
        assert list(account.staffed_stores.all()) == [store]
        assert account.groups.filter(name=demo_reservations.STAFF_GROUP).exists()
        response = client.post(
            "/accounts/login/", {"login": email, "password": STAFF_PASSWORD}
        )
        assert response.status_code == 302, email
        # The desk menu sends them straight to their one store.
        desk = client.get("/admin/desk/", follow=True)
        assert desk.status_code == 200, email
        assert desk.redirect_chain[-1][0] == f"/admin/desk/{code}/"
        shown = desk.content.decode()
        ready = Reservation.objects.filter(
            store=store, status=ReservationStatus.READY
        ).select_related("product", "member")
        assert ready.exists()
        for reservation in ready:
            assert escape(reservation.product.name) in shown
        # Every other store's desk is not found for them.
        for other in Store.objects.exclude(pk=store.pk):
            assert client.get(f"/admin/desk/{other.code}/").status_code == 404
        client.logout()


# --- Product photographs (comptoir/demo/photos.py) ------------------------------


def _demo_gallery(product) -> list:
    return [product.image] + [
        extra.image for extra in product.gallery_images.order_by("sort_order")
    ]


def test_demo_products_have_two_or_three_photographs_of_their_own(demo_output):
    import hashlib

    products = list(
        Product.objects.select_related("image").prefetch_related(
            "gallery_images__image"
        )
    )
    sizes = Counter()
    seen: dict[str, str] = {}
    for product in products:
        pictures = _demo_gallery(product)
        sizes[len(pictures)] += 1
        for picture in pictures:
            assert (picture.width, picture.height) == (800, 600)
            assert picture.collection.name == "Produits"
            with picture.file.open("rb") as file:
                digest = hashlib.sha256(file.read()).hexdigest()
            # No picture is another's: each product has its own colour and side.
            assert digest not in seen, (product.sku, seen.get(digest))
            seen[digest] = product.sku
        for extra in product.gallery_images.all():
            assert extra.alt.startswith(product.name)
    assert set(sizes) == {2, 3}


def test_demo_photographs_are_shaded_scenes_without_a_caption(demo_output):
    from PIL import Image as PILImage
    from PIL import ImageStat

    for product in Product.objects.filter(sku__in=["OUT-00001", "ARR-00028"]):
        for picture in _demo_gallery(product):
            with picture.file.open("rb") as file:
                image = PILImage.open(file).convert("RGB")
                image.load()
            # Gradients, light and shadow: thousands of colours, not a flat icon.
            assert (
                image.getcolors(1 << 20) is None or len(image.getcolors(1 << 20)) > 5000
            )
            # The old drawings ended in a white band holding the product's name.
            band = ImageStat.Stat(image.crop((0, 450, 800, 600)))
            assert not (min(band.mean) > 245 and max(band.stddev) < 12)


def test_demo_product_page_shows_its_gallery(demo_output, client):
    response = client.get("/p/OUT-00001/", follow=True)
    html = response.content.decode()

    assert html.count('class="gallery-thumb"') == 3
    assert "vue rapprochée" in html
    assert "catalog/gallery.js" in html


def test_photographs_are_drawn_once_then_read_back(monkeypatch, tmp_path):
    from comptoir.demo import photos

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    drawn = []

    def render():
        drawn.append(1)
        return photos.photo_render(
            shape="drop", colour=(46, 117, 182), shot="studio", variant=3
        )

    first = photos.cached_jpeg("test:drop:3", render)
    second = photos.cached_jpeg("test:drop:3", render)

    assert first == second and first[:2] == b"\xff\xd8"  # a JPEG
    assert drawn == [1]
    assert list((tmp_path / "comptoir" / "demo-photos").glob("*/*.jpg"))


def test_photographs_are_drawn_even_without_a_writable_cache(monkeypatch, tmp_path):
    from comptoir.demo import photos

    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))

    content = photos.cached_jpeg(
        "test:box:1",
        lambda: photos.photo_render(
            shape="box", colour=(120, 92, 70), shot="in-situ", variant=1
        ),
    )

    assert content[:2] == b"\xff\xd8"


def test_every_category_has_its_own_object_in_three_shots():
    from io import BytesIO

    from PIL import Image as PILImage

    from comptoir.demo import photos
    from comptoir.demo.catalog_data import CATEGORIES

    shapes = {category["shape"] for category in CATEGORIES}
    assert shapes <= set(photos.OBJECTS)
    objects = {shape: photos.object_image(shape, (120, 120, 120)) for shape in shapes}
    # Every object is drawn, and no two categories share one.
    assert all(obj.getchannel("A").getbbox() for obj in objects.values())
    assert len({obj.tobytes() for obj in objects.values()}) == len(shapes)
    for shot in photos.SHOTS:
        data = photos.photo_render(
            shape="leaf", colour=(74, 124, 58), shot=shot, variant=0
        )
        assert PILImage.open(BytesIO(data)).size == (photos.WIDTH, photos.HEIGHT)


def test_article_pictures_carry_no_words_under_the_shape():
    # The page prints the title beside the picture: a caption drawn into it was
    # read twice by sighted readers and never by screen readers.
    from io import BytesIO

    from PIL import Image, ImageStat

    from comptoir.demo.images import picture_render

    image = Image.open(BytesIO(picture_render(colour=(60, 110, 70), shape="leaf")))
    assert image.size == (800, 600)
    bottom = ImageStat.Stat(image.convert("RGB").crop((0, 450, 800, 600)))
    # no white caption band: the bottom is the picture's own colours
    assert max(bottom.mean) < 200


# --- The forum ---------------------------------------------------------------------


def _published_topics():
    return Topic.objects.filter(status=ModerationStatus.PUBLISHED)


def test_demo_forum_has_five_categories_and_about_eighty_topics(demo_output):
    # Then the garden and DIY chain's five categories hold about eighty topics
    categories = {c.slug: c for c in ForumCategory.objects.all()}
    assert set(categories) == {
        "jardinage",
        "potager",
        "outillage",
        "bricolage",
        "actualites",
    }
    assert all(c.description and c.colour.startswith("#") for c in categories.values())
    assert _published_topics().count() >= 75
    # each category's kept counts match its rows
    for category in categories.values():
        topics = _published_topics().filter(category=category)
        assert category.topic_count == topics.count() > 0
        posts = Post.objects.filter(topic__in=topics, status=ModerationStatus.PUBLISHED)
        assert category.post_count == posts.count()
    # only the staff start topics in the shop's news
    news = categories["actualites"]
    assert news.who_may_start == WhoMayStart.STAFF
    assert all(topic.author.is_staff for topic in news.topics.all())
    assert re.search(r"^Forum\s+80/80", demo_output, re.M)


def test_demo_forum_pins_the_rules_and_closes_the_seed_swap(demo_output):
    pinned = _published_topics().get(is_pinned=True)
    assert pinned.title.startswith("Bienvenue")
    closed = _published_topics().get(is_closed=True)
    assert TopicAction.objects.filter(
        topic=closed, kind=TopicAction.Kind.CLOSED, by__is_staff=True
    ).exists()
    # When a member (not a moderator) tries to reply to it, they are told why
    member = get_user_model().objects.get(email="jules.moreau@exemple.fr")
    with pytest.raises(ForumRefused, match="closed|fermé"):
        post_reply(author=member, topic=closed, body="Encore une graine ?")
    assert not closed.posts.filter(author=member, body__contains="Encore").exists()


def test_demo_product_questions_are_answered_by_verified_owners(demo_output):
    questions = _published_topics().filter(product__isnull=False)
    assert questions.count() >= 12
    answered = questions.filter(accepted_post__isnull=False).select_related(
        "accepted_post__author", "product"
    )
    assert answered.count() >= 12
    for topic in answered:
        answer = topic.accepted_post
        # the answer carries the badge, and its author really bought the product
        assert answer.by_verified_owner and answer.number > 1
        assert answer.author != topic.author
        assert (
            sale_events_of_customer(member=answer.author)
            .filter(product=topic.product, kind=SaleEvent.Kind.SALE)
            .exists()
        )
        # the asker marked it
        assert TopicAction.objects.filter(
            topic=topic, kind=TopicAction.Kind.ACCEPTED, by=topic.author
        ).exists()


def test_demo_product_page_and_search_show_forum_topics(demo_output, client):
    question = (
        _published_topics()
        .filter(product__isnull=False, accepted_post__isnull=False)
        .select_related("product")
        .first()
    )
    page = client.get(question.product.get_absolute_url()).content.decode()
    assert escape(question.title) in page
    # topics are in the search index (demo/search.py indexes them in one pass)
    indexed = get_search_backend().search("rosiers grimpants", _published_topics())
    assert "Quand tailler mes rosiers grimpants ?" in [t.title for t in indexed]
    # a reply's words find its topic in the site search
    found = client.get("/search/", {"q": "palisse"}).content.decode()
    assert escape("Quand tailler mes rosiers grimpants ?") in found
    for url in ["/forum/", "/forum/c/potager/", question.get_absolute_url()]:
        assert client.get(url).status_code == 200, url


def test_demo_forum_has_a_topic_long_enough_to_page_through(demo_output, client):
    per_page = ForumSettings.load().posts_per_page
    long = _published_topics().order_by("-last_number").first()
    assert long.post_count > 3 * per_page
    # Its last page answers with its last post
    last_page = -(-long.last_number // per_page)
    page = client.get(long.get_absolute_url(), {"page": last_page})
    assert page.status_code == 200
    assert f'id="post-{long.last_number}"' in page.content.decode()
    # Its replies are written from varied parts, not one line repeated
    bodies = list(long.posts.values_list("body", flat=True))
    assert len(set(bodies)) >= 0.95 * len(bodies)
    assert len({body.split(" ", 2)[1] for body in bodies}) >= 5
    assert len({author for author in long.posts.values_list("author", flat=True)}) >= 8


def test_demo_forum_timeline_holds_together(demo_output):
    # Every post was published when written, and a topic's posts follow each other
    posts = Post.objects.filter(status=ModerationStatus.PUBLISHED)
    assert not posts.exclude(published_at=models.F("created_at")).exists()
    last = {}
    for post in posts.order_by("topic_id", "number"):
        if post.topic_id in last:
            assert post.created_at > last[post.topic_id], post
        last[post.topic_id] = post.created_at
        assert post.created_at >= post.author.date_joined or post.author.is_staff
    # today's posts of newer members wait for a moderator, after all the others
    waiting = Post.objects.filter(status=ModerationStatus.PENDING)
    assert waiting.count() >= 2
    assert all(post.author.trust_level < 2 for post in waiting)
    queued = QueueEntry.objects.filter(closed_at=None, content_type__app_label="forum")
    assert queued.count() >= 2
    newest = posts.aggregate(top=Max("created_at"))["top"]
    assert all(post.created_at > newest for post in waiting)


def test_demo_forum_likes_respect_the_rules(demo_output):
    likes = PostLike.objects.select_related("post", "member")
    assert likes.count() >= 300
    assert not likes.filter(post__author=models.F("member")).exists()
    limit = ForumSettings.load().likes_per_day_new
    by_member: dict[int, list] = {}
    for like in likes:
        by_member.setdefault(like.member_id, []).append(like.created_at)
    for moments in by_member.values():
        moments.sort()
        for index, moment in enumerate(moments):
            within = [m for m in moments[index:] if m - moment < dt.timedelta(days=1)]
            assert len(within) <= limit
    # the kept counts match the rows
    assert all(
        post.like_count == post.likes.count()
        for post in Post.objects.filter(like_count__gt=0)[:50]
    )


def test_demo_forum_mentions_notify_the_members_named(demo_output):
    mentions = PostMention.objects.select_related("post", "member")
    assert mentions.count() >= 10
    for mention in mentions:
        assert f"@{mention.member.slug}" in mention.post.body
    notified = Notification.objects.filter(kind="forum_mention")
    assert notified.count() == mentions.count()
    assert notified.filter(title__contains="vous a mentionné").exists()
    # the older ones were read, the latest wait in the header
    assert notified.filter(read_at=None).count() < notified.count()


def test_the_demo_member_follows_the_forum(demo_output, client):
    member = get_user_model().objects.get(email="camille.martin@exemple.fr")
    assert Watch.objects.filter(member=member, category__slug="potager").exists()
    assert Watch.objects.filter(member=member, topic__isnull=False).count() >= 5
    assert TopicRead.objects.filter(member=member).count() >= 40
    # When she opens a category, some topics are marked new to her
    client.force_login(member)
    page = client.get("/forum/c/potager/").content.decode()
    assert "forum-new" in page


# --- Second-hand (comptoir/demo/resale.py): listings, hand-offs, money, DAC7 ------


def _resale():
    """The resale models, imported here: the app is younger than this file."""
    from marketplace.resale import models as resale_models

    return resale_models


def test_demo_has_about_sixty_listings_in_every_state(demo_output):
    resale = _resale()
    listings = resale.Listing.objects.all()
    assert listings.count() >= 55
    states = set(listings.values_list("state", flat=True))
    assert states == set(resale.ListingState.values)
    assert re.search(r"^Second-hand\s+(\d+)/\1", demo_output, re.M)
    # across the demo stores
    stores = Store.objects.filter(resale_listings__isnull=False).distinct()
    assert stores.count() >= 6
    # every state change was an allowed one, and the history ends in the state
    for listing in listings.prefetch_related("history"):
        history = list(listing.history.all())
        for change in history:
            assert (change.from_state, change.to_state) in resale.ALLOWED_MOVES
        if history:
            assert history[-1].to_state == listing.state, listing
    # refused ones name the prohibited thing, pending ones wait in the queue
    for listing in listings.filter(state=resale.ListingState.REJECTED):
        assert listing.refusal_reasons, listing
        assert set(listing.refusal_reasons) <= {
            "counterfeit",
            "hazardous",
            "recalled",
            "weapon",
        }
    pending = listings.filter(state=resale.ListingState.PENDING)
    assert pending.exists()
    waiting = QueueEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(resale.Listing),
        object_id__in=pending.values("pk"),
        closed_at__isnull=True,
    )
    assert waiting.count() == pending.count()


def test_demo_listing_pages_show_photos_and_the_verified_owner(demo_output, client):
    resale = _resale()
    verified = resale.Listing.objects.filter(
        purchase__isnull=False, state=resale.ListingState.PUBLISHED
    ).select_related("purchase", "seller")
    assert verified.count() >= 3
    for listing in verified:
        assert listing.purchase.member_id == listing.seller_id
        assert listing.purchase.product_id == listing.product_id
        assert listing.purchase.kind == SaleEvent.Kind.SALE
        assert listing.purchase.occurred_at < listing.created_at
    photos = Counter(resale.ListingPhoto.objects.values_list("listing_id", flat=True))
    assert set(photos.values()) <= {1, 2, 3}
    assert sum(1 for n in photos.values() if n > 1) >= 5
    assert len(photos) == resale.Listing.objects.count()
    listing = verified.first()
    page = client.get(listing.get_absolute_url())
    assert page.status_code == 200
    assert escape(listing.title) in page.content.decode()
    assert "verified-owner" in page.content.decode()
    listed = client.get("/resale/")
    assert listed.status_code == 200
    assert escape(listing.title) in listed.content.decode()


def test_a_demo_hand_off_is_due_today_at_lyon_part_dieu(demo_output, client):
    resale = _resale()
    today = timezone.localdate()
    handoff = resale.Handoff.objects.select_related("listing", "buyer").get(
        status=resale.HandoffStatus.RESERVED, day=today, store__code="lyon-part-dieu"
    )
    assert handoff.listing.state == resale.ListingState.RESERVED
    assert handoff.offer is not None  # an accepted offer, at its amount
    assert handoff.offer.status == resale.OfferStatus.ACCEPTED
    assert handoff.price_cents == handoff.offer.amount_cents
    assert handoff.lapses_at > timezone.now()
    assert handoff.buyer.email == "camille.martin@exemple.fr"
    # The Lyon desk shows it today.
    email = next(email for email, _name, code in STAFF if code == "lyon-part-dieu")
    client.force_login(get_user_model().objects.get(email=email))
    desk = client.get("/admin/desk/lyon-part-dieu/")
    assert desk.status_code == 200
    assert escape(handoff.listing.title) in desk.content.decode()


def test_demo_offers_and_conversations_hold_together(demo_output):
    resale = _resale()
    statuses = set(resale.Offer.objects.values_list("status", flat=True))
    assert {"open", "countered", "declined", "accepted"} <= statuses
    for offer in resale.Offer.objects.select_related("listing"):
        assert offer.amount_cents < offer.listing.price_cents
    conversations = resale.Conversation.objects.annotate(n=Count("messages"))
    assert conversations.filter(n__gte=3, n__lte=8).count() >= 4
    masked = resale.Message.objects.filter(masked=True).select_related("sender")
    assert masked.exists()
    for message in masked:
        assert message.sender.trust_level < 2
        assert "06 12" not in message.body and "•••" in message.body
    # The demo member sells something with an open offer and a conversation.
    camille = get_user_model().objects.get(email="camille.martin@exemple.fr")
    mine = resale.Listing.objects.filter(
        seller=camille, state=resale.ListingState.PUBLISHED
    )
    assert mine.filter(offers__status=resale.OfferStatus.OPEN).exists()
    assert mine.filter(conversations__isnull=False).exists()


def test_demo_sales_are_rated_and_paid_through_the_ledger(demo_output):
    resale = _resale()
    sold = resale.Listing.objects.filter(state=resale.ListingState.SOLD)
    assert sold.count() >= 10
    for listing in sold:
        handoff = listing.handoffs.get(status=resale.HandoffStatus.HANDED_OVER)
        assert handoff.paid_cents == handoff.price_cents == listing.sold_price_cents
        assert handoff.confirmed_by.staffed_stores.filter(pk=handoff.store_id)
        txn = LedgerTransaction.objects.get(idempotency_key=handoff.ledger_key)
        entries = Entry.objects.filter(transaction=txn)
        assert entries.aggregate(total=models.Sum("amount_cents"))["total"] == 0
        assert entries.filter(account__member=handoff.seller).exists()
    # One seller took store credit: a voucher, with the bonus.
    credit = resale.Handoff.objects.get(payout=resale.Payout.STORE_CREDIT)
    assert LedgerTransaction.objects.get(idempotency_key=credit.ledger_key).kind == (
        "resale_credit"
    )
    # Both sides rated most sales, published together; a lone rating waits
    # (double-blind) only while its window is open.
    ratings = resale.Rating.objects.select_related("handoff")
    both = resale.Handoff.objects.annotate(n=Count("ratings")).filter(n=2)
    assert both.count() >= 10
    assert not ratings.filter(handoff__in=both, published_at=None).exists()
    for rating in ratings.filter(published_at=None):
        assert rating.handoff.rating_closes_at > timezone.now()
        assert rating.handoff.ratings.count() == 1


def test_demo_buy_backs_one_waiting_one_credited(demo_output):
    resale = _resale()
    waiting = resale.Buyback.objects.get(status=resale.BuybackStatus.ACCEPTED)
    assert waiting.listing.state == resale.ListingState.WITHDRAWN
    credited = resale.Buyback.objects.get(status=resale.BuybackStatus.CREDITED)
    assert credited.inspected_condition != credited.declared_condition
    assert credited.inspection_reason
    assert 0 < credited.credited_cents <= credited.offered_cents
    txn = LedgerTransaction.objects.get(idempotency_key=credited.ledger_key)
    assert (
        Entry.objects.filter(transaction=txn).aggregate(
            total=models.Sum("amount_cents")
        )["total"]
        == 0
    )


def test_demo_has_a_dac7_seller_past_the_threshold_and_one_nearing_it(demo_output):
    from marketplace.resale import dac7

    resale = _resale()
    year = timezone.localdate().year
    figures = dac7.sellers_year(year=year)
    rules = resale.ResaleSettings.load()
    reportable = [f for f in figures if f.reportable]
    assert len(reportable) == 1
    assert reportable[0].sales >= rules.dac7_sales
    near = [f for f in figures if f.warned and not f.reportable]
    assert any(25 <= f.sales < rules.dac7_sales for f in near)
    seller = get_user_model().objects.get(pk=reportable[0].member_id)
    # No tax details given: the payout is refused with the reason.
    assert not resale.SellerTaxDetails.objects.filter(member=seller).exists()
    refusal = dac7.payout_refusal(seller)
    assert refusal and "DAC7" in refusal
    assert seller.email in dac7.report_csv(year=year)
    assert (
        Entry.objects.filter(
            account__member=seller, account__kind="available"
        ).aggregate(total=models.Sum("amount_cents"))["total"]
        >= 1000
    )
    from rewards.services import payout_request

    with pytest.raises(ValidationError, match="DAC7"), transaction.atomic():
        payout_request(
            member=seller, method="voucher", amount_cents=1000, request_key="dac7"
        )
    # Sold five times second-hand: the product's residual value is known.
    assert (
        resale.Listing.objects.filter(
            state=resale.ListingState.SOLD, product__sku="ARR-00027"
        ).count()
        >= 5
    )


def test_the_resale_daily_pass_finds_nothing_to_lapse_or_expire(demo_output):
    from marketplace.resale.services import resale_refresh

    with transaction.atomic():
        counts = resale_refresh()
        transaction.set_rollback(True)
    assert counts["lapsed"] == 0 and counts["expired"] == 0
