"""A new kind of member content plugs in at the declared points, editing no app.

The content is a tiny "garden tip" about a product, defined in this module only:
its model, its posting service, its templates and its registrations at the five
points of docs/architecture.md (moderated type with trust facts, product page
panel, earning pool, search section and live route, member data). Nothing outside
this file knows it exists, and yet it shows up in the moderation queue, on the
product page, in trust facts, in the monthly close, in search, over a websocket
and in the member's export.
"""

import datetime as dt

import pytest
from asgiref.sync import async_to_sync
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.testing import WebsocketCommunicator
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.urls import path, reverse
from wagtail import hooks

from community.members.member_data import (
    MEMBER_DATA_HOOK,
    MemberDataSection,
    member_data_export,
)
from community.members.models import PostingRecord
from community.members.trust import member_trust_facts, trust_settings
from community.moderation.models import (
    ModeratedContent,
    ModerationAction,
    ModerationStatus,
)
from community.moderation.posting import member_posting_check, member_posting_record
from community.moderation.registry import MODERATED_TYPE_HOOK, ModeratedType
from community.moderation.services import content_submit, moderation_decide
from comptoir.routing import WEBSOCKET_ROUTES_HOOK
from comptoir.search import SEARCH_SECTION_HOOK, SearchSection
from marketplace.catalog.panels import PRODUCT_PANEL_HOOK, ProductPanel
from rewards.pools import EARNING_POOL_HOOK, EarningPool, EarningShare, ProductShares
from rewards.selectors import statement_entries, statement_lines, wallet_summary
from rewards.services import period_close
from tests.community.moderation.conftest import moderators_group
from tests.factories import MemberFactory, ProductFactory
from tests.marketplace.catalog.conftest import use_templates
from tests.rewards.conftest import at, ingest, member_joined, sale_row

POSTING_KIND = "garden_tip"
# One worker runs the whole module, so its table is made and dropped once.
pytestmark = pytest.mark.xdist_group("plugin_points")


class GardenTip(ModeratedContent):
    """A member's short tip on using a product; other members thank its author."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField()
    thanks = models.PositiveIntegerField(default=0)

    class Meta:
        # An installed app's label, so content types resolve to the model.
        app_label = "moderation"
        db_table = "test_plugin_garden_tip"

    def __str__(self) -> str:
        return self.text[:40]


def _unregister_garden_tips() -> None:
    apps.all_models["moderation"].pop("gardentip", None)
    apps.clear_cache()


# Defining the class registered it with the app; until this module's fixture
# makes its table, no other test may see it (deleting a product would look for
# its tips in a table that does not exist).
_unregister_garden_tips()


def tip_post(*, author, product, text: str) -> GardenTip:
    """The tip app's one service: the posting rules, then moderation."""
    with transaction.atomic():
        member_posting_check(member=author, kind=POSTING_KIND, text=text)
        tip = GardenTip.objects.create(author=author, product=product, text=text)
        content_submit(content=tip)
        member_posting_record(member=author, kind=POSTING_KIND)
    return tip


def published_tips():
    return GardenTip.objects.filter(status=ModerationStatus.PUBLISHED).order_by("pk")


# --- The registrations, as the tip app's wagtail_hooks.py would write them ------


def tip_trust_facts(member) -> dict[str, int]:
    thanks = published_tips().filter(author=member).aggregate(n=models.Sum("thanks"))
    return {"helpful_votes": thanks["n"] or 0}


def tip_moderated_type():
    return ModeratedType(
        model=GardenTip,
        posting_kind=POSTING_KIND,
        names=("garden tip", "garden tips"),
        preview_template="tips/moderation_preview.html",
        rejection_reasons=(("dangerous", "Dangerous advice"),),
        trust_facts=tip_trust_facts,
    )


class TipsPanel(ProductPanel):
    name = "garden_tips"
    order = 10
    template_name = "tips/product_panel.html"

    def get_context(self, request, product):
        return {"tips": list(published_tips().filter(product=product))}

    def json_ld(self, context):
        tips = context["tips"]
        return {"comment": [{"@type": "Comment", "text": t.text} for t in tips]}


