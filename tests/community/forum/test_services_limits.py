"""Limits by trust level: first-day topics and replies, seconds between posts,
links and images — each refusal in words, nothing written."""

import datetime as dt

import pytest
from django.utils import timezone

from community.forum.models import ForumSettings, Post, Topic
from community.forum.services import ForumRefused, post_reply, topic_start

from .core_fixtures import *  # noqa: F403 (fixtures)
from .core_fixtures import BODY, later, member

pytestmark = pytest.mark.django_db


def words(refused) -> str:
    return " ".join(refused.value.messages)


def settings(**values):
    ForumSettings.objects.update_or_create(pk=ForumSettings.load().pk, defaults=values)


def test_a_level_1_member_waits_between_two_posts_a_level_2_does_not(
    topic, basic, replier
):
    post_reply(author=basic, topic=topic, body="Première réponse")
    with pytest.raises(ForumRefused) as refused:
        post_reply(author=basic, topic=topic, body="Deuxième, trop vite")
    assert "wait 30 seconds" in words(refused)
    assert Post.objects.filter(author=basic).count() == 1

    post_reply(
        author=basic,
        topic=topic,
        body="Deuxième, plus tard",
        now=timezone.now() + dt.timedelta(seconds=31),
    )
    post_reply(author=replier, topic=topic, body="Une")
    post_reply(author=replier, topic=topic, body="Deux")


def test_a_new_member_starts_3_topics_on_their_first_day(category):
    settings(seconds_between_posts=0)
    newcomer = member(0, "Jeune", days=0)
    for n in range(3):
        with later(120 * (n + 1)):
            topic_start(
                author=newcomer, category=category, title=f"Question {n}", body=BODY
            )

    with later(600), pytest.raises(ForumRefused) as refused:
        topic_start(author=newcomer, category=category, title="Quatrième", body=BODY)
    assert "first day" in words(refused)
    assert Topic.objects.filter(author=newcomer).count() == 3


def test_a_new_member_posts_10_replies_on_their_first_day(topic):
    settings(seconds_between_posts=0, first_day_replies=2)
    newcomer = member(0, "Jeune", days=0)
    with later(120):
        post_reply(author=newcomer, topic=topic, body="Une")
    with later(240):
        post_reply(author=newcomer, topic=topic, body="Deux")
    with later(360), pytest.raises(ForumRefused) as refused:
        post_reply(author=newcomer, topic=topic, body="Trois")
    assert "2 replies" in words(refused)


def test_a_new_member_posts_no_links_a_basic_one_two(topic, newcomer, basic, replier):
    with pytest.raises(ForumRefused) as refused:
        post_reply(author=newcomer, topic=topic, body="Voir https://example.fr")
    assert "Links are allowed from trust level 1" in words(refused)

    settings(links_min_level=2)
    three = "https://a.fr https://b.fr et [c](https://c.fr)"
    with pytest.raises(ForumRefused) as refused:
        post_reply(author=basic, topic=topic, body=three)
    assert "2 links at most" in words(refused)
    post_reply(author=basic, topic=topic, body="https://a.fr et https://b.fr")
    post_reply(author=replier, topic=topic, body=three)


def test_images_wait_for_their_trust_level(topic, newcomer, basic):
    with pytest.raises(ForumRefused) as refused:
        post_reply(author=newcomer, topic=topic, body="![rose](/media/rose.jpg)")
    assert "Images are allowed from trust level 1" in words(refused)
    assert "body" in refused.value.message_dict
    post_reply(author=basic, topic=topic, body="![rose](/media/rose.jpg)")
