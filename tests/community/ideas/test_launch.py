"""Launching an idea names its product's originators, and the monthly close pays
them: launch → sales → close → the originators' statement lines."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from community.ideas import lifecycle
from community.ideas.models import (
    IdeaOriginator,
    IdeaState,
    IdeaStateChange,
    IdeaSupport,
)
from community.notifications.models import Notification
from rewards.models import ProductOrigin, ProductOriginator
from rewards.selectors import (
    product_originator_royalties_cents,
    statement_entries,
    statement_lines,
    wallet_summary,
)
from rewards.services import period_close, product_originators_set, programme_join
from tests.factories import MemberFactory
from tests.rewards.conftest import ingest, sale_row

from .conftest import make_idea, members
from .test_lifecycle import board_member

pytestmark = pytest.mark.django_db

NOV = dt.date(2026, 11, 1)


@pytest.fixture
def board(db):
    return board_member(display_name="Comité", slug="comite")


def joined(member):
    """In the rewards programme since January, so November's close pays them."""
    membership = programme_join(member=member, accept_terms=True)
    membership.opted_in_at = timezone.make_aware(dt.datetime(2026, 1, 1))
    membership.save(update_fields=["opted_in_at"])
    return member


def accepted_idea(author, *, co=None, co_share=0, state=IdeaState.ACCEPTED):
    """An accepted idea, its shares frozen: the author alone, or with `co`."""
    idea = make_idea(author, state=state, stage=3, shares_frozen_at=timezone.now())
    if co is not None:
        IdeaOriginator.objects.filter(idea=idea, member=author).update(
            share_bp=10_000 - co_share
        )
        IdeaOriginator.objects.create(
            idea=idea, member=co, share_bp=co_share, accepted_at=timezone.now()
        )
    return idea


def _lines(member):
    with translation.override("en"):
        return [
            line.text
            for line in statement_lines(statement_entries(member_id=member.pk))
        ]


def test_launching_names_the_products_originators_from_the_frozen_shares(
    author, supporter, board, product
):
    # given an accepted idea shared 70 / 30 with a co-originator, and a supporter
    co = MemberFactory(display_name="Zoé")
    idea = accepted_idea(author, co=co, co_share=3000)
    IdeaSupport.objects.create(idea=idea, member=supporter)
    # when the board launches it as the catalog product COF-001
    lifecycle.idea_launch(idea=idea, by=board, sku=" COF-001 ")
    # then the idea is launched and linked to the product
    assert idea.state == IdeaState.LAUNCHED
    assert idea.product == product
    # and rewards knows the product's originators, with where they come from
    origin = ProductOrigin.objects.get(product=product)
    assert origin.note == f"Idea #{idea.pk}: {idea.title}"
    assert dict(origin.originators.values_list("member_id", "share_bp")) == {
        author.pk: 7000,
        co.pk: 3000,
    }
    # the supports are back in their members' budgets
    assert not IdeaSupport.objects.filter(idea=idea, released_at__isnull=True).exists()
    assert IdeaStateChange.objects.filter(idea=idea).last().reason == (
        "On sale as “Coffre Ventilé”."
    )
    assert Notification.objects.filter(recipient=co, kind="idea_launched").exists()


def test_launch_from_development(author, board, product):
    idea = accepted_idea(author, state=IdeaState.IN_DEVELOPMENT)
    lifecycle.idea_launch(idea=idea, by=board, sku="COF-001", reason="En rayon !")
    assert idea.state == IdeaState.LAUNCHED
    assert IdeaStateChange.objects.filter(idea=idea).last().reason == "En rayon !"


def _refused(idea, board, sku, message):
    before = IdeaStateChange.objects.count()
    state, product_id = idea.state, idea.product_id
    with pytest.raises(ValidationError, match=message):
        lifecycle.idea_launch(idea=idea, by=board, sku=sku)
    idea.refresh_from_db()
    assert (idea.state, idea.product_id) == (state, product_id)
    assert IdeaStateChange.objects.count() == before


def test_an_unknown_sku_is_refused_in_words(author, board, product):
    idea = accepted_idea(author)
    _refused(
        idea, board, "NOPE-404", "No product of the catalog has the SKU “NOPE-404”"
    )
    _refused(idea, board, "   ", "Give the SKU")
    assert not ProductOriginator.objects.exists()


def test_a_product_with_originators_from_elsewhere_is_refused(author, board, product):
    someone = MemberFactory()
    product_originators_set(product=product, shares={someone: 10_000})
    idea = accepted_idea(author)
    _refused(idea, board, "COF-001", "already has originators")
    assert list(ProductOriginator.objects.values_list("member_id", "share_bp")) == [
        (someone.pk, 10_000)
    ]


def test_one_idea_per_product(author, board, product):
    first = accepted_idea(author)
    lifecycle.idea_launch(idea=first, by=board, sku="COF-001")
    second = make_idea(
        author,
        title="Un autre coffre",
        state=IdeaState.ACCEPTED,
        shares_frozen_at=timezone.now(),
    )
    _refused(second, board, "COF-001", "already the product of the idea")