class TipsSection(SearchSection):
    key = "tips"
    label = "Garden tips"
    order = 50
    result_template = "tips/search_result.html"

    def search(self, query):
        return published_tips().filter(text__icontains=query)


class TipsPool(EarningPool):
    """1 % of a product's net to the authors of its published tips, by thanks."""

    name = "garden_tips"
    kind = "garden_tip"
    order = 500

    def rate_bp(self, programme) -> int:
        return 100

    def product_shares(self, *, programme, end, product_ids=None):
        tips = published_tips().filter(published_at__lt=end)
        if product_ids is not None:
            tips = tips.filter(product_id__in=product_ids)
        by_product: dict[int, ProductShares] = {}
        for tip in tips:
            share = EarningShare(key=tip.pk, member_id=tip.author_id, weight=tip.thanks)
            by_product.setdefault(tip.product_id, ProductShares([])).shares.append(
                share
            )
        return by_product

    def statement_text(self, entry, values: dict) -> str:
        return f"Tips on {values['product']} in {values['month']}: {values['amount']}"


class TipConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.accept()
        await self.send_json({"type": "tips.hello"})


def tip_routes():
    return [path("ws/tips/<int:product_id>/", TipConsumer.as_asgi())]


def tips_member_data():
    return MemberDataSection(
        name="garden_tips",
        label="Garden tips",
        order=90,
        export=lambda member: [
            {"text": tip.text, "status": tip.status}
            for tip in GardenTip.objects.filter(author=member).order_by("pk")
        ],
        erase=lambda member: GardenTip.objects.filter(author=member).delete()[0],
    )


TEMPLATES = {
    "tips/moderation_preview.html": '<p class="tip-preview">{{ content.text }}</p>',
    "tips/product_panel.html": (
        '<section class="garden-tips"><h2>Garden tips</h2>'
        "{% for tip in tips %}<p>{{ tip.text }}</p>{% endfor %}</section>"
    ),
    "tips/search_result.html": "<p>{{ item.text }}</p>",
}


@pytest.fixture(scope="module")
def garden_tips_table(django_db_setup, django_db_blocker):
    apps.register_model("moderation", GardenTip)
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            editor.create_model(GardenTip)
    yield
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            editor.delete_model(GardenTip)
    _unregister_garden_tips()


@pytest.fixture
def tips_app(garden_tips_table, settings, tmp_path):
    """The tip app installed: its templates findable, its hooks registered."""
    use_templates(settings, tmp_path, TEMPLATES)
    # The tip's content type is made inside each test's transaction and rolled back
    # with it: no cached id may outlive the test.
    ContentType.objects.clear_cache()
    with hooks.register_temporarily(
        [
            (MODERATED_TYPE_HOOK, tip_moderated_type),
            (PRODUCT_PANEL_HOOK, TipsPanel),
            (SEARCH_SECTION_HOOK, TipsSection),
            (WEBSOCKET_ROUTES_HOOK, tip_routes),
            (MEMBER_DATA_HOOK, tips_member_data),
            (EARNING_POOL_HOOK, TipsPool),
        ]
    ):
        yield
    ContentType.objects.clear_cache()


@pytest.fixture
def moderator():
    user = MemberFactory(display_name="Modératrice", is_staff=True)
    user.groups.add(moderators_group())
    return user


@pytest.mark.django_db
def test_a_tip_goes_through_the_queue_then_shows_on_the_product_page_and_in_search(
    tips_app, client, moderator
):
    # given a new member's tip on a product (level 0: premoderated)
    product = ProductFactory(name="Sécateur de précision")
    newcomer = MemberFactory(trust_level=0)
    tip = tip_post(author=newcomer, product=product, text="Huilez les lames en hiver.")
    assert tip.status == ModerationStatus.PENDING

    # then it waits in the one queue, shown by its own preview, with its own reason
    client.force_login(moderator)
    queue = client.get(reverse("moderation_admin:queue")).content.decode()
    assert '<p class="tip-preview">Huilez les lames en hiver.</p>' in queue
    assert "garden tip" in queue.lower()
    assert "Dangerous advice" in queue

    # when a moderator approves it
    moderation_decide(
        moderator=moderator, entries_or_contents=[tip], action=ModerationAction.APPROVE
    )
    tip.refresh_from_db()
    assert tip.status == ModerationStatus.PUBLISHED

    # then the product page shows it in its panel and its JSON-LD
    client.logout()
    page = client.get(product.get_absolute_url()).content.decode()
    assert '<section class="garden-tips">' in page
    assert "Huilez les lames en hiver." in page
    assert '"@type":"Comment"' in page

    # and the site search finds it in its own section
    results = client.get(reverse("editorial:search"), {"q": "lames"}).content.decode()
    assert 'id="results-tips"' in results
    assert "Huilez les lames en hiver." in results


