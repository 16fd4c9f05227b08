"""The moderation clock: authors of waiting items see how long items usually wait."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.ideas.services import idea_create
from community.moderation.models import ModerationAction
from community.moderation.selectors import median_wait
from community.moderation.services import content_withdraw, moderation_decide
from community.moderation.templatetags.moderation_clock import wait_words
from community.reviews.services import review_submit
from tests.community.reviews.conftest import BODY, aged
from tests.factories import MemberFactory, ProductFactory

pytestmark = pytest.mark.django_db

EMPTY = "There are no decisions in the last 30 days yet"


def _newcomer(n):
    return aged(
        MemberFactory(display_name=f"Nouveau {n}", slug=f"nouveau-{n}", trust_level=0)
    )


def _pending_review(author, *, at):
    """A premoderated member's review, submitted at `at`."""
    with time_machine.travel(at, tick=False):
        return review_submit(
            author=author,
            product=ProductFactory(),
            rating=4,
            title="Très pratique",
            body=BODY,
        )


def _decide(moderator, content, *, at, action=ModerationAction.APPROVE):
    with time_machine.travel(at, tick=False):
        moderation_decide(
            moderator=moderator,
            entries_or_contents=[content],
            action=action,
            reason="spam" if action == ModerationAction.REJECT else None,
        )


def _reviews_waited(moderator, hours, *, decided_at=None):
    """One review per wait in `hours`, each decided `decided_at` (default: an hour
    ago), submitted that many hours before."""
    decided_at = decided_at or timezone.now() - dt.timedelta(hours=1)
    for n, waited in enumerate(hours):
        review = _pending_review(
            _newcomer(f"{waited}-{n}"), at=decided_at - dt.timedelta(hours=waited)
        )
        _decide(moderator, review, at=decided_at)


def test_the_median_is_the_middle_wait_of_the_last_30_days(moderator):
    # given three reviews decided after 1, 2 and 9 hours, and one a month ago
    _reviews_waited(moderator, [1, 9, 2])
    _reviews_waited(moderator, [40], decided_at=timezone.now() - dt.timedelta(days=31))

    # when the clock is read
    wait = median_wait(kind="review", now=timezone.now())

    # then the middle wait of the recent three is the answer
    assert wait.median == dt.timedelta(hours=2)
    assert wait.decided == 3


def test_an_even_count_takes_the_mean_of_the_two_middle_waits(moderator):
    _reviews_waited(moderator, [1, 2, 4, 30])

    wait = median_wait(now=timezone.now())

    assert wait.median == dt.timedelta(hours=3)
    assert wait.decided == 4


def test_rejections_count_but_items_nobody_decided_do_not(moderator):
    # given one review rejected after 5 hours…
    now = timezone.now()
    rejected = _pending_review(_newcomer(1), at=now - dt.timedelta(hours=6))
    _decide(moderator, rejected, at=now - dt.timedelta(hours=1), action="reject")
    # …one its author withdrew after 100 hours, and one still waiting
    withdrawn = _pending_review(_newcomer(2), at=now - dt.timedelta(hours=101))
    with time_machine.travel(now - dt.timedelta(hours=1), tick=False):
        content_withdraw(content=withdrawn)
    _pending_review(_newcomer(3), at=now - dt.timedelta(hours=300))

    wait = median_wait(kind="review", now=now)

    assert wait.median == dt.timedelta(hours=5)
    assert wait.decided == 1


def test_each_kind_has_its_own_clock_and_an_empty_one_says_so(moderator):
    _reviews_waited(moderator, [3])

    assert median_wait(kind="review", now=timezone.now()).decided == 1
    assert median_wait(kind="idea", now=timezone.now()) is None
    assert median_wait(kind="no-such-kind", now=timezone.now()) is None
    # a moment before the decision, nothing had been decided yet
    assert median_wait(now=timezone.now() - dt.timedelta(hours=2)) is None


@pytest.mark.parametrize(
    ("wait", "words"),
    [
        (dt.timedelta(seconds=20), "Usually checked within 1 minute"),
        (dt.timedelta(minutes=42, seconds=5), "Usually checked within 43 minutes"),
        (dt.timedelta(hours=2, minutes=10), "Usually checked within 3 hours"),
        (dt.timedelta(hours=1), "Usually checked within 1 hour"),
        (dt.timedelta(hours=47, minutes=30), "Usually checked within 48 hours"),
        (dt.timedelta(days=3, hours=1), "Usually checked within 4 days"),
    ],
)
def test_a_wait_reads_in_the_unit_a_member_expects(wait, words):
    assert wait_words(wait) == words


