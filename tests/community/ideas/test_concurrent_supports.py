"""Members supporting at once leave exact counts and nobody over budget
(SQLite and PostgreSQL: run once with DATABASE_URL=postgres://…)."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from community.ideas.models import Idea, IdeasSettings, IdeaSupport
from community.ideas.services import idea_support
from tests.factories import MemberFactory

from .conftest import make_idea, with_retry

SUPPORTERS = 50


def run_at_once(actions):
    """Start every action on its own thread at the same moment; the errors."""
    barrier = threading.Barrier(len(actions))
    failures = []

    def run(action):
        try:
            barrier.wait()
            action()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def crowd(n, prefix):
    User = get_user_model()
    return User.objects.bulk_create(
        [
            User(
                email=f"{prefix}{k}@example.com",
                display_name=f"{prefix} {k}",
                slug=f"{prefix}-{k}",
                trust_level=1,
            )
            for k in range(n)
        ]
    )


@pytest.mark.django_db(transaction=True)
def test_fifty_members_supporting_at_once_give_an_exact_count():
    # given an open idea and 50 members, half of whom double-click
    idea = make_idea(MemberFactory(trust_level=2))
    supporters = crowd(SUPPORTERS, "s")

    def support(member):
        def action():
            with_retry(lambda: idea_support(idea=idea, member=member))
            if member.pk % 2:
                with_retry(lambda: idea_support(idea=idea, member=member))

        return action

    # when they all support it at the same moment
    failures = run_at_once([support(member) for member in supporters])

    # then every member counts once and the counts equal the rows
    assert failures == []
    idea.refresh_from_db()
    assert IdeaSupport.objects.filter(idea=idea).count() == SUPPORTERS
    assert idea.supporter_count == idea.recent_supporter_count == SUPPORTERS


@pytest.mark.django_db(transaction=True)
def test_one_member_clicking_everywhere_at_once_stays_within_budget():
    # given a budget of 3, a member holding one support already, and 8 more
    # clicks of theirs on 8 ideas at the same moment
    settings = IdeasSettings.load()
    settings.support_budget = 3
    settings.save()
    author = MemberFactory(trust_level=2)
    ideas = [make_idea(author, title=f"Idée {n}") for n in range(9)]
    [member] = crowd(1, "b")
    with_retry(lambda: idea_support(idea=ideas[8], member=member))

    def support(idea):
        return lambda: with_retry(lambda: idea_support(idea=idea, member=member))

    failures = run_at_once([support(idea) for idea in ideas[:8]])

    # then two more go through, the others are refused in words
    assert len(failures) == 6
    assert all("as many as you may" in str(error) for error in failures)
    held = IdeaSupport.objects.filter(member=member, released_at__isnull=True).count()
    assert held == 3
    for idea in Idea.objects.all():
        assert idea.supporter_count == IdeaSupport.objects.filter(idea=idea).count()
