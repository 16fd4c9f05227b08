"""The demo forum: five categories, eighty topics and their replies, likes,
mentions, accepted answers by verified owners, a pinned and a closed topic, and
a harvest thread long enough to page through.

Everything goes through the forum's services (community/forum/services.py), in
the order it happened, each call given its moment as `now=`, so the rules hold:
who may start where, closed topics, likes per day, the verified-owner mark read
from the demo sales. The past is written by members of trust level 2 and above
and the staff (below, a post waits for a moderator); today's posts of newer
members wait in the moderation queue.

Some rows are stamped by the real clock below the forum's services (the
moderation status, notifications, mentions, posting records, watches): each
call's rows are moved to its moment, as they would read had it happened then.
What the services leave for after the commit (e-mails of mentions, live pushes,
cache forgetting) is dropped for the past: its notifications are in the app,
and e-mailing thirty members about last spring would reach nobody now.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone, translation

from community.forum.cached_pages import forum_pages_forget
from community.forum.models import (
    Bookmark,
    ForumCategory,
    Post,
    PostLike,
    PostMention,
    Topic,
    Watch,
    WhoMayStart,
)
from community.forum.services import (
    ForumRefused,
    answer_accept,
    bookmark_set,
    digest_frequency_set,
    post_like,
    post_reply,
    quote_markdown,
    topic_close,
    topic_pin,
    topic_read_mark,
    topic_start,
    watch_set,
)
from community.members.models import PostingRecord
from community.moderation.models import ModerationStatus
from community.notifications.models import Notification
from comptoir.progress import Progress
from marketplace.catalog.models import Product
from marketplace.sales.models import SaleEvent
from marketplace.sales.selectors import sale_events_of_customer

from .errors import DemoError
from .forum_data import (
    CATEGORIES,
    MODERATOR,
    OWNER,
    STAFF,
    TOPICS,
    Reply,
    TopicSpec,
    harvest_replies,
)
from .members import MEMBERS, member_email
from .moderation import moderator_build
from .reviews import _staff_member

# The demo member people log in as (README, "Demo accounts").
DEMO_MEMBER = "Camille du potager"
# Rows the services stamp with the real clock: moved to the moment of the call.
STAMPED = (Notification, PostMention, PostingRecord, Watch, Bookmark)
# Notifications older than this were read; the newer ones wait in the header.
READ_BEFORE = dt.timedelta(days=10)

# Today's posts by members of trust level 1, premoderated: (author, topic title or
# "", category, title, body); an empty topic title starts a topic. Level 0 would
# do too, but moderation's pause between two posts reads the real clock, and the
# ideas and reviews steps post for some of them a few seconds earlier.
WAITING_NOW = [
    (
        "Manon P.",
        "",
        "jardinage",
        "Citronnier en pot qui perd ses feuilles",
        "Mon citronnier, sur mon petit balcon lyonnais, perd ses feuilles depuis "
        "que les nuits sont fraîches. Je le rentre ou c'est normal ?",
    ),
    (
        "Raphaël M.",
        "Meubles de jardin en palettes : quel bois choisir ?",
        "",
        "",
        "Je confirme pour le marquage HT. Je brosse aussi chaque planche à la "
        "brosse métallique avant de poncer : beaucoup moins d'échardes.",
    ),
    (
        "Victor Dupont",
        "Carré potager surélevé : quelle hauteur pour le dos ?",
        "",
        "",
        "Nous avons fait le nôtre avec les chutes de l'abri de jardin, à 70 cm : "
        "les enfants y arrivent aussi. Pensez à un feutre géotextile contre le bois.",
    ),
]


class DemoForumError(DemoError):
    """The forum's services refused the demo's timeline: a bug in the data."""


@dataclass
class _Plan:
    """One topic's story: its spec, who writes each post, and when."""

    spec: TopicSpec
    replies: list[Reply]
    authors: list  # post 1's author, then each reply's
    moments: list[dt.datetime]  # post 1, then each reply
    topic: Topic | None = None
    posts: dict[int, Post] = field(default_factory=dict)


class _Clock:
    """Moves the rows a service call stamped with the real clock to its moment."""

    def __init__(self) -> None:
        self.marks = {model: self._top(model) for model in STAMPED}

    @staticmethod
    def _top(model) -> int:
        return model.objects.aggregate(top=Max("pk"))["top"] or 0

    def at(self, moment: dt.datetime) -> None:
        for model in STAMPED:
            moved = model.objects.filter(pk__gt=self.marks[model]).update(
                created_at=moment
            )
            if moved:
                self.marks[model] = self._top(model)