def test_my_reviews_shows_the_clock_on_a_waiting_review(client, moderator):
    # given reviews decided after 2, 3 and 3 hours, and a newcomer's waiting review
    _reviews_waited(moderator, [2, 3, 3])
    waiting_author = _newcomer("me")
    _pending_review(waiting_author, at=timezone.now() - dt.timedelta(minutes=5))

    # when its author opens /me/reviews/
    client.force_login(waiting_author)
    page = client.get(reverse("reviews:mine")).content.decode()

    # then they read how long reviews usually wait, and on what it is based
    assert "<strong>Usually checked within 3 hours</strong>" in page
    assert "half of the 3 items decided in the last 30 days waited less" in page
    assert EMPTY not in page


def test_my_reviews_says_when_nothing_was_decided_yet(client):
    waiting_author = _newcomer("me")
    _pending_review(waiting_author, at=timezone.now() - dt.timedelta(minutes=5))

    client.force_login(waiting_author)
    page = client.get(reverse("reviews:mine")).content.decode()

    assert "A moderator will read it soon." in page
    assert EMPTY in page
    assert "Usually checked" not in page


def test_published_reviews_show_no_clock(client, moderator):
    _reviews_waited(moderator, [2])
    trusted = aged(MemberFactory(trust_level=2))
    _pending_review(trusted, at=timezone.now() - dt.timedelta(minutes=5))

    client.force_login(trusted)
    page = client.get(reverse("reviews:mine")).content.decode()

    assert "Usually checked" not in page
    assert EMPTY not in page


def test_the_clock_costs_the_same_for_one_or_many_waiting_reviews(
    client, moderator, django_assert_num_queries
):
    _reviews_waited(moderator, [2, 3])
    waiting_author = _newcomer("me")
    client.force_login(waiting_author)
    _pending_review(waiting_author, at=timezone.now() - dt.timedelta(minutes=60))
    client.get(reverse("reviews:mine"))  # warm the per-process caches
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("reviews:mine"))

    for n in range(4):
        # a minute apart: newcomers wait between two posts
        _pending_review(
            waiting_author, at=timezone.now() - dt.timedelta(minutes=50 - n)
        )
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(reverse("reviews:mine")).content.decode()

    assert page.count("Usually checked within 3 hours") == 5


def test_the_page_after_posting_a_waiting_review_shows_the_clock(client, moderator):
    # given reviews usually decided within 4 hours
    _reviews_waited(moderator, [4])
    product = ProductFactory(slug="arrosoir-10-l")
    newcomer = _newcomer("me")
    client.force_login(newcomer)

    # when a premoderated member posts a review
    response = client.post(
        reverse("reviews:create", args=[product.slug]),
        {"rating": 5, "title": "Très bien", "body": BODY},
        follow=True,
    )

    # then the page they land on says how long it will usually wait
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(product.get_absolute_url())
    assert "Usually checked within 4 hours" in page
    assert "from the one item decided in the last 30 days" in page


def test_a_waiting_idea_page_shows_the_ideas_clock(client, moderator):
    # given an idea decided after 20 minutes, and a newcomer's idea waiting
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(hours=2), tick=False):
        decided = idea_create(
            author=_newcomer(1),
            title="Coffre à outils ventilé",
            problem="Mes outils rouillent dans la remise humide chaque hiver.",
            proposal="Un coffre ventilé en bois traité, avec des crochets.",
        )
    _decide(
        moderator, decided, at=now - dt.timedelta(hours=2) + dt.timedelta(minutes=20)
    )
    author = _newcomer(2)
    waiting = idea_create(
        author=author,
        title="Tuteurs réglables pour tomates",
        problem="Les tuteurs vendus sont trop courts pour les tomates cerises.",
        proposal="Des tuteurs télescopiques jusqu'à deux mètres, en bambou.",
    )

    # when its author opens the waiting idea
    client.force_login(author)
    page = client.get(waiting.get_absolute_url()).content.decode()

    # then they read the ideas' own clock
    assert "Usually checked within 20 minutes" in page
