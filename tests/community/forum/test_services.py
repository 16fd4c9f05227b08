"""The forum's writes as members meet them: starting topics, replying, quoting,
editing inside and outside the window, likes, watches, bookmarks, accepted
answers, read marks, and bad input refused in words."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community.forum.models import (
    Bookmark,
    DigestPreference,
    ForumSettings,
    Post,
    PostLike,
    PostRevision,
    Topic,
    TopicAction,
    TopicRead,
    Watch,
)
from community.forum.services import (
    ForumRefused,
    answer_accept,
    answer_unaccept,
    bookmark_set,
    digest_frequency_set,
    post_edit,
    post_like,
    post_reply,
    post_unlike,
    quote_markdown,
    topic_read_mark,
    topic_start,
    watch_set,
)
from community.moderation.models import ModerationAction, ModerationStatus, QueueEntry
from community.moderation.services import moderation_decide
from comptoir.markup import markdown_to_safe_html
from tests.community.reviews.conftest import sale_for

from .core_fixtures import *  # noqa: F403 (fixtures)
from .core_fixtures import BODY, REPLY, member

pytestmark = pytest.mark.django_db


def words(refused: ForumRefused) -> str:
    return " ".join(refused.value.messages)


def fresh(obj):
    obj.refresh_from_db()
    return obj


# --- starting and replying ---------------------------------------------------------


def test_a_trusted_members_topic_opens_at_once_with_its_first_post(
    author, category, product
):
    topic = topic_start(
        author=author,
        category=category,
        title="  Tailler   les rosiers ",
        body=BODY,
        tags=["Rosiers", "taille", "rosiers"],
        product=product,
    )

    assert topic.status == ModerationStatus.PUBLISHED
    assert topic.title == "Tailler les rosiers"
    assert sorted(topic.tags.names()) == ["rosiers", "taille"]
    first = topic.posts.get()
    assert (first.number, first.body, first.status) == (1, BODY, "published")
    assert (fresh(topic).post_count, topic.reply_count, topic.last_number) == (1, 0, 1)
    category = fresh(category)
    assert (category.topic_count, category.post_count) == (1, 1)
    assert category.last_topic_id == topic.pk
    assert Watch.objects.filter(member=author, topic=topic).exists()


def test_a_premoderated_topic_waits_with_its_post_then_opens_on_approval(
    basic, category, moderator
):
    topic = topic_start(author=basic, category=category, title="Mon potager", body=BODY)

    assert topic.status == ModerationStatus.PENDING
    assert topic.posts.get().status == ModerationStatus.PENDING
    assert QueueEntry.objects.filter(object_id=topic.pk, closed_at=None).count() == 1
    assert fresh(category).topic_count == 0

    moderation_decide(
        moderator=moderator,
        entries_or_contents=[topic],
        action=ModerationAction.APPROVE,
    )

    assert fresh(topic).status == ModerationStatus.PUBLISHED
    assert topic.posts.get().status == ModerationStatus.PUBLISHED
    assert (fresh(category).topic_count, category.post_count) == (1, 1)


def test_replies_are_numbered_counted_and_move_the_last_activity(
    topic, replier, author, category
):
    first = post_reply(author=replier, topic=topic, body=REPLY)
    second = post_reply(author=author, topic=topic, body="Merci !", reply_to=first)

    assert (first.number, second.number) == (2, 3)
    assert second.reply_to == first
    topic = fresh(topic)
    assert (topic.post_count, topic.reply_count, topic.last_poster) == (3, 2, author)
    assert fresh(category).post_count == 3


def test_a_premoderated_reply_is_not_counted_until_approved(topic, basic, moderator):
    reply = post_reply(author=basic, topic=topic, body=REPLY)

    assert reply.status == ModerationStatus.PENDING
    assert fresh(topic).post_count == 1
    moderation_decide(
        moderator=moderator,
        entries_or_contents=[reply],
        action=ModerationAction.APPROVE,
    )
    assert fresh(topic).post_count == 2


def test_a_reply_by_a_verified_owner_of_the_product_carries_the_mark(
    author, replier, category, product
):
    question = topic_start(
        author=author,
        category=category,
        title="Le Sécateur Pro tient-il ?",
        body=BODY,
        product=product,
    )
    sale_for(replier, product)
    owner = post_reply(author=replier, topic=question, body=REPLY)
    other = post_reply(author=member(2, "Autre"), topic=question, body=REPLY)

    assert owner.by_verified_owner is True
    assert other.by_verified_owner is False


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", "empty"),
        ("   \x00 ", "empty"),
        ("x" * 20_001, "20,000 characters at most"),
    ],
)
def test_an_empty_or_huge_post_is_refused_in_words(topic, replier, body, expected):
    with pytest.raises(ForumRefused) as refused:
        post_reply(author=replier, topic=topic, body=body)

    assert expected in words(refused)
    assert "body" in refused.value.message_dict
    assert fresh(topic).last_number == 1


def test_a_bad_title_or_too_many_tags_is_refused_by_field(author, category):
    with pytest.raises(ForumRefused) as refused:
        topic_start(author=author, category=category, title="Ok", body=BODY)
    assert "title" in refused.value.message_dict

    with pytest.raises(ForumRefused) as refused:
        topic_start(
            author=author,
            category=category,
            title="Beaucoup de tags",
            body=BODY,
            tags="a,b,c,d,e,f",
        )
    assert "5 tags at most" in words(refused)
    assert not Topic.objects.exists()


def test_a_closed_topic_takes_no_reply_but_a_moderators(topic, replier, moderator):
    Topic.objects.filter(pk=topic.pk).update(is_closed=True)

    with pytest.raises(ForumRefused) as refused:
        post_reply(author=replier, topic=topic, body=REPLY)

    assert "closed" in words(refused)
    assert (
        post_reply(author=moderator, topic=topic, body="Fermé : doublon.").number == 2
    )


def test_a_pending_topic_takes_no_reply(basic, category, replier):
    pending = topic_start(
        author=basic, category=category, title="En attente", body=BODY
    )

    with pytest.raises(ForumRefused) as refused:
        post_reply(author=replier, topic=pending, body=REPLY)

    assert "does not exist" in words(refused)


def test_a_suspended_member_reads_but_does_not_post(topic, suspended):
    with pytest.raises(ForumRefused) as refused:
        post_reply(author=suspended, topic=topic, body=REPLY)

    assert "suspended" in words(refused)


def test_the_shops_news_are_started_by_staff_only(news, author, staff):
    with pytest.raises(ForumRefused) as refused:
        topic_start(author=author, category=news, title="Une nouvelle", body=BODY)
    assert "staff" in words(refused)

    assert topic_start(author=staff, category=news, title="Soldes", body=BODY).pk


# --- quoting -------------------------------------------------------------------------


def test_a_quote_of_a_shown_post_names_its_author_and_number(topic, replier):
    reply = post_reply(author=replier, topic=topic, body=REPLY)

    quote = quote_markdown(post=reply, user=topic.author, excerpt="fin février")

    assert quote.startswith("> **Paul wrote (post 2):**")
    assert "> fin février" in quote


def test_quoting_or_replying_to_a_hidden_post_is_refused(topic, replier, author):
    reply = post_reply(author=replier, topic=topic, body=REPLY)
    Post.objects.filter(pk=reply.pk).update(status=ModerationStatus.HIDDEN)
    reply = fresh(reply)

    with pytest.raises(ForumRefused) as refused:
        quote_markdown(post=reply, user=author)
    assert "cannot be quoted" in words(refused)

    with pytest.raises(ForumRefused) as refused:
        post_reply(
            author=author, topic=topic, body="> cité\n\nEt alors ?", reply_to=reply
        )
    assert "not shown" in words(refused)


def test_a_quote_of_words_not_in_the_post_is_refused(topic, replier, author):
    reply = post_reply(author=replier, topic=topic, body=REPLY)

    with pytest.raises(ForumRefused):
        quote_markdown(post=reply, user=author, excerpt="des mots inventés")


# --- editing -------------------------------------------------------------------------


def test_an_edit_inside_the_window_keeps_the_earlier_text(topic, replier):
    reply = post_reply(author=replier, topic=topic, body=REPLY)

    edited = post_edit(post=reply, editor=replier, body=REPLY + " Désinfectez la lame.")

    assert edited.body.endswith("Désinfectez la lame.")
    assert edited.edit_count == 1 and edited.edited_at is not None
    assert list(
        PostRevision.objects.filter(post=reply).values_list("body", flat=True)
    ) == [REPLY]


def test_an_edit_after_the_window_of_ones_level_is_refused(topic, basic, replier):
    reply = post_reply(author=basic, topic=topic, body=REPLY)
    day_later = timezone.now() + dt.timedelta(hours=25)

    with pytest.raises(ForumRefused) as refused:
        post_edit(post=reply, editor=basic, body="Autre chose", now=day_later)
    assert "24 hours" in words(refused)

    trusted = post_reply(author=replier, topic=topic, body=REPLY)
    post_edit(post=trusted, editor=replier, body="Encore juste", now=day_later)
    with pytest.raises(ForumRefused) as refused:
        post_edit(
            post=trusted,
            editor=replier,
            body="Trop tard",
            now=timezone.now() + dt.timedelta(days=31),
        )
    assert "30 days" in words(refused)
    assert PostRevision.objects.filter(post=trusted).count() == 1


def test_level_4_edits_always_and_nobody_edits_someone_elses_post(
    topic, leader, replier
):
    reply = post_reply(author=leader, topic=topic, body=REPLY)
    post_edit(
        post=reply,
        editor=leader,
        body="Des années après",
        now=timezone.now() + dt.timedelta(days=900),
    )

    with pytest.raises(ForumRefused) as refused:
        post_edit(post=reply, editor=replier, body="Pas à moi")
    assert "Only its author" in words(refused)


def test_a_premoderated_members_edit_waits_for_a_moderator_again(
    topic, basic, moderator
):
    reply = post_reply(author=basic, topic=topic, body=REPLY)
    moderation_decide(
        moderator=moderator,
        entries_or_contents=[reply],
        action=ModerationAction.APPROVE,
    )

    edited = post_edit(post=reply, editor=basic, body="Nouveau texte à relire")

    assert edited.status == ModerationStatus.PENDING
    assert fresh(topic).post_count == 1


# --- likes ---------------------------------------------------------------------------


def test_a_like_counts_once_on_the_post_and_the_topic(topic, replier, author):
    reply = post_reply(author=replier, topic=topic, body=REPLY)

    post_like(post=reply, member=author)
    post_like(post=reply, member=author)

    assert fresh(reply).like_count == 1
    assert fresh(topic).like_count == 1
    post_unlike(post=reply, member=author)
    assert (fresh(reply).like_count, fresh(topic).like_count) == (0, 0)
    assert not PostLike.objects.exists()


def test_liking_ones_own_post_is_refused(topic, author):
    with pytest.raises(ForumRefused) as refused:
        post_like(post=topic.posts.get(), member=author)

    assert "your own post" in words(refused)


def test_likes_per_day_are_limited_by_trust_level(topic, replier, basic):
    ForumSettings.objects.update_or_create(
        pk=ForumSettings.load().pk, defaults={"likes_per_day_new": 2}
    )
    posts = [
        post_reply(
            author=replier,
            topic=topic,
            body=f"Réponse {n}",
        )
        for n in range(3)
    ]
    post_like(post=posts[0], member=basic)
    post_like(post=posts[1], member=basic)

    with pytest.raises(ForumRefused) as refused:
        post_like(post=posts[2], member=basic)
    assert "2 likes" in words(refused)

    tomorrow = timezone.now() + dt.timedelta(hours=25)
    post_like(post=posts[2], member=basic, now=tomorrow)
    assert fresh(posts[2]).like_count == 1


# --- watching, bookmarks, digest -----------------------------------------------------


def test_watching_a_topic_or_a_category_and_stopping(topic, replier, category):
    watch_set(member=replier, topic=topic, watching=True)
    watch_set(member=replier, topic=topic, watching=True)
    watch_set(member=replier, category=category, watching=True)
    assert Watch.objects.filter(member=replier).count() == 2

    watch_set(member=replier, topic=topic, watching=False)
    assert list(
        Watch.objects.filter(member=replier).values_list("category", flat=True)
    ) == [category.pk]
    with pytest.raises(ForumRefused):
        watch_set(member=replier, watching=True)


def test_a_staff_room_cannot_be_watched_by_members(staff_room, replier, staff):
    with pytest.raises(ForumRefused):
        watch_set(member=replier, category=staff_room, watching=True)
    watch_set(member=staff, category=staff_room, watching=True)


def test_a_bookmark_is_kept_once_and_let_go(topic, replier):
    post = topic.posts.get()
    bookmark_set(member=replier, post=post, kept=True)
    bookmark_set(member=replier, post=post, kept=True)
    assert Bookmark.objects.filter(member=replier).count() == 1
    bookmark_set(member=replier, post=post, kept=False)
    assert not Bookmark.objects.exists()


def test_the_digest_frequency_is_one_of_the_choices(replier):
    digest_frequency_set(member=replier, frequency="daily")
    assert DigestPreference.objects.get(member=replier).frequency == "daily"

    with pytest.raises(ForumRefused) as refused:
        digest_frequency_set(member=replier, frequency="hourly")
    assert "frequency" in refused.value.message_dict


# --- accepted answers ----------------------------------------------------------------


def test_the_topics_author_accepts_a_reply_and_its_author_is_told(topic, replier):
    reply = post_reply(author=replier, topic=topic, body=REPLY)

    answer_accept(topic=topic, post=reply, by=topic.author)

    assert fresh(topic).accepted_post == reply
    assert TopicAction.objects.filter(topic=topic, kind="accepted").exists()
    assert replier.notifications.filter(kind="forum_answer_accepted").count() == 1
    answer_unaccept(topic=topic, by=topic.author)
    assert fresh(topic).accepted_post is None


def test_only_the_author_or_staff_accept_and_only_a_shown_reply(topic, replier, staff):
    reply = post_reply(author=replier, topic=topic, body=REPLY)

    with pytest.raises(ForumRefused):
        answer_accept(topic=topic, post=reply, by=replier)
    with pytest.raises(ForumRefused) as refused:
        answer_accept(topic=topic, post=topic.posts.get(number=1), by=staff)
    assert "choose a reply" in words(refused)

    Post.objects.filter(pk=reply.pk).update(status=ModerationStatus.HIDDEN)
    with pytest.raises(ForumRefused):
        answer_accept(topic=topic, post=reply, by=staff)


# --- read marks ----------------------------------------------------------------------


def test_a_read_mark_is_one_write_and_only_goes_forward(topic, replier, author):
    for n in range(4):
        post_reply(author=author, topic=topic, body=f"Suite {n}")
    topic = fresh(topic)

    with CaptureQueriesContext(connection) as queries:
        topic_read_mark(member=replier, topic=topic, number=3)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert len(writes) == 1
    assert TopicRead.objects.get(member=replier).last_read_number == 3

    topic_read_mark(member=replier, topic=topic, number=2)
    assert TopicRead.objects.get(member=replier).last_read_number == 3
    topic_read_mark(member=replier, topic=topic, number=999)
    assert TopicRead.objects.get(member=replier).last_read_number == 5
    topic_read_mark(member=replier, topic=topic, number="nonsense")
    assert TopicRead.objects.filter(member=replier).count() == 1


def test_ones_own_topic_and_reply_are_read_already(topic, replier, author):
    # the author of the topic has read its post 1
    assert TopicRead.objects.get(member=author, topic=topic).last_read_number == 1
    # a reply is read by the one who wrote it, not by the others
    post_reply(author=replier, topic=topic, body=REPLY)
    assert TopicRead.objects.get(member=replier, topic=topic).last_read_number == 2
    assert TopicRead.objects.get(member=author, topic=topic).last_read_number == 1


# --- hostile Markdown ----------------------------------------------------------------


def test_hostile_markdown_is_kept_as_written_and_shown_inert(topic, replier):
    hostile = (
        "<script>alert(1)</script>\n\n[clic](javascript:alert(2)) "
        '<img src=x onerror="alert(3)">'
    )
    reply = post_reply(author=replier, topic=topic, body=hostile)

    html = markdown_to_safe_html(reply.body)
    assert reply.body == hostile
    # Everything the member typed is text: no tag, no link that runs script.
    assert "<script" not in html and "<img" not in html
    assert "href=" not in html
    assert "&lt;script&gt;" in html


def test_a_product_question_names_a_catalog_product_or_is_refused(
    author, category, product
):
    topic = topic_start(
        author=author,
        category=category,
        title="Quel sécateur choisir ?",
        body=BODY,
        product=str(product.pk),
    )
    assert topic.product == product

    with pytest.raises(ForumRefused) as refused:
        topic_start(
            author=author,
            category=category,
            title="Un produit inconnu",
            body=BODY,
            product="999999",
        )
    assert "product" in refused.value.message_dict


def test_a_topic_in_no_known_category_is_refused_by_field(author):
    for category in (None, "nope", 999999):
        with pytest.raises(ForumRefused) as refused:
            topic_start(author=author, category=category, title="Où ça ?", body=BODY)
        assert refused.value.message_dict == {"category": ["Choose a category."]}
