"""Two members on one forum topic: one replies, naming the other, who sees the
reply announced live ("1 new reply — show") without reloading, shows it, and
gets the mention in the header's notification count; then a like and an edit
change the reader's page in place."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import log_in

pytestmark = pytest.mark.e2e

PASSWORD = "forum live e2e password"
READER = "forum-live-reader@example.com"
WRITER = "forum-live-writer@example.com"
REPLY = "@lucie-lecture Taillez juste au-dessus d'un œil tourné vers l'extérieur."


@pytest.fixture(scope="module")
def live_topic(live_site):
    """A topic started by the reader, Lucie; Marc will reply to it."""
    live_site.member_create(
        email=READER, display_name="Lucie Lecture", password=PASSWORD, trust_level=2
    )
    live_site.member_create(
        email=WRITER, display_name="Marc Reponse", password=PASSWORD, trust_level=2
    )
    code = (
        "from community.forum.models import ForumCategory\n"
        "from community.forum.services import topic_start\n"
        "from community.members.models import User\n"
        "c, _ = ForumCategory.objects.get_or_create(slug='e2e-live', "
        "defaults={'name': 'Jardinage (e2e live)'})\n"
        f"t = topic_start(author=User.objects.get(email={READER!r}), category=c, "
        "title='Tailler un rosier buisson', "
        "body='Où couper sur un rosier buisson, en mars ?')\n"
        "print(t.get_absolute_url())\n"
    )
    return live_site.manage("shell", "-c", code).strip().splitlines()[-1]


def test_a_reply_appears_live_and_its_mention_counts(browser, live_site, live_topic):
    contexts = [
        browser.new_context(base_url=live_site.url, locale="fr-FR") for _ in range(2)
    ]
    try:
        reader, writer = (context.new_page() for context in contexts)
        for page in (reader, writer):
            page.set_default_timeout(10_000)

        # given the reader on the topic, its socket open
        log_in(reader, READER, PASSWORD)
        reader.goto(live_topic)
        reader.wait_for_function(
            "() => document.querySelector('#forum-live')?.dataset.live === 'open'"
        )
        reader.wait_for_function(
            "() => document.querySelector('#notification-count')?.dataset.live"
            " === 'open'"
        )
        count = reader.locator("#notification-count")
        unread = int(count.get_attribute("data-unread") or 0)
        expect(reader.locator("#forum-posts .forum-post")).to_have_count(1)

        # when the writer replies, naming the reader
        log_in(writer, WRITER, PASSWORD)
        writer.goto(live_topic)
        writer.locator("#reply-form textarea[name=body]").fill(REPLY)
        writer.locator("#reply-form button[type=submit]").click()
        writer.wait_for_url(re.compile(r"\?post=2#post-2$"))

        # then the reader's page announces it, without a reload
        show = reader.locator("#forum-live .forum-live-show")
        expect(show).to_have_text(re.compile(r"^1 \S.*—"), timeout=5_000)
        expect(reader.locator("#forum-posts .forum-post")).to_have_count(1)
        expect(count).to_have_attribute("data-unread", str(unread + 1), timeout=5_000)

        # and showing it adds the reply at the end, the focus on it
        show.click()
        new_post = reader.locator("#forum-posts .forum-post").nth(1)
        expect(new_post).to_contain_text("œil tourné vers l'extérieur")
        expect(new_post).to_contain_text("Marc Reponse")
        expect(new_post).to_be_focused()
        expect(show).to_have_count(0)
        expect(reader.locator("#post-2")).to_have_count(1)

        # when the writer likes the reader's post, the count changes in place
        writer.locator("#post-1 form[action$='/like/'] button").click()
        expect(reader.locator("#post-1 .forum-likes")).to_have_text(
            re.compile(r"^1 "), timeout=5_000
        )
        # and no like button appears on the reader's own post
        expect(reader.locator("#post-1 form[action$='/like/']")).to_have_count(0)

        # when the writer edits the reply, its text changes in place
        writer.goto(live_topic + "?post=2")
        writer.locator("#post-2 a[href$='/edit/']").click()
        writer.locator("textarea[name=body]").fill(REPLY + " Et en biais.")
        writer.locator(".forum-edit-form button[type=submit]").click()
        writer.wait_for_url(re.compile(r"\?post=2#post-2$"))
        expect(reader.locator("#post-2 > .forum-post-body")).to_contain_text(
            "Et en biais.", timeout=5_000
        )
        expect(reader.locator("#post-2 > .forum-post-history")).to_have_count(1)
        # nothing was reloaded: no banner, one copy of each post
        expect(reader.locator("#forum-posts .forum-post")).to_have_count(2)
        expect(show).to_have_count(0)
    finally:
        for context in contexts:
            context.close()
