"""An idea's discussion: comments moderated like reviews, counted, sent live."""

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community.ideas.discussion import comment_post
from community.ideas.models import Idea, IdeaComment, IdeasSettings, IdeaState
from community.ideas.moderation import COMMENT_POSTING_KIND
from community.members.models import PostingRecord
from community.moderation.models import (
    ModerationAction,
    ModerationStatus,
    QueueEntry,
    Suspension,
)
from community.moderation.registry import RejectionReason
from community.moderation.services import moderation_decide

from .conftest import make_idea

BODY = "Avec une étagère amovible, ce serait parfait pour les petits outils."


@pytest.fixture
def broadcast():
    with mock.patch("community.ideas.live.comment_broadcast_on_commit") as sent:
        yield sent


def comment_count(idea):
    idea.refresh_from_db()
    return idea.comment_count


def test_trusted_members_comment_is_published_counted_and_sent_live(
    open_idea, staff, broadcast
):
    comment = comment_post(idea=open_idea, author=staff, body=BODY)

    assert comment.status == ModerationStatus.PUBLISHED
    assert comment_count(open_idea) == 1
    broadcast.assert_called_once_with(comment)
    assert PostingRecord.objects.filter(
        member=staff, kind=COMMENT_POSTING_KIND
    ).exists()


def test_premoderated_comment_waits_then_goes_live_when_approved(
    open_idea, supporter, moderator, broadcast
):
    comment = comment_post(idea=open_idea, author=supporter, body=BODY)

    assert comment.status == ModerationStatus.PENDING
    assert QueueEntry.objects.filter(object_id=comment.pk, closed_at=None).exists()
    assert comment_count(open_idea) == 0
    broadcast.assert_not_called()

    moderation_decide(
        moderator=moderator,
        entries_or_contents=[comment],
        action=ModerationAction.APPROVE,
    )

    assert comment_count(open_idea) == 1
    assert [call.args[0].pk for call in broadcast.call_args_list] == [comment.pk]


def test_a_rejected_comment_leaves_the_count(open_idea, author, moderator, broadcast):
    comment = comment_post(idea=open_idea, author=author, body=BODY)
    assert comment_count(open_idea) == 1

    moderation_decide(
        moderator=moderator,
        entries_or_contents=[comment],
        action=ModerationAction.REJECT,
        reason=RejectionReason.SPAM,
    )

    assert comment_count(open_idea) == 0
    assert broadcast.call_count == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Write a comment"), (" x ", "Write a comment"), ("a" * 5_001, "5,000")],
)
def test_empty_or_too_long_comments_are_refused_in_words(
    open_idea, author, body, message
):
    with pytest.raises(ValidationError, match=message) as error:
        comment_post(idea=open_idea, author=author, body=body)

    assert "body" in error.value.message_dict
    assert not IdeaComment.objects.exists()


def test_nul_characters_are_stripped(open_idea, author, broadcast):
    comment = comment_post(idea=open_idea, author=author, body=BODY + "\x00")

    assert comment.body == BODY


@pytest.mark.parametrize("state", [IdeaState.MERGED, IdeaState.PENDING])
def test_no_comments_on_merged_or_unpublished_ideas(author, supporter, state):
    idea = make_idea(author, state=state)

    with pytest.raises(ValidationError, match="discussion is closed"):
        comment_post(idea=idea, author=supporter, body=BODY)
    assert not IdeaComment.objects.exists()


def test_a_hidden_idea_takes_no_comments(open_idea, supporter):
    Idea.objects.filter(pk=open_idea.pk).update(status=ModerationStatus.HIDDEN)

    with pytest.raises(ValidationError, match="discussion is closed"):
        comment_post(idea=open_idea, author=supporter, body=BODY)


def test_the_discussion_goes_on_after_a_decision(author, supporter, broadcast):
    idea = make_idea(author, state=IdeaState.DECLINED)

    assert comment_post(idea=idea, author=supporter, body=BODY).pk


def test_comments_per_hour(open_idea, supporter, staff, broadcast):
    settings = IdeasSettings.load()
    settings.comments_per_hour = 2
    settings.save()
    old = PostingRecord.objects.create(member=supporter, kind=COMMENT_POSTING_KIND)
    PostingRecord.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=90)
    )
    for _ in range(2):
        comment_post(idea=open_idea, author=supporter, body=BODY)

    with pytest.raises(PermissionDenied, match="at most 2 comments an hour"):
        comment_post(idea=open_idea, author=supporter, body=BODY)
    assert IdeaComment.objects.count() == 2

    # Staff answer as often as they need.
    for _ in range(3):
        comment_post(idea=open_idea, author=staff, body=BODY)


def test_suspended_member_cannot_comment(open_idea, supporter):
    Suspension.objects.create(
        member=supporter, until=timezone.now() + dt.timedelta(days=1), reason="Spam"
    )

    with pytest.raises(PermissionDenied, match="suspended"):
        comment_post(idea=open_idea, author=supporter, body=BODY)


def test_newcomers_may_not_post_links(open_idea, newcomer):
    with pytest.raises(ValidationError, match="Links"):
        comment_post(idea=open_idea, author=newcomer, body=f"{BODY} www.exemple.fr")
    assert not IdeaComment.objects.exists()