@contextmanager
def _after_commit_dropped() -> Iterator[None]:
    """Run the block in a savepoint and drop what it left for after the commit.

    The callbacks are the services' own (e-mails, live pushes, cache forgetting)
    and Django keeps them in `connection.run_on_commit` until the outermost
    transaction commits; the caller registers the cache forgetting again once.
    """
    connection = transaction.get_connection()
    with transaction.atomic():
        start = len(connection.run_on_commit)
        yield
        del connection.run_on_commit[start:]


def _members() -> dict[str, object]:
    """The demo's members, staff and moderator by display name."""
    User = get_user_model()
    emails = [member_email(first, last) for first, last, *_ in MEMBERS]
    people = {m.display_name: m for m in User.objects.filter(email__in=emails)}
    if len(people) < len(MEMBERS):
        return {}
    people[STAFF] = _staff_member()
    people[MODERATOR] = moderator_build()
    return people


def _categories() -> dict[str, ForumCategory]:
    categories = {}
    for position, spec in enumerate(CATEGORIES, start=1):
        category, _created = ForumCategory.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "description": spec.description,
                "colour": spec.colour,
                "position": position * 10,
                "who_may_start": WhoMayStart.STAFF
                if spec.staff_only_start
                else WhoMayStart.MEMBERS,
            },
        )
        categories[spec.slug] = category
    return categories


def _bought(member, product: Product) -> bool:
    """A sale matched to the member, as the forum's verified-owner mark reads it."""
    return (
        sale_events_of_customer(member=member)
        .filter(product=product, kind=SaleEvent.Kind.SALE)
        .exists()
    )


def _owner(spec: TopicSpec, product: Product, people: dict, taken: set, start):
    """Who answers a product question as its verified owner: the first of the
    spec's `owners` who bought it, else any other posting member who did (and
    had joined when the question was asked)."""
    asker = spec.author
    names = list(spec.owners) + sorted(
        name
        for name, person in people.items()
        if getattr(person, "trust_level", 0) >= 2 and not person.is_staff
    )
    for name in names:
        if name in (asker, *taken) or people[name].date_joined > start:
            continue
        if _bought(people[name], product):
            return people[name]
    raise DemoForumError(
        f"No demo member bought {product.sku} to answer “{spec.title}”."
    )


