"""Supporting ideas: one per member and idea, never one's own, within a budget."""

import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community.ideas.models import (
    Idea,
    IdeaOriginator,
    IdeasSettings,
    IdeaState,
    IdeaSupport,
)
from community.ideas.services import (
    idea_support,
    idea_support_withdraw,
    member_supports_left,
)
from community.moderation.models import ModerationStatus, Suspension

from .conftest import make_idea, members


def budget(n):
    settings = IdeasSettings.load()
    settings.support_budget = n
    settings.save()


def counts(idea):
    idea.refresh_from_db()
    return idea.supporter_count, idea.recent_supporter_count


def test_a_member_supports_an_open_idea(open_idea, supporter):
    left = member_supports_left(member=supporter)

    support = idea_support(idea=open_idea, member=supporter)

    assert (support.idea, support.member) == (open_idea, supporter)
    assert support.released_at is None
    assert counts(open_idea) == (1, 1)
    assert member_supports_left(member=supporter) == left - 1 == 9


def test_a_double_click_is_the_same_support(open_idea, supporter):
    first = idea_support(idea=open_idea, member=supporter)
    second = idea_support(idea=open_idea, member=supporter)

    assert first.pk == second.pk
    assert IdeaSupport.objects.filter(idea=open_idea).count() == 1
    assert counts(open_idea) == (1, 1)


def test_nobody_supports_their_own_idea(open_idea, author):
    with pytest.raises(PermissionDenied, match="your own idea"):
        idea_support(idea=open_idea, member=author)
    assert counts(open_idea) == (0, 0)


def test_nor_an_idea_they_are_named_co_originator_of(open_idea, supporter):
    IdeaOriginator.objects.create(idea=open_idea, member=supporter, share_bp=1000)

    with pytest.raises(PermissionDenied, match="originators"):
        idea_support(idea=open_idea, member=supporter)
    assert not IdeaSupport.objects.exists()


def test_a_support_beyond_the_budget_is_refused_in_words(author, supporter):
    budget(2)
    ideas = [make_idea(author, title=f"Idée {n}") for n in range(3)]
    for idea in ideas[:2]:
        idea_support(idea=idea, member=supporter)

    with pytest.raises(ValidationError, match="already support 2 ideas"):
        idea_support(idea=ideas[2], member=supporter)

    assert counts(ideas[2]) == (0, 0)
    assert member_supports_left(member=supporter) == 0


def test_supports_given_back_do_not_count_against_the_budget(author, supporter):
    budget(1)
    closed = make_idea(author, title="Lancée", state=IdeaState.LAUNCHED)
    IdeaSupport.objects.create(
        idea=closed, member=supporter, released_at=timezone.now()
    )
    idea = make_idea(author)

    assert member_supports_left(member=supporter) == 1
    idea_support(idea=idea, member=supporter)
    assert member_supports_left(member=supporter) == 0


@pytest.mark.parametrize(
    "state",
    [IdeaState.IN_REVIEW, IdeaState.EXPIRED, IdeaState.DECLINED, IdeaState.MERGED],
)
def test_only_open_ideas_gather_support(author, supporter, state):
    idea = make_idea(author, state=state)

    with pytest.raises(ValidationError, match="no longer gathers support"):
        idea_support(idea=idea, member=supporter)
    assert not IdeaSupport.objects.exists()


def test_an_open_idea_waiting_for_moderation_is_not_supported(author, supporter):
    idea = make_idea(author)
    Idea.objects.filter(pk=idea.pk).update(status=ModerationStatus.PENDING)

    with pytest.raises(ValidationError, match="not open to support"):
        idea_support(idea=idea, member=supporter)


def test_suspended_and_anonymous_members_cannot_support(open_idea, supporter):
    with pytest.raises(PermissionDenied):
        idea_support(idea=open_idea, member=AnonymousUser())
    Suspension.objects.create(
        member=supporter, until=timezone.now() + dt.timedelta(days=2), reason="Spam"
    )
    with pytest.raises(PermissionDenied, match="suspended"):
        idea_support(idea=open_idea, member=supporter)
    assert counts(open_idea) == (0, 0)


def test_withdrawing_gives_the_support_back(open_idea, supporter):
    idea_support(idea=open_idea, member=supporter)

    assert idea_support_withdraw(idea=open_idea, member=supporter) is True

    assert counts(open_idea) == (0, 0)
    assert member_supports_left(member=supporter) == 10
    assert idea_support_withdraw(idea=open_idea, member=supporter) is False


def test_withdrawing_an_old_support_leaves_the_14_day_count(open_idea, supporter):
    IdeaSupport.objects.create(
        idea=open_idea,
        member=supporter,
        created_at=timezone.now() - dt.timedelta(days=20),
    )
    Idea.objects.filter(pk=open_idea.pk).update(
        supporter_count=1, recent_supporter_count=0
    )

    idea_support_withdraw(idea=open_idea, member=supporter)

    assert counts(open_idea) == (0, 0)


def test_supports_are_withdrawn_only_while_open(author, supporter):
    idea = make_idea(author)
    idea_support(idea=idea, member=supporter)
    Idea.objects.filter(pk=idea.pk).update(state=IdeaState.IN_REVIEW)

    with pytest.raises(ValidationError, match="only be withdrawn while"):
        idea_support_withdraw(idea=idea, member=supporter)
    assert counts(idea) == (1, 1)


def test_every_support_and_withdrawal_forgets_the_ideas_pages(open_idea, supporter):
    with mock.patch("community.ideas.services.idea_pages_forget") as forget:
        idea_support(idea=open_idea, member=supporter)
        idea_support_withdraw(idea=open_idea, member=supporter)

    assert [call.args[0].pk for call in forget.call_args_list] == [open_idea.pk] * 2


def test_reaching_a_stage_moves_the_idea_on_at_once(author):
    settings = IdeasSettings.load()
    settings.stage1_supporters = 3
    settings.save()
    idea = make_idea(author)

    for member in members(3):
        idea_support(idea=idea, member=member)

    idea.refresh_from_db()
    assert idea.state == IdeaState.OPEN
    assert idea.stage == 1
    assert idea.supporter_count == IdeaSupport.objects.filter(idea=idea).count() == 3


def test_supporting_costs_the_same_queries_at_any_size(
    author, supporter, django_assert_max_num_queries
):
    idea = make_idea(author)
    for member in members(30):
        IdeaSupport.objects.create(idea=idea, member=member)

    with django_assert_max_num_queries(25):
        idea_support(idea=idea, member=supporter)
