"""The forum's text: links by trust level, images through the checked upload
path, and post bodies in the site search (community/forum, issue 10)."""

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from community.forum.member_data import (
    forum_erase,
    forum_erase_summary,
    forum_export,
    forum_files,
)
from community.forum.models import POST_MAX_LENGTH, Post, PostImage, Topic
from community.forum.services import (
    ForumRefused,
    post_edit,
    post_reply,
    posts_split,
    topic_start,
)
from community.moderation.models import ModerationAction, ModerationStatus
from community.moderation.services import moderation_decide, report_create
from comptoir.markup import markdown_to_safe_html

from .core_fixtures import *  # noqa: F403 (fixtures)
from .core_fixtures import BODY, REPLY, member

pytestmark = pytest.mark.django_db

LINK = "Voir [la fiche](https://example.org/taille) pour les détails."


def text(response) -> str:
    return response.content.decode()


def rels(html: str) -> list[str]:
    return re.findall(r'<a href="https://example\.org/taille" rel="([^"]*)"', html)


def image_upload(fmt="JPEG", size=(64, 48), name=None):
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 160, 60)).save(buffer, fmt)
    extension = {"JPEG": "jpg"}.get(fmt, fmt.lower())
    return SimpleUploadedFile(
        name or f"photo.{extension}", buffer.getvalue(), content_type="image/jpeg"
    )