def _daytime(rng: random.Random, moment: dt.datetime) -> dt.datetime:
    """The same day, at an hour people write (8:00–22:00, local time)."""
    local = timezone.localtime(moment)
    minutes = rng.randint(8 * 60, 22 * 60)
    return local.replace(hour=minutes // 60, minute=minutes % 60, second=0)


def _plans(people: dict, rng: random.Random, now: dt.datetime) -> list[_Plan]:
    slugs = {name: person.slug for name, person in people.items()}
    plans = []
    for spec in TOPICS:
        product = Product.objects.get(sku=spec.product) if spec.product else None
        replies = harvest_replies(rng, slugs) if spec.long else list(spec.replies)
        start = _daytime(rng, now - dt.timedelta(days=spec.days))
        if start > now - dt.timedelta(hours=3):
            start = now - dt.timedelta(days=spec.days)
        authors = [people[spec.author]]
        taken = {r.author for r in replies if r.author != OWNER}
        for reply in replies:
            if reply.author == OWNER:
                authors.append(_owner(spec, product, people, taken, start))
            else:
                authors.append(people[reply.author])
        # A thread lives a few days; the harvest thread all summer long.
        if spec.long:
            gaps = [rng.uniform(10, 50) for _ in replies]
        else:
            gaps = [rng.uniform(0.4, 30) for _ in replies]
        room = (now - dt.timedelta(minutes=30) - start).total_seconds() / 3600
        total = sum(gaps)
        if total > room:
            gaps = [gap * room / total for gap in gaps]
        moments = [start]
        for gap in gaps:
            moments.append(moments[-1] + dt.timedelta(hours=gap))
        for author, moment in zip(authors, moments, strict=True):
            if not author.is_staff and moment < author.date_joined:
                raise DemoForumError(
                    f"{author.display_name} joined after writing in “{spec.title}”."
                )
        plans.append(_Plan(spec, replies, authors, moments))
    return plans


def _likers(people: dict, post_author, moment, rng, k: int) -> list:
    candidates = [
        person
        for name, person in sorted(people.items())
        if person.pk != post_author.pk
        and name not in (STAFF, MODERATOR)
        and person.date_joined < moment
    ]
    return rng.sample(candidates, k=min(k, len(candidates)))


def _events(plans, categories, people, rng, now) -> list[tuple]:
    """Every call of the past as (moment, order, kind, label, call), oldest
    first; each call is given its moment."""
    moderator = people[MODERATOR]
    latest = now - dt.timedelta(minutes=10)
    events: list[tuple] = []

    def add(moment, kind: str, label: str, call: Callable[[dt.datetime], object]):
        events.append((min(moment, latest), len(events), kind, label, call))

    for plan in plans:
        spec = plan.spec
        product = Product.objects.get(sku=spec.product) if spec.product else None

        def start(at, plan=plan, spec=spec, product=product):
            plan.topic = topic_start(
                author=plan.authors[0],
                category=categories[spec.category],
                title=spec.title,
                body=spec.body,
                tags=spec.tags,
                product=product,
                now=at,
            )
            plan.posts[1] = plan.topic.posts.get(number=1)

        def answer(at, number, plan=plan):
            reply, author = plan.replies[number - 2], plan.authors[number - 1]
            body, reply_to = reply.body, None
            if reply.quote:
                quoted, words = reply.quote
                reply_to = plan.posts[quoted]
                body = quote_markdown(post=reply_to, user=author, excerpt=words)
                body += reply.body
            post = post_reply(
                author=author, topic=plan.topic, body=body, reply_to=reply_to, now=at
            )
            if post.number != number or not post.is_published:
                raise DemoForumError(f"Reply {number} of “{plan.spec.title}”.")
            if reply.author == OWNER and not post.by_verified_owner:
                raise DemoForumError(
                    f"The owner's answer to “{plan.spec.title}” is not verified."
                )
            plan.posts[number] = post

        add(plan.moments[0], "start", spec.title, start)
        if spec.pinned:
            add(
                plan.moments[0] + dt.timedelta(minutes=10),
                "pin",
                spec.title,
                lambda at, plan=plan: topic_pin(
                    topic=plan.topic, by=moderator, pinned=True, now=at
                ),
            )
        for number, moment in enumerate(plan.moments[1:], start=2):
            add(
                moment,
                "reply",
                spec.title,
                lambda at, answer=answer, number=number: answer(at, number=number),
            )
        if spec.accepted:
            add(
                plan.moments[spec.accepted - 1]
                + dt.timedelta(hours=rng.uniform(1, 12)),
                "accept",
                spec.title,
                lambda at, plan=plan: answer_accept(
                    topic=plan.topic,
                    post=plan.posts[plan.spec.accepted],
                    by=plan.authors[0],
                    now=at,
                ),
            )
        if spec.closed:
            add(
                plan.moments[-1] + dt.timedelta(minutes=20),
                "close",
                spec.title,
                lambda at, plan=plan: topic_close(
                    topic=plan.topic, by=moderator, closed=True, now=at
                ),
            )
        # Likes: a few per post, more for opening posts and accepted answers.
        for number, (author, moment) in enumerate(
            zip(plan.authors, plan.moments, strict=True), start=1
        ):
            k = rng.choices((0, 1, 2, 3, 5), (42, 28, 15, 9, 6))[0]
            if number == 1 and not spec.long:
                k += 1
            if number == spec.accepted:
                k += 3
            for liker in _likers(people, author, moment, rng, k):
                add(
                    moment + dt.timedelta(hours=rng.uniform(0.2, 72)),
                    "like",
                    spec.title,
                    lambda at, plan=plan, number=number, liker=liker: post_like(
                        post=plan.posts[number], member=liker, now=at
                    ),
                )
    events.sort(key=lambda event: (event[0], event[1]))
    return events


def _demo_member_reads(plans, member, rng, now) -> int:
    """What the demo member follows and has read: a watched category, a few
    watched topics and bookmarks, most topics read, the latest ones not (the
    lists show "n new"), a weekly digest."""
    potager = next(p.topic.category for p in plans if p.spec.category == "potager")
    watch_set(member=member, category=potager, watching=True)
    others = [plan for plan in plans if plan.topic.author_id != member.pk]
    for plan in others[:: max(len(others) // 5, 1)][:5]:
        watch_set(member=member, topic=plan.topic, watching=True)
    for plan in [plan for plan in plans if plan.spec.accepted][:2]:
        bookmark_set(member=member, post=plan.posts[plan.spec.accepted], kept=True)
    recent = now - dt.timedelta(days=12)
    read = 0
    for plan in plans:
        topic = Topic.objects.get(pk=plan.topic.pk)
        if plan.moments[0] > recent and rng.random() < 0.7:
            continue  # new to her: "New" in the lists
        behind = rng.choice((0, 0, 0, 1, 2)) if plan.moments[-1] > recent else 0
        number = max(topic.last_number - behind, 1)
        seen = plan.moments[min(number, len(plan.moments)) - 1]
        topic_read_mark(
            member=member,
            topic=topic,
            number=number,
            now=min(seen + dt.timedelta(hours=2), now),
        )
        read += 1
    digest_frequency_set(member=member, frequency="weekly")
    return read


def _waiting_now(people: dict, plans, categories) -> int:
    """Today's topic and replies by newer members: premoderated, in the queue."""
    by_title = {plan.spec.title: plan.topic for plan in plans}
    waiting = 0
    for author, topic_title, category, title, body in WAITING_NOW:
        member = people[author]
        if topic_title:
            post = post_reply(author=member, topic=by_title[topic_title], body=body)
            waiting += post.status == ModerationStatus.PENDING
        else:
            topic = topic_start(
                author=member, category=categories[category], title=title, body=body
            )
            waiting += topic.status == ModerationStatus.PENDING
    return waiting


def forum_build(*, progress: Progress) -> int:
    """The demo forum; nothing if topics are already there. Returns how many
    topics were made.

    Runs after the sales (verified owners are read from them), the trust levels
    and the reviews (the shop's staff account).
    """
    if Topic.objects.exists():
        return 0
    people = _members()
    if not people:
        return 0
    step = progress.step("Forum", len(TOPICS))
    rng = random.Random(10)
    now = timezone.now()
    with translation.override("fr"), transaction.atomic():
        categories = _categories()
        plans = _plans(people, rng, now)
        notifications_before = _Clock._top(Notification)
        refused_likes = 0
        with _after_commit_dropped():
            clock = _Clock()
            for moment, _order, kind, label, call in _events(
                plans, categories, people, rng, now
            ):
                try:
                    call(moment)
                except ForumRefused as refused:
                    if kind != "like":
                        raise DemoForumError(f"“{label}”: {refused.messages}") from None
                    refused_likes += 1  # the day's likes were given: the rule holds
                if kind != "like":  # a like is stamped with its `now` only
                    clock.at(moment)
                if kind == "start":
                    step.advance()
            topic_ids = [plan.topic.pk for plan in plans]
            # Published when written: moderation stamped the status with its clock.
            written = {
                "status_changed_at": F("created_at"),
                "published_at": F("created_at"),
                "updated_at": F("created_at"),
            }
            published = ModerationStatus.PUBLISHED
            Topic.objects.filter(pk__in=topic_ids, status=published).update(**written)
            Post.objects.filter(topic_id__in=topic_ids, status=published).update(
                **written
            )
            read = _demo_member_reads(plans, people[DEMO_MEMBER], rng, now)
            clock.at(now - dt.timedelta(days=2))
            Notification.objects.filter(
                pk__gt=notifications_before, created_at__lt=now - READ_BEFORE
            ).update(read_at=F("created_at") + dt.timedelta(hours=8))
            # Visits are not replayed: views in proportion to the posts.
            topics = list(Topic.objects.filter(pk__in=topic_ids))
            for topic in topics:
                views = topic.post_count * rng.randint(6, 18)
                topic.view_count = views + rng.randint(15, 90)
            Topic.objects.bulk_update(topics, ["view_count"])
        forum_pages_forget(*topics)
        waiting = _waiting_now(people, plans, categories)
    posts = Post.objects.filter(topic_id__in=topic_ids).count()
    likes = PostLike.objects.filter(post__topic_id__in=topic_ids).count()
    step.count = len(plans)
    step.done(
        f"{posts} posts, {likes} likes, "
        f"{sum(1 for plan in plans if plan.spec.accepted)} accepted answers, "
        f"{read} topics read by the demo member, {waiting} waiting"
        + (f", {refused_likes} likes over the daily limit" if refused_likes else "")
    )
    return len(plans)
