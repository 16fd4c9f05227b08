"""Topics and posts in the one moderation queue: previews, reasons, flags that
hide posts at reviews' thresholds and close a topic until a moderator looks,
and trust counted from forum activity."""

import pytest
from django.template.loader import render_to_string

from community.forum.models import ForumSettings, Topic
from community.forum.moderation import POST_MODERATED_TYPE, TOPIC_MODERATED_TYPE
from community.forum.services import (
    ForumRefused,
    post_like,
    post_reply,
    post_report,
    topic_close,
    topic_start,
)
from community.members.trust import APPROVED, HELPFUL_VOTES, member_trust_facts
from community.moderation.models import (
    ModerationAction,
    ModerationStatus,
    QueueEntry,
    Report,
)
from community.moderation.registry import moderated_type_for
from community.moderation.selectors import content_queryset
from community.moderation.services import moderation_decide, report_create

from .core_fixtures import *  # noqa: F403 (fixtures)
from .core_fixtures import BODY, REPLY, member

pytestmark = pytest.mark.django_db


def fresh(obj):
    obj.refresh_from_db()
    return obj


def flaggers(n, level=1):
    return [member(level, f"Flag{i}") for i in range(n)]


def test_topics_and_replies_are_registered_with_their_own_reasons():
    assert moderated_type_for(Topic) == TOPIC_MODERATED_TYPE
    codes = dict(POST_MODERATED_TYPE.report_choices())
    assert "forum_unsafe" in codes and "spam" in codes
    rejections = dict(TOPIC_MODERATED_TYPE.rejection_choices())
    assert "forum_wrong_category" in rejections
    assert TOPIC_MODERATED_TYPE.can_fix("forum_wrong_category")
    assert not TOPIC_MODERATED_TYPE.can_fix("spam")


def test_the_queue_previews_a_topic_with_its_opening_post_and_a_reply_with_its_topic(
    basic, category, topic, django_assert_max_num_queries
):
    pending = topic_start(
        author=basic,
        category=category,
        title="Mes tomates noircissent",
        body="Les feuilles **noircissent** par le bas.",
        tags=["tomates"],
    )
    reply = post_reply(author=member(1, "Autre"), topic=topic, body="<b>Et</b> ici")

    loaded = content_queryset(TOPIC_MODERATED_TYPE).get(pk=pending.pk)
    with django_assert_max_num_queries(0):
        html = render_to_string(
            TOPIC_MODERATED_TYPE.preview_template, {"content": loaded}
        )
    assert "Mes tomates noircissent" in html and "Jardinage" in html
    assert "<strong>noircissent</strong>" in html and "tomates" in html

    loaded = content_queryset(POST_MODERATED_TYPE).get(pk=reply.pk)
    html = render_to_string(POST_MODERATED_TYPE.preview_template, {"content": loaded})
    assert "Tailler les rosiers" in html and "post 2" in html
    assert "&lt;b&gt;Et&lt;/b&gt;" in html


def test_three_flags_hide_a_reply_and_take_it_out_of_the_counts(topic, replier):
    reply = post_reply(author=replier, topic=topic, body=REPLY)
    for flagger in flaggers(3):
        post_report(reporter=flagger, post=reply, reason="spam")

    assert fresh(reply).status == ModerationStatus.HIDDEN
    assert fresh(topic).post_count == 1
    assert fresh(topic.category).post_count == 1
    assert QueueEntry.objects.filter(object_id=reply.pk, closed_at=None).exists()


def test_flagging_the_opening_post_flags_the_topic(topic):
    post_report(reporter=member(1, "Flag"), post=topic.posts.get(), reason="spam")

    report = Report.objects.get()
    assert report.content == topic


def test_a_member_cannot_flag_twice_nor_their_own_post(topic, author):
    flagger = member(1, "Flag")
    post_report(reporter=flagger, post=topic.posts.get(), reason="spam")
    with pytest.raises(ForumRefused) as refused:
        post_report(reporter=flagger, post=topic.posts.get(), reason="spam")
    assert "already reported" in " ".join(refused.value.messages)
    with pytest.raises(ForumRefused):
        post_report(reporter=author, post=topic.posts.get(), reason="spam")


def test_enough_flags_on_a_topics_posts_close_it_until_a_moderator_looks(
    topic, replier, author, moderator
):
    replies = [post_reply(author=replier, topic=topic, body=f"R{n}") for n in range(3)]
    people = flaggers(5)
    # Two flags on each of two replies, one on the third: none hidden, five in all.
    for reply, who in [
        (replies[0], people[0]),
        (replies[0], people[1]),
        (replies[1], people[2]),
        (replies[1], people[3]),
    ]:
        post_report(reporter=who, post=reply, reason="forum_off_topic")
    assert not fresh(topic).is_closed
    post_report(reporter=people[4], post=replies[2], reason="forum_off_topic")

    topic = fresh(topic)
    assert topic.is_closed and topic.closed_by_flags
    with pytest.raises(ForumRefused) as refused:
        post_reply(author=author, topic=topic, body="Encore ?")
    assert "closed" in " ".join(refused.value.messages)

    moderation_decide(
        moderator=moderator,
        entries_or_contents=[replies[0]],
        action=ModerationAction.APPROVE,
    )
    topic = fresh(topic)
    assert not topic.is_closed and not topic.closed_by_flags
    post_reply(author=author, topic=topic, body="On reprend.")
    # The flags weighed by the moderator do not close it again.
    post_report(reporter=member(1, "Flag9"), post=replies[2], reason="spam")
    assert not fresh(topic).is_closed


def test_a_moderator_reopening_a_flag_closed_topic_clears_the_mark(
    topic, replier, moderator
):
    Topic.objects.filter(pk=topic.pk).update(is_closed=True, closed_by_flags=True)

    topic_close(topic=topic, by=moderator, closed=False)

    topic = fresh(topic)
    assert not topic.is_closed and not topic.closed_by_flags


def test_a_rejected_topic_takes_its_post_out_with_it(basic, category, moderator):
    topic = topic_start(author=basic, category=category, title="Achetez ici", body=BODY)

    moderation_decide(
        moderator=moderator,
        entries_or_contents=[topic],
        action=ModerationAction.REJECT,
        reason="spam",
    )

    assert topic.posts.get().status == ModerationStatus.REJECTED
    assert fresh(category).topic_count == 0


def test_trust_counts_topics_and_replies_once_and_likes_received(
    topic, author, replier
):
    before = member_trust_facts(member=author)
    reply = post_reply(author=author, topic=topic, body=REPLY)
    post_like(post=reply, member=replier)
    post_like(post=topic.posts.get(number=1), member=replier)

    facts = member_trust_facts(member=author)
    # One topic and one reply: the topic's opening post is not counted apart.
    assert facts[APPROVED] == before[APPROVED] + 1 == 2
    assert facts[HELPFUL_VOTES] == before.get(HELPFUL_VOTES, 0) + 2


def test_flags_from_moderations_own_report_page_close_a_topic_too(topic, replier):
    ForumSettings.objects.update_or_create(
        pk=ForumSettings.load().pk, defaults={"flags_to_close_topic": 2}
    )
    reply = post_reply(author=replier, topic=topic, body=REPLY)

    report_create(reporter=member(1, "Flag1"), content=reply, reason="spam")
    assert not fresh(topic).is_closed
    report_create(reporter=member(1, "Flag2"), content=topic, reason="spam")

    topic = fresh(topic)
    assert topic.is_closed and topic.closed_by_flags
    assert topic.actions.get().detail == {"flags": 2}