@pytest.mark.parametrize(
    "state", [IdeaState.OPEN, IdeaState.IN_REVIEW, IdeaState.DECLINED]
)
def test_only_an_accepted_idea_is_launched(author, board, product, state):
    idea = make_idea(author, state=state)
    _refused(idea, board, "COF-001", "Only an accepted idea can be launched")


def test_launching_twice_says_it_is_launched(author, board, product):
    idea = accepted_idea(author)
    lifecycle.idea_launch(idea=idea, by=board, sku="COF-001")
    _refused(idea, board, "COF-001", "already launched")


def test_only_the_board_launches(author, supporter, product):
    idea = accepted_idea(author)
    with pytest.raises(PermissionDenied):
        lifecycle.idea_launch(idea=idea, by=supporter, sku="COF-001")
    assert not ProductOrigin.objects.exists()


def test_shares_that_do_not_add_up_are_refused(author, board, product):
    # given an invitation never answered, the accepted shares make 80 %
    idea = accepted_idea(author)
    IdeaOriginator.objects.filter(idea=idea, member=author).update(share_bp=8000)
    IdeaOriginator.objects.create(idea=idea, member=MemberFactory(), share_bp=2000)
    _refused(idea, board, "COF-001", "add up to 8000 basis points")
    assert not ProductOriginator.objects.exists()


def test_launch_then_close_pays_the_originators_line_by_line(author, board, product):
    # given an idea proposed, accepted (shares 70 / 30) and launched as COF-001
    co = joined(MemberFactory(display_name="Zoé"))
    joined(author)
    idea = accepted_idea(author, co=co, co_share=3000)
    lifecycle.idea_launch(idea=idea, by=board, sku="COF-001")
    # and €1,000.00 of net sales of the product later in November
    with time_machine.travel(dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)):
        when = timezone.now()
        ingest(
            [
                sale_row("COF-001", 60_000, when, event_id="IDEA-S1"),
                sale_row("COF-001", 40_000, when, event_id="IDEA-S2"),
            ]
        )
    # when November is closed, in December
    period, created = period_close(
        month=NOV, now=dt.datetime(2026, 12, 2, 6, tzinfo=dt.UTC)
    )
    # then each originator's wallet has their share of 1 %, explained in a line
    assert created
    assert period.originators_cents == 1000
    assert wallet_summary(member_id=author.pk).pending_cents == 700
    assert wallet_summary(member_id=co.pk).pending_cents == 300
    assert _lines(author) == [
        "1\xa0% of €1,000.00 net sales of Coffre Ventilé in November 2026, "
        "your share 70\xa0%: €7.00"
    ]
    assert _lines(co) == [
        "1\xa0% of €1,000.00 net sales of Coffre Ventilé in November 2026, "
        "your share 30\xa0%: €3.00"
    ]
    # and the idea page's figure, the royalties so far, says the same
    assert product_originator_royalties_cents(product_id=product.pk) == 1000
    # closing again pays nothing more
    _, again = period_close(month=NOV, now=dt.datetime(2026, 12, 2, 7, tzinfo=dt.UTC))
    assert not again
    assert wallet_summary(member_id=author.pk).pending_cents == 700


def test_a_crowd_supported_idea_goes_from_open_to_the_shelves(
    author, board, product, django_capture_on_commit_callbacks
):
    """The whole road through the real services: supports, review, launch."""
    from community.ideas.models import IdeasSettings
    from community.ideas.services import idea_support

    settings = IdeasSettings.load()
    settings.stage1_supporters, settings.stage2_supporters = 2, 0
    settings.stage3_supporters = 3
    settings.save()
    idea = make_idea(author)
    crowd = members(3)
    with django_capture_on_commit_callbacks(execute=True):
        for member in crowd:
            idea_support(idea=idea, member=member)
    idea.refresh_from_db()
    assert idea.state == IdeaState.IN_REVIEW
    lifecycle.idea_review_decide(
        idea=idea, by=board, decision="accepted", reason="Le comité dit oui."
    )
    lifecycle.idea_development_start(idea=idea, by=board)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.idea_launch(idea=idea, by=board, sku="COF-001")
    assert [h.to_state for h in idea.history.all()] == [
        IdeaState.OPEN,  # stage 1 reached
        IdeaState.IN_REVIEW,
        IdeaState.ACCEPTED,
        IdeaState.IN_DEVELOPMENT,
        IdeaState.LAUNCHED,
    ]
    assert list(
        Notification.objects.filter(recipient=crowd[0]).values_list("kind", flat=True)
    ) == ["idea_launched", "idea_in_review", "idea_advanced"]
    assert dict(ProductOriginator.objects.values_list("member_id", "share_bp")) == {
        author.pk: 10_000
    }
