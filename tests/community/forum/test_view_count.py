"""A topic counts its views: one per visit and hour, never robots'."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from community.forum.models import Topic
from community.forum.services import topic_view_count

from .core_fixtures import *  # noqa: F403

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def views(topic) -> int:
    return Topic.objects.values_list("view_count", flat=True).get(pk=topic.pk)


def visit(client, topic, agent=FIREFOX, **extra):
    response = client.get(topic.get_absolute_url(), HTTP_USER_AGENT=agent, **extra)
    assert response.status_code == 200
    return response


def test_a_visitor_counts_once_per_hour_however_many_pages(client, topic):
    visit(client, topic)
    visit(client, topic)
    visit(client, topic, data={"page": "last"})
    assert views(topic) == 1

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=61), tick=False):
        visit(client, topic)
    assert views(topic) == 2


def test_each_visitor_and_member_counts(client, topic, replier, reader_client):
    visit(client, topic)
    visit(Client(), topic, agent=SAFARI)
    visit(reader_client, topic)
    visit(reader_client, topic)
    assert views(topic) == 3


def test_robots_and_scripts_are_not_counted(client, topic):
    visit(client, topic, agent=GOOGLEBOT)
    visit(client, topic, agent="curl/8.5.0")
    visit(client, topic, agent="")
    assert views(topic) == 0


def test_the_page_shows_the_views(client, topic):
    visit(client, topic)
    # The page shows the count it read before this visit was added.
    assert "1 view" in visit(Client(), topic, agent=SAFARI).content.decode()


def test_a_view_is_one_update_and_a_repeat_none(
    topic, django_assert_num_queries
):  # fmt: skip
    with django_assert_num_queries(1) as captured:
        assert topic_view_count(topic=topic, request_key="s:abc") is True
    assert "view_count" in captured.captured_queries[0]["sql"]
    with django_assert_num_queries(0):
        assert topic_view_count(topic=topic, request_key="s:abc") is False
        assert topic_view_count(topic=topic, request_key=None) is False
    assert views(topic) == 1


@pytest.fixture
def reader_client(replier):
    member_client = Client()
    member_client.force_login(replier)
    return member_client


def test_visitors_served_from_the_page_cache_count_too(client, topic, settings):
    settings.PAGE_CACHE_ENABLED = True
    first = visit(client, topic)
    assert first["X-Page-Cache"] == "miss"

    # a second visitor gets the stored page, and still counts once an hour
    second = Client()
    assert visit(second, topic, agent=SAFARI)["X-Page-Cache"] == "hit"
    assert visit(second, topic, agent=SAFARI)["X-Page-Cache"] == "hit"
    assert visit(Client(), topic, agent=GOOGLEBOT)["X-Page-Cache"] == "hit"
    assert views(topic) == 2

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=61), tick=False):
        visit(second, topic, agent=SAFARI)
    assert views(topic) == 3
