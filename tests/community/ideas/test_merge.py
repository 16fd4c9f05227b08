"""A moderator merges a duplicate into its original: supports move, a member who
supported both counts once and gets the other support back."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community.ideas import lifecycle, services
from community.ideas.models import (
    IdeaOriginator,
    IdeaState,
    IdeaStateChange,
    IdeaSupport,
)
from community.notifications.models import Notification
from tests.factories import MemberFactory

from .conftest import aged, make_idea, members
from .test_lifecycle import small_stages, support

pytestmark = pytest.mark.django_db


@pytest.fixture
def stages(db):
    return small_stages()


@pytest.fixture
def other_author(db):
    return aged(MemberFactory(display_name="Bruno", slug="bruno", trust_level=2))


@pytest.fixture
def pair(author, other_author):
    """(duplicate by Bruno, original by Inès), both open."""
    original = make_idea(author, title="Coffre à outils ventilé")
    duplicate = make_idea(other_author, title="Boîte à outils aérée")
    return duplicate, original


def _counts_match_rows(*ideas):
    for idea in ideas:
        idea.refresh_from_db()
        assert idea.supporter_count == IdeaSupport.objects.filter(idea=idea).count()


def test_supports_move_and_a_member_who_supported_both_counts_once(
    pair, moderator, stages, django_capture_on_commit_callbacks
):
    # given a duplicate with 2 supporters, one of whom supports the original too
    duplicate, original = pair
    both, only_duplicate = members(2)
    support(original, both)
    support(duplicate, both)
    support(duplicate, only_duplicate)
    assert services.member_supports_left(member=both) == 1
    # when a moderator merges the duplicate into the original
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.idea_merge(
            duplicate=duplicate, original=original, by=moderator, reason="Doublon."
        )
    # then the original counts each member once, the duplicate none
    _counts_match_rows(duplicate, original)
    assert original.supporter_count == 2
    assert duplicate.supporter_count == 0
    assert set(
        IdeaSupport.objects.filter(idea=original).values_list("member", flat=True)
    ) == {both.pk, only_duplicate.pk}
    # the member who supported both has one support back
    assert services.member_supports_left(member=both) == 2
    assert services.member_supports_left(member=only_duplicate) == 2
    # the duplicate is merged into the original, with its public reason
    assert duplicate.state == IdeaState.MERGED
    assert duplicate.merged_into == original
    assert IdeaStateChange.objects.filter(idea=duplicate).last().reason == "Doublon."
    # both authors and the duplicate's supporters are told
    for member in (duplicate.author, original.author, both, only_duplicate):
        assert Notification.objects.filter(
            recipient=member, kind="idea_merged"
        ).exists()


def test_the_originals_author_never_supports_their_own_idea(
    pair, author, moderator, stages
):
    duplicate, original = pair
    support(duplicate, author)
    lifecycle.idea_merge(duplicate=duplicate, original=original, by=moderator)
    _counts_match_rows(duplicate, original)
    assert not IdeaSupport.objects.filter(member=author).exists()
    assert original.supporter_count == 0


def test_moved_supports_can_carry_the_original_to_its_next_stage(
    pair, moderator, stages
):
    duplicate, original = pair
    support(original, members(1, prefix="o")[0])
    support(duplicate, members(1, prefix="d")[0])
    lifecycle.idea_merge(duplicate=duplicate, original=original, by=moderator)
    original.refresh_from_db()
    assert (original.state, original.stage, original.supporter_count) == (
        IdeaState.OPEN,
        1,
        2,
    )


def test_merging_into_a_declined_original_gives_the_supports_back(
    author, other_author, moderator, stages
):
    original = make_idea(author, state=IdeaState.DECLINED)
    duplicate = make_idea(other_author, title="Boîte aérée")
    crowd = members(2)
    for member in crowd:
        support(duplicate, member)
    lifecycle.idea_merge(duplicate=duplicate, original=original, by=moderator)
    _counts_match_rows(duplicate, original)
    assert original.supporter_count == 2
    assert all(services.member_supports_left(member=m) == 3 for m in crowd)


def test_earlier_duplicates_follow_to_the_original(
    author, other_author, moderator, stages
):
    original = make_idea(author)
    duplicate = make_idea(other_author, title="Boîte aérée")
    older = make_idea(other_author, title="Caisse aérée")
    lifecycle.idea_merge(duplicate=older, original=duplicate, by=moderator)
    lifecycle.idea_merge(duplicate=duplicate, original=original, by=moderator)
    older.refresh_from_db()
    assert older.merged_into == original


def test_the_duplicates_author_may_be_invited_as_co_originator(
    pair, author, other_author, moderator
):
    duplicate, original = pair
    lifecycle.idea_merge(
        duplicate=duplicate, original=original, by=moderator, add_co_originator=True
    )
    shares = {
        o.member_id: (o.share_bp, o.accepted_at is not None)
        for o in IdeaOriginator.objects.filter(idea=original)
    }
    assert shares == {author.pk: (9000, True), other_author.pk: (1000, False)}
    # the invited author may accept it: the shares then add up to 10,000
    invitation = IdeaOriginator.objects.get(idea=original, member=other_author)
    services.idea_origination_answer(
        origination=invitation, member=other_author, accept=True
    )
    assert (
        sum(
            IdeaOriginator.objects.filter(
                idea=original, accepted_at__isnull=False
            ).values_list("share_bp", flat=True)
        )
        == 10_000
    )


def test_no_invitation_once_the_shares_are_frozen(author, other_author, moderator):
    original = make_idea(
        author, state=IdeaState.IN_REVIEW, shares_frozen_at=timezone.now()
    )
    duplicate = make_idea(other_author, title="Boîte aérée")
    with pytest.raises(ValidationError, match="frozen"):
        lifecycle.idea_merge(
            duplicate=duplicate,
            original=original,
            by=moderator,
            add_co_originator=True,
        )
    duplicate.refresh_from_db()
    assert duplicate.state == IdeaState.OPEN
    assert IdeaOriginator.objects.filter(idea=original).count() == 1


def test_only_moderators_merge(pair, author):
    duplicate, original = pair
    for member in (author, MemberFactory(is_staff=True), None):
        with pytest.raises(PermissionDenied, match="Only moderators"):
            lifecycle.idea_merge(duplicate=duplicate, original=original, by=member)
    duplicate.refresh_from_db()
    assert duplicate.state == IdeaState.OPEN


@pytest.mark.parametrize(
    ("original_state", "duplicate_state", "message"),
    [
        (IdeaState.PENDING, IdeaState.OPEN, "Merge into a public idea"),
        (IdeaState.WITHDRAWN, IdeaState.OPEN, "Merge into a public idea"),
        (IdeaState.MERGED, IdeaState.OPEN, "Merge into a public idea"),
        (IdeaState.OPEN, IdeaState.ACCEPTED, "Only an idea gathering support"),
        (IdeaState.OPEN, IdeaState.LAUNCHED, "Only an idea gathering support"),
        (IdeaState.OPEN, IdeaState.MERGED, "Only an idea gathering support"),
    ],
)
def test_refused_merges_write_nothing(
    author, other_author, moderator, original_state, duplicate_state, message
):
    original = make_idea(author, state=original_state)
    duplicate = make_idea(other_author, title="Boîte aérée", state=duplicate_state)
    with pytest.raises(ValidationError, match=message):
        lifecycle.idea_merge(duplicate=duplicate, original=original, by=moderator)
    duplicate.refresh_from_db()
    assert duplicate.state == duplicate_state
    assert duplicate.merged_into is None
    assert IdeaStateChange.objects.count() == 0


def test_an_idea_is_not_merged_into_itself(open_idea, moderator):
    with pytest.raises(ValidationError, match="into itself"):
        lifecycle.idea_merge(duplicate=open_idea, original=open_idea, by=moderator)


def test_no_merge_back_into_what_was_merged_into_it(pair, moderator):
    duplicate, original = pair
    lifecycle.idea_merge(duplicate=duplicate, original=original, by=moderator)
    with pytest.raises(ValidationError):
        lifecycle.idea_merge(duplicate=original, original=duplicate, by=moderator)