def png_claiming(width: int, height: int) -> SimpleUploadedFile:
    """A few hundred bytes whose PNG header claims `width` × `height` pixels."""
    buffer = io.BytesIO()
    Image.new("L", (8, 8)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    # The IHDR chunk: length (8), type (12), width and height (16, 20), CRC (29).
    struct.pack_into(">II", data, 16, width, height)
    struct.pack_into(">I", data, 29, zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF)
    return SimpleUploadedFile("huge.png", bytes(data), content_type="image/png")


def private_files() -> set[str]:
    root = Path(settings.PRIVATE_MEDIA_ROOT) / "forum_images"
    return {path.name for path in root.rglob("*") if path.is_file()}


def public_files() -> set[str]:
    return {
        path.name for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()
    }


def topic_page(client, topic) -> str:
    response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    return text(response)


def refusal(error) -> str:
    return " ".join(error.value.messages)


# --- Links: rel="nofollow ugc" below trust level 3 ----------------------------------


def test_links_of_a_trust_level_2_author_are_nofollow(client, author, category):
    topic = topic_start(author=author, category=category, title="Taille", body=LINK)

    assert rels(topic_page(client, topic)) == ["nofollow ugc noopener"]


def test_links_of_a_trust_level_3_author_are_followed(client, category):
    regular = member(3, "Regine")
    topic = topic_start(author=regular, category=category, title="Taille", body=LINK)

    assert rels(topic_page(client, topic)) == ["ugc noopener"]


def test_the_authors_current_level_decides(client, author, category):
    # Given a post written at level 2, its author promoted to 3 later
    topic = topic_start(author=author, category=category, title="Taille", body=LINK)
    assert rels(topic_page(client, topic)) == ["nofollow ugc noopener"]

    author.trust_level = 3
    author.save(update_fields=["trust_level"])

    assert rels(topic_page(client, topic)) == ["ugc noopener"]


def test_the_topic_page_reads_no_more_queries_for_trusted_authors(client, category):
    def queries(count):
        people = [
            member(2 + number % 2, f"Auteur{count}x{number}") for number in range(count)
        ]
        topic = topic_start(
            author=people[0], category=category, title=f"Liens {count}", body=LINK
        )
        for person in people[1:]:
            post_reply(author=person, topic=topic, body=LINK)
        client.get(topic.get_absolute_url())
        with CaptureQueriesContext(connection) as captured:
            html = topic_page(client, topic)
        assert sorted(set(rels(html))) == ["nofollow ugc noopener", "ugc noopener"]
        return len(captured.captured_queries)

    assert queries(2) == queries(6)


def test_reviews_and_ideas_keep_nofollow_for_everyone():
    # The plain `markdown` filter (reviews, ideas) has no author to trust.
    html = Template("{% load comptoir_tags %}{{ body|markdown }}").render(
        Context({"body": LINK})
    )

    assert rels(html) == ["nofollow ugc noopener"]


def test_the_cache_keeps_both_variants_apart():
    trusted = markdown_to_safe_html(LINK, trusted=True)
    plain = markdown_to_safe_html(LINK)

    assert rels(trusted) == ["ugc noopener"]
    assert rels(plain) == ["nofollow ugc noopener"]
    assert rels(markdown_to_safe_html(LINK, trusted=True)) == ["ugc noopener"]


HOSTILE = [
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">clic</a>',
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[clic](/admin/)",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_markdown_is_inert_for_trusted_authors_too(client, category, hostile):
    regular = member(3, "Regine")
    topic = topic_start(
        author=regular, category=category, title="Piège", body=f"Regardez : {hostile}"
    )

    html = topic_page(client, topic)
    body = html.split('class="forum-post-body">', 1)[1].split("</div>", 1)[0]

    # Whatever was typed is text or a plain web link: no tag runs anything.
    hrefs = re.findall(r"<a\s[^>]*href=\"([^\"]*)\"", body)
    assert all(href.startswith(("https://", "http://")) for href in hrefs)
    assert "<script" not in body
    assert "<img" not in body
    assert re.search(r"<[a-z]+[^>]*\son[a-z]+=", body) is None


def test_a_huge_post_is_refused_in_words(author, topic):
    with pytest.raises(ForumRefused) as refused:
        post_reply(author=author, topic=topic, body="> " * (POST_MAX_LENGTH // 2 + 1))

    assert "characters at most" in refusal(refused)


def test_deeply_nested_markdown_renders_without_failing(client, category):
    regular = member(3, "Regine")
    nested = ">" * 5000 + " fond " + "[" * 2000 + "x" + "](https://example.org)" * 2000
    topic = topic_start(
        author=regular,
        category=category,
        title="Profond",
        body=nested[:POST_MAX_LENGTH],
    )

    assert "fond" in topic_page(client, topic)


# --- Images in posts ----------------------------------------------------------------


def test_a_members_images_show_under_the_post_linking_to_the_large_size(
    client, topic, replier
):
    reply = post_reply(
        author=replier,
        topic=topic,
        body=REPLY,
        images=[image_upload(), image_upload("PNG")],
    )

    images = list(reply.images.order_by("position"))
    assert [image.is_public for image in images] == [True, True]
    html = topic_page(client, topic)
    assert 'alt="Photo 1 of Paul\'s post"' in html
    assert 'alt="Photo 2 of Paul\'s post"' in html
    large = images[0].image.get_rendition("max-1200x1200").url
    assert f'href="{large}"' in html


def test_images_cost_no_query_per_post(client, category, replier):
    def queries(count):
        topic = topic_start(
            author=replier, category=category, title=f"Photos {count}", body=BODY
        )
        for _number in range(count):
            post_reply(
                author=member(2, f"P{count}x{_number}"),
                topic=topic,
                body=REPLY,
                images=[image_upload(), image_upload()],
            )
        client.get(topic.get_absolute_url())  # renditions are cut once
        with CaptureQueriesContext(connection) as captured:
            html = topic_page(client, topic)
        assert html.count("Photo 2 of") == count
        return len(captured.captured_queries)

    assert queries(2) == queries(5)


def test_a_new_topic_takes_images_through_its_form(client, author, category):
    client.force_login(author)

    response = client.post(
        reverse("forum:create"),
        {
            "category": category.pk,
            "title": "Mon massif au printemps",
            "body": BODY,
            "images": [image_upload(), image_upload("WEBP")],
        },
    )

    assert response.status_code == 302
    topic = Topic.objects.get(title="Mon massif au printemps")
    assert topic.posts.get(number=1).images.count() == 2
    assert "Photo 2 of Elise's post" in topic_page(client, topic)


def test_the_reply_forms_can_send_files(client, author, topic):
    client.force_login(author)

    for url in (topic.get_absolute_url(), reverse("forum:reply", args=[topic.pk])):
        html = text(client.get(url))
        form_tag = re.search(r'<form[^>]*id="reply-form"[^>]*>', html).group(0)
        assert 'enctype="multipart/form-data"' in form_tag
        assert 'name="images"' in html


def test_a_premoderated_members_images_stay_private_until_approved(
    client, topic, basic, replier, moderator
):
    reply = post_reply(author=basic, topic=topic, body=REPLY, images=[image_upload()])

    assert reply.status == ModerationStatus.PENDING
    image = reply.images.get()
    assert not image.is_public
    assert Path(image.private_file.name).name in private_files()
    assert Path(image.private_file.name).name not in public_files()
    for name in ("forum:image", "forum:image_thumbnail"):
        url = reverse(name, args=[image.pk])
        client.logout()
        assert client.get(url).status_code == 404
        client.force_login(replier)
        assert client.get(url).status_code == 404
        for allowed in (basic, moderator):
            client.force_login(allowed)
            response = client.get(url)
            assert response.status_code == 200
            assert "private" in response["Cache-Control"]
            assert b"".join(response)[:3] == b"\xff\xd8\xff"

    moderation_decide(
        moderator=moderator,
        entries_or_contents=[reply],
        action=ModerationAction.APPROVE,
    )

    image.refresh_from_db()
    assert image.is_public and not image.private_file
    client.logout()
    assert client.get(reverse("forum:image", args=[image.pk])).status_code == 302


def test_the_moderation_queue_shows_a_pending_posts_images(
    client, topic, basic, moderator
):
    from django.contrib.auth.models import Permission

    moderator.user_permissions.add(
        Permission.objects.get(
            codename="access_admin", content_type__app_label="wagtailadmin"
        )
    )
    reply = post_reply(author=basic, topic=topic, body=REPLY, images=[image_upload()])
    image = reply.images.get()
    client.force_login(moderator)

    html = text(client.get(reverse("moderation_admin:queue")))

    assert reverse("forum:image_thumbnail", args=[image.pk]) in html


def test_images_of_a_hidden_post_are_private_again(topic, replier):
    reply = post_reply(author=replier, topic=topic, body=REPLY, images=[image_upload()])
    assert reply.images.get().is_public

    for number in range(3):
        report_create(reporter=member(1, f"Flag{number}"), content=reply, reason="spam")

    reply.refresh_from_db()
    assert reply.status == ModerationStatus.HIDDEN
    image = reply.images.get()
    assert not image.is_public
    assert Path(image.private_file.name).name in private_files()


def test_images_of_a_rejected_topic_follow_it(basic, category, moderator):
    topic = topic_start(
        author=basic,
        category=category,
        title="Mon potager",
        body=BODY,
        images=[image_upload()],
    )
    moderation_decide(
        moderator=moderator,
        entries_or_contents=[topic],
        action=ModerationAction.APPROVE,
    )
    image = PostImage.objects.get(post__topic=topic)
    assert image.is_public

    moderation_decide(
        moderator=moderator,
        entries_or_contents=[topic],
        action=ModerationAction.REJECT,
        reason="spam",
    )

    image.refresh_from_db()
    assert not image.is_public


def test_images_below_the_trust_level_are_refused_in_words(newcomer, topic):
    with pytest.raises(ForumRefused) as refused:
        post_reply(author=newcomer, topic=topic, body=REPLY, images=[image_upload()])

    assert "Images are allowed from trust level 1" in refusal(refused)
    assert "images" in refused.value.message_dict
    assert not Post.objects.filter(author=newcomer).exists()


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (
            lambda: SimpleUploadedFile(
                "grand.jpg", b"\xff\xd8\xff" + b"\0" * (20 * 1024 * 1024)
            ),
            "images may be 10.0",
        ),
        (
            lambda: SimpleUploadedFile(
                "photo.jpg",
                b"<!DOCTYPE html><html><script>alert(1)</script></html>",
                content_type="image/jpeg",
            ),
            "not an image we can read",
        ),
        (lambda: png_claiming(9000, 5000), "40 megapixels at most"),
        (lambda: png_claiming(30000, 30000), "far too many pixels"),
        (
            lambda: SimpleUploadedFile("anim.gif", b"GIF89a" + b"\0" * 40),
            "GIF files are not accepted",
        ),
    ],
    ids=["20-mb", "html-as-jpeg", "too-many-pixels", "pixel-bomb", "gif"],
)
def test_a_bad_image_is_refused_in_words_and_nothing_is_saved(
    replier, topic, upload, words
):
    posts_before = Post.objects.count()
    files_before = private_files() | public_files()

    with pytest.raises(ForumRefused) as refused:
        post_reply(
            author=replier,
            topic=topic,
            body=REPLY,
            images=[image_upload(), upload()],
        )

    assert words in refusal(refused)
    assert Post.objects.count() == posts_before
    assert not PostImage.objects.exists()
    assert private_files() | public_files() == files_before


def test_five_images_are_refused(replier, topic):
    with pytest.raises(ForumRefused) as refused:
        post_reply(
            author=replier,
            topic=topic,
            body=REPLY,
            images=[image_upload() for _ in range(5)],
        )

    assert "4 images at most" in refusal(refused)
    assert Post.objects.filter(author=replier).count() == 0


def test_the_reply_page_shows_an_image_refusal_and_keeps_the_text(
    client, replier, topic
):
    client.force_login(replier)
    fake = SimpleUploadedFile("photo.jpg", b"<html>not a photo</html>")

    response = client.post(
        reverse("forum:reply", args=[topic.pk]),
        {"body": "Ma réponse avec photo", "images": [fake]},
    )

    assert response.status_code == 400
    html = text(response)
    assert "photo.jpg: This file is not an image we can read" in html
    assert "Ma réponse avec photo" in html
    assert not Post.objects.filter(author=replier).exists()


def test_member_data_exports_and_erases_post_images(replier, topic):
    reply = post_reply(
        author=replier, topic=topic, body=REPLY, images=[image_upload(), image_upload()]
    )
    names = [image.stored_file.name for image in reply.images.order_by("position")]

    exported = {post["id"]: post for post in forum_export(replier)["posts"]}
    assert exported[reply.pk]["images"] == names
    assert [name for name, _file in forum_files(replier)] == [
        f"forum/{name}" for name in names
    ]
    assert any("2 images" in line for line in forum_erase_summary(replier))

    forum_erase(replier)

    assert not PostImage.objects.filter(post=reply).exists()
    reply.refresh_from_db()
    assert reply.status == ModerationStatus.PUBLISHED


# --- Post bodies in the site search -------------------------------------------------


def search(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    sections = {section["key"]: section for section in response.context["sections"]}
    return response, sections.get("forum")


def test_a_replys_words_find_its_topic_with_a_snippet(client, topic, replier):
    post_reply(
        author=replier,
        topic=topic,
        body="Pour les grimpants, un sécateur à enclume convient mieux aux vieux bois.",
    )

    response, forum = search(client, "enclume")

    assert [item.pk for item in forum["items"]] == [topic.pk]
    html = text(response)
    assert "Tailler les rosiers" in html
    assert "In the forum, “Jardinage”" in html
    assert "un sécateur à enclume convient mieux" in html


def test_words_of_posts_nobody_may_read_find_nothing(
    client, topic, basic, replier, staff, staff_room
):
    post_reply(author=basic, topic=topic, body="Un purin de consoude maison.")
    hidden = post_reply(author=replier, topic=topic, body="Un purin d'ortie maison.")
    for number in range(3):
        report_create(reporter=member(1, f"F{number}"), content=hidden, reason="spam")
    topic_start(
        author=staff, category=staff_room, title="Inventaire", body="Purin en stock."
    )

    _response, forum = search(client, "purin")

    assert forum is None or forum["count"] == 0


def test_an_edit_is_searched_by_its_new_words(client, topic, replier):
    reply = post_reply(author=replier, topic=topic, body="Taillez avec une serpette.")
    assert search(client, "serpette")[1]["count"] == 1

    post_edit(post=reply, editor=replier, body="Taillez avec un échenilloir.")

    _response, forum = search(client, "serpette")
    assert forum is None or forum["count"] == 0
    assert search(client, "échenilloir")[1]["count"] == 1


def test_a_reply_split_off_is_found_in_its_new_topic(client, topic, replier, moderator):
    post_reply(author=replier, topic=topic, body="Le compost de feuilles mortes.")

    new = posts_split(topic=topic, numbers=[2], title="Le compost", by=moderator)

    _response, forum = search(client, "feuilles mortes")
    assert [item.pk for item in forum["items"]] == [new.pk]


def test_a_snippet_is_escaped_member_text(client, topic, replier):
    post_reply(
        author=replier,
        topic=topic,
        body="Essayez `<script>alert(1)</script>` et le paillage de lin.",
    )

    response, _forum = search(client, "paillage")

    html = text(response)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_search_section_costs_the_same_queries_for_2_or_8_topics(
    client, author, replier, category
):
    def queries(count):
        word = f"bouturage{count}"
        for number in range(count):
            topic = topic_start(
                author=author, category=category, title=f"Sujet {number}", body=BODY
            )
            post_reply(author=replier, topic=topic, body=f"Le {word} marche bien.")
        with CaptureQueriesContext(connection) as captured:
            _response, forum = search(client, word, type="forum")
        assert forum["count"] == count
        return len(captured.captured_queries)

    assert queries(2) == queries(8)
