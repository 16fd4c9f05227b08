"""Co-originators: named with shares adding up to 100 %, invited, frozen."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community.ideas.models import Idea, IdeaOriginator, IdeaState, IdeaSupport
from community.ideas.services import (
    idea_origination_answer,
    idea_originators_set,
    idea_support,
    originator_shares_freeze,
)
from community.notifications.models import Notification
from tests.factories import MemberFactory

from .conftest import aged


@pytest.fixture
def partner(db):
    return aged(MemberFactory(display_name="Karim", slug="karim", trust_level=1))


def shares_of(idea):
    return dict(
        IdeaOriginator.objects.filter(idea=idea).values_list("member_id", "share_bp")
    )


def origination(idea, member):
    return IdeaOriginator.objects.get(idea=idea, member=member)


def test_author_names_a_co_originator_who_is_invited(open_idea, author, partner):
    rows = idea_originators_set(
        idea=open_idea, member=author, shares={author: 7_000, partner.pk: 3_000}
    )

    assert {(row.member_id, row.share_bp) for row in rows} == {
        (author.pk, 7_000),
        (partner.pk, 3_000),
    }
    assert origination(open_idea, author).accepted_at is not None
    assert origination(open_idea, partner).accepted_at is None
    invitation = Notification.objects.get(recipient=partner, kind="idea_co_originator")
    assert "30 %" in invitation.body
    assert open_idea.title in invitation.title


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ({"author": 6_000, "partner": 3_000}, "add up to 100 %"),
        ({"author": 10_000, "partner": 0}, "must be positive"),
        ({"author": 12_000, "partner": -2_000}, "must be positive"),
        ({"partner": 10_000}, "Keep a share for yourself"),
        ({"author": 5_000, "partner": "half"}, "whole number"),
    ],
)
def test_shares_that_do_not_add_up_are_refused_in_words(
    open_idea, author, partner, shares, message
):
    who = {"author": author.pk, "partner": partner.pk}
    with pytest.raises(ValidationError, match=message) as error:
        idea_originators_set(
            idea=open_idea,
            member=author,
            shares={who[name]: share for name, share in shares.items()},
        )

    assert "shares" in error.value.message_dict
    assert shares_of(open_idea) == {author.pk: 10_000}
    assert not Notification.objects.filter(kind="idea_co_originator").exists()


def test_only_active_members_can_be_named(open_idea, author, partner):
    partner.is_active = False
    partner.save(update_fields=["is_active"])

    for unknown in (partner.pk, 999_999):
        with pytest.raises(ValidationError, match="active account"):
            idea_originators_set(
                idea=open_idea, member=author, shares={author: 5_000, unknown: 5_000}
            )
    assert shares_of(open_idea) == {author.pk: 10_000}


def test_only_the_author_names_originators(open_idea, partner):
    with pytest.raises(PermissionDenied):
        idea_originators_set(idea=open_idea, member=partner, shares={partner: 10_000})


def test_a_changed_share_is_asked_again_and_a_name_left_out_is_dropped(
    open_idea, author, partner, supporter
):
    idea_originators_set(
        idea=open_idea,
        member=author,
        shares={author: 6_000, partner: 2_000, supporter: 2_000},
    )
    idea_origination_answer(
        origination=origination(open_idea, partner), member=partner, accept=True
    )

    idea_originators_set(
        idea=open_idea, member=author, shares={author: 5_000, partner: 5_000}
    )

    assert shares_of(open_idea) == {author.pk: 5_000, partner.pk: 5_000}
    assert origination(open_idea, partner).accepted_at is None
    assert Notification.objects.filter(recipient=partner).count() == 2


def test_accepting_once_is_enough_and_tells_the_author(open_idea, author, partner):
    idea_originators_set(
        idea=open_idea, member=author, shares={author: 7_500, partner: 2_500}
    )
    invitation = origination(open_idea, partner)

    answer = idea_origination_answer(
        origination=invitation, member=partner, accept=True
    )
    again = idea_origination_answer(origination=invitation, member=partner, accept=True)

    assert answer.accepted_at is not None
    assert again.accepted_at == answer.accepted_at
    assert Notification.objects.filter(
        recipient=author, kind="idea_co_originator", title__contains="accepted"
    ).exists()


def test_accepting_gives_back_the_co_originators_own_support(
    open_idea, author, partner
):
    idea_support(idea=open_idea, member=partner)
    idea_originators_set(
        idea=open_idea, member=author, shares={author: 7_500, partner: 2_500}
    )

    idea_origination_answer(
        origination=origination(open_idea, partner), member=partner, accept=True
    )

    open_idea.refresh_from_db()
    assert not IdeaSupport.objects.filter(idea=open_idea).exists()
    assert open_idea.supporter_count == 0


def test_declining_gives_the_share_back_to_the_author(open_idea, author, partner):
    idea_originators_set(
        idea=open_idea, member=author, shares={author: 7_500, partner: 2_500}
    )

    answer = idea_origination_answer(
        origination=origination(open_idea, partner), member=partner, accept=False
    )

    assert answer is None
    assert shares_of(open_idea) == {author.pk: 10_000}


def test_only_the_invited_member_answers(open_idea, author, partner, supporter):
    idea_originators_set(
        idea=open_idea, member=author, shares={author: 7_500, partner: 2_500}
    )
    invitation = origination(open_idea, partner)

    with pytest.raises(PermissionDenied):
        idea_origination_answer(origination=invitation, member=supporter, accept=True)
    with pytest.raises(ValidationError, match="always its originator"):
        idea_origination_answer(
            origination=origination(open_idea, author), member=author, accept=False
        )


def test_freezing_drops_unanswered_invitations_to_the_author(
    open_idea, author, partner, supporter
):
    idea_originators_set(
        idea=open_idea,
        member=author,
        shares={author: 5_000, partner: 3_000, supporter: 2_000},
    )
    idea_origination_answer(
        origination=origination(open_idea, partner), member=partner, accept=True
    )
    now = timezone.now()

    frozen = originator_shares_freeze(idea=open_idea, now=now)

    assert frozen == {author.pk: 7_000, partner.pk: 3_000}
    assert shares_of(open_idea) == frozen
    open_idea.refresh_from_db()
    assert open_idea.shares_frozen_at == now
    # Twice is once.
    assert originator_shares_freeze(idea=open_idea, now=timezone.now()) == frozen


def test_frozen_shares_cannot_change(open_idea, author, partner):
    idea_originators_set(
        idea=open_idea, member=author, shares={author: 7_500, partner: 2_500}
    )
    invitation = origination(open_idea, partner)
    Idea.objects.filter(pk=open_idea.pk).update(
        shares_frozen_at=timezone.now(), state=IdeaState.ACCEPTED
    )
    open_idea.refresh_from_db()

    with pytest.raises(ValidationError, match="frozen"):
        idea_originators_set(idea=open_idea, member=author, shares={author: 10_000})
    with pytest.raises(ValidationError, match="frozen"):
        idea_origination_answer(origination=invitation, member=partner, accept=True)


def test_an_idea_that_ended_cannot_change_its_originators(author, partner):
    from .conftest import make_idea

    idea = make_idea(author, state=IdeaState.DECLINED)

    with pytest.raises(ValidationError, match="can no longer change"):
        idea_originators_set(
            idea=idea, member=author, shares={author: 5_000, partner: 5_000}
        )
