"""The forum on a phone: no page wider than 360 px, even with a long word and a
long line of code in a post (they wrap or scroll in their own box), and a
member reads, replies and quotes without JavaScript."""

import re

import pytest

pytestmark = pytest.mark.e2e

WIDTH = 360
PASSWORD = "forum pages e2e password"
LONG_WORD = "Anticonstitutionnellement" * 12
LONG_CODE = "tondeuse.regler(hauteur=45, pente=30, bac=True, mulching=False); " * 8


@pytest.fixture(scope="module")
def forum_topic(live_site):
    """A category and a topic whose post has a long word and a long code line."""
    live_site.member_create(
        email="forum-e2e@example.com",
        display_name="Forum Phone",
        password=PASSWORD,
        trust_level=2,
    )
    body = f"{LONG_WORD}\n\n```\n{LONG_CODE}\n```\n\n> Une citation."
    code = (
        "from community.forum.models import ForumCategory\n"
        "from community.forum.services import topic_start\n"
        "from community.members.models import User\n"
        "c, _ = ForumCategory.objects.get_or_create(slug='e2e-potager', "
        "defaults={'name': 'Potager (e2e)'})\n"
        "t = topic_start(author=User.objects.get(email='forum-e2e@example.com'), "
        f"category=c, title='Un mot très long et du code', body={body!r})\n"
        "print(t.get_absolute_url())\n"
    )
    return live_site.manage("shell", "-c", code).strip().splitlines()[-1]


def overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("javascript", [True, False])
def test_forum_pages_fit_a_phone_and_work_without_javascript(
    browser, live_site, forum_topic, javascript
):
    context = browser.new_context(
        base_url=live_site.url,
        locale="fr-FR",
        viewport={"width": WIDTH, "height": 740},
        java_script_enabled=javascript,
    )
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        for path in ("/forum/", "/forum/c/e2e-potager/", forum_topic):
            page.goto(path)
            assert overflow(page) <= 0, path
        code = page.locator(".forum-post-body pre").first
        box = code.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
        assert code.evaluate("el => el.scrollWidth > el.clientWidth")

        page.goto("/accounts/login/")
        page.locator("input[name=login]").fill("forum-e2e@example.com")
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form.account-form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/me/$"))
        for path in ("/forum/new/", "/me/forum/", forum_topic):
            page.goto(path)
            assert overflow(page) <= 0, path

        page.locator("#post-1 a", has_text=re.compile("Citation|Citer|Quote")).click()
        body = page.locator("textarea[name=body]")
        assert body.input_value().startswith("> **")
        assert overflow(page) <= 0
        body.fill(body.input_value() + "Réponse depuis un téléphone.")
        page.locator("#reply-form button[type=submit]").click()
        page.wait_for_url(re.compile(r"\?post=\d+#post-\d+$"))
        assert page.locator(".forum-post-body", has_text="depuis un téléphone").count()
        assert overflow(page) <= 0
    finally:
        context.close()