@pytest.mark.django_db
def test_an_approved_tip_counts_toward_trust_and_is_in_the_members_export(
    tips_app, moderator
):
    # given a tip approved and thanked 4 times
    author = MemberFactory(trust_level=1)
    tip = tip_post(author=author, product=ProductFactory(), text="Arrosez le soir.")
    moderation_decide(
        moderator=moderator, entries_or_contents=[tip], action=ModerationAction.APPROVE
    )
    GardenTip.objects.filter(pk=tip.pk).update(thanks=4)

    # then the trust facts count it as an approved contribution with its thanks
    facts = member_trust_facts(member=author)
    assert facts["approved"] == 1
    assert facts["helpful_votes"] == 4

    # and the member's export holds it
    export = member_data_export(member=author)
    assert export["sections"]["garden_tips"] == [
        {"text": "Arrosez le soir.", "status": "published"}
    ]


@pytest.mark.django_db
def test_the_monthly_close_pays_tip_authors_through_their_pool(tips_app, moderator):
    # given two tips on a planter, published in October, thanked 1 and 3 times
    product = ProductFactory(sku="PLANTER-9", name="Jardinière")
    authors = [member_joined(trust_level=2), member_joined(trust_level=2)]
    for author, thanks in zip(authors, [1, 3], strict=True):
        tip = tip_post(author=author, product=product, text="Paillez en été.")
        GardenTip.objects.filter(pk=tip.pk).update(
            thanks=thanks, published_at=at(2026, 10, 2)
        )
    ingest([sale_row("PLANTER-9", 100_000, at(2026, 10, 5))])

    # when October is closed: 1 % of €1,000.00 split 1:3
    period_close(month=dt.date(2026, 10, 1))

    # then each author has their part pending, explained by the pool
    assert [wallet_summary(member_id=a.pk).pending_cents for a in authors] == [
        250,
        750,
    ]
    lines = [
        line.text
        for line in statement_lines(statement_entries(member_id=authors[1].pk))
    ]
    assert lines == ["Tips on Jardinière in October 2026: €7.50"]


@pytest.mark.django_db
def test_the_posting_limits_name_the_new_kind(tips_app):
    # given a member who joined two hours ago and posted the day's tips an hour ago
    now = dt.datetime.now(dt.UTC)
    newcomer = MemberFactory(trust_level=0, date_joined=now - dt.timedelta(hours=2))
    limit = trust_settings().new_posts_per_kind_first_day
    for _ in range(limit):
        member_posting_record(member=newcomer, kind=POSTING_KIND)
    PostingRecord.objects.filter(member=newcomer).update(
        created_at=now - dt.timedelta(hours=1)
    )

    # when they post one more, the refusal names garden tips, and nothing is saved
    with pytest.raises(PermissionDenied, match=f"at most {limit} garden tips"):
        tip_post(author=newcomer, product=ProductFactory(), text="Une de plus.")
    assert not GardenTip.objects.filter(author=newcomer).exists()


@pytest.mark.django_db(transaction=True)
def test_a_tip_route_answers_through_the_real_application(garden_tips_table):
    from comptoir.asgi import application

    async def scenario():
        socket = WebsocketCommunicator(
            application, "/ws/tips/1/", headers=[(b"origin", b"http://testserver")]
        )
        connected, _ = await socket.connect()
        message = await socket.receive_json_from(timeout=5) if connected else None
        await socket.disconnect()
        return connected, message

    with hooks.register_temporarily(WEBSOCKET_ROUTES_HOOK, tip_routes):
        connected, message = async_to_sync(scenario)()
    assert connected
    assert message == {"type": "tips.hello"}
