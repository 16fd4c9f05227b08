"""The moderation queue from the keyboard, in Chromium: single-key shortcuts each
moderator can remap or turn off (WCAG 2.1.4), approving by key with a few
seconds to undo (nothing is sent before; leaving the page sends it whole), and,
without JavaScript, the focus back on the next item after a decision."""

import json
import re
import time
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

PASSWORD = "Jardin-demo-2026"
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()

# One call to the served site's shell sets the whole module up (each call costs
# seconds): two moderators of their own (shortcuts are per moderator, and one
# test turns them off) and the reviews by new members waiting in the queue,
# printed back as entry ids, oldest first.
SETUP = """
import json
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils.text import slugify
from community.members.models import User
from community.moderation.models import QueueEntry
from community.reviews.models import Review
from community.reviews.services import review_submit
from marketplace.catalog.models import Product

moderators = Group.objects.get(name="Community moderators")
for email in {moderators!r}:
    user = User.objects.create_user(
        email=email, password="{password}", display_name=email.split("@")[0],
        slug=email.split("@")[0], trust_level=4,
    )
    user.groups.add(moderators)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
entries = []
products = Product.objects.filter(active=True).order_by("pk")[:{count}]
for index, product in enumerate(products):
    name = "{tag} auteur " + str(index)
    author = User.objects.create_user(
        email="{tag}-" + str(index) + "@exemple.fr", password="{password}",
        display_name=name, slug=slugify(name), trust_level=0,
    )
    review = review_submit(
        author=author, product=product, rating=4, title="{tag} avis " + str(index),
        body="Un avis à modérer, assez long pour être accepté.",
    )
    entries.append(QueueEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Review),
        object_id=review.pk, closed_at__isnull=True,
    ).pk)
print("QUEUED" + json.dumps(entries))
"""
REVIEWS = 12


class Queue:
    """The module's moderators and waiting entries; each test takes its own."""

    def __init__(self, live_site):
        tag = f"kbd{uuid.uuid4().hex[:6]}"
        self.moderator = f"moderatrice-{tag}@comptoir.example"
        self.remapper = f"remappeuse-{tag}@comptoir.example"
        output = live_site.manage(
            "shell",
            "-c",
            SETUP.format(
                moderators=[self.moderator, self.remapper],
                count=REVIEWS,
                tag=tag,
                password=PASSWORD,
            ),
        )
        self.entries = sorted(json.loads(output.split("QUEUED", 1)[1]))
        assert len(self.entries) == REVIEWS, output

    def take(self, count: int) -> list[int]:
        taken, self.entries = self.entries[:count], self.entries[count:]
        assert len(taken) == count, "REVIEWS is too small for the module"
        return taken


@pytest.fixture(scope="module")
def queue(live_site):
    return Queue(live_site)


def moderator_page(
    browser,
    live_site,
    email: str,
    *,
    javascript: bool = True,
    bypass_csp: bool = False,
    clock: bool = False,
):
    """`email`'s admin, logged in; with `clock`, the page's timers are the
    test's to move (no real waits for the undo delay)."""
    context = browser.new_context(
        base_url=live_site.url,
        locale="fr-FR",
        viewport={"width": 1280, "height": 900},
        java_script_enabled=javascript,
        bypass_csp=bypass_csp,
    )
    page = context.new_page()
    if clock:
        page.clock.install()
    page.set_default_timeout(10_000)
    page.goto("/admin/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


class Observer:
    """A moderator's tab of its own, that loads the queue afresh to tell whether
    an entry is still open: what the server holds, whatever the page under test
    shows."""

    def __init__(self, page):
        self.page = page

    def is_open(self, entry: int) -> bool:
        self.page.goto("/admin/moderation/?reason=pending")
        return self.page.locator(f"#entry-{entry}").count() == 1


@pytest.fixture(scope="module")
def observer(browser, live_site, queue):
    page = moderator_page(browser, live_site, queue.moderator, javascript=False)
    yield Observer(page)
    page.context.close()


@pytest.fixture
def moderator(browser, live_site, queue):
    page = moderator_page(browser, live_site, queue.moderator)
    yield page
    page.context.close()


def open_queue(page) -> None:
    page.goto("/admin/moderation/?reason=pending")
    # the script has read the moderator's keys
    expect(page.locator("[data-moderation-keys]")).to_be_visible()


def focus_entry(page, entry: int) -> None:
    page.locator(f"#select-{entry}").focus()


def focused_entry(page) -> str | None:
    return page.evaluate(
        "() => document.activeElement.closest('.moderation-item')"
        "?.getAttribute('data-entry') ?? null"
    )


def test_approving_by_key_waits_for_undo_and_undo_sends_nothing(
    browser, live_site, queue, observer
):
    first, second = queue.take(2)
    page = moderator_page(browser, live_site, queue.moderator, clock=True)
    open_queue(page)
    item = page.locator(f"#entry-{first}")
    announcer = page.locator("[data-moderation-announce]")

    focus_entry(page, first)
    page.keyboard.press("a")

    # "Approved — Undo", announced, and the focus moves on to the next item
    expect(item.locator("[data-undo]")).to_be_visible()
    expect(announcer).to_contain_text(item.get_attribute("data-label"))
    assert focused_entry(page) == str(second)
    # the Undo button is one Shift+Tab away
    page.keyboard.press("Shift+Tab")
    expect(item.locator("[data-undo]")).to_be_focused()
    page.keyboard.press("Enter")

    expect(item.locator("[data-undo]")).to_have_count(0)
    expect(item.locator(".moderation-select")).to_be_enabled()
    expect(item.locator(".moderation-select")).to_be_focused()
    # past the delay, still nothing was sent
    page.clock.run_for(6_000)
    assert observer.is_open(first)
    page.reload()
    expect(page.locator(f"#entry-{first}")).to_have_count(1)

    # the undo key does the same
    focus_entry(page, first)
    page.keyboard.press("a")
    expect(item.locator("[data-undo]")).to_be_visible()
    page.keyboard.press("u")
    expect(item.locator("[data-undo]")).to_have_count(0)
    page.clock.run_for(6_000)
    assert observer.is_open(first)
    page.context.close()


def test_an_approval_not_undone_is_sent_once_the_delay_is_over(
    moderator, queue, observer
):
    first, second = queue.take(2)
    page = moderator
    open_queue(page)

    focus_entry(page, first)
    page.keyboard.press("a")

    expect(page.locator(f"#entry-{first}")).to_have_count(0, timeout=15_000)
    expect(page.locator("[data-moderation-announce]")).to_contain_text("1")
    assert focused_entry(page) == str(second)
    assert not observer.is_open(first)
    page.reload()
    expect(page.locator(f"#entry-{first}")).to_have_count(0)
    expect(page.locator(f"#entry-{second}")).to_have_count(1)


def test_leaving_the_page_during_the_delay_sends_the_approval_whole(
    moderator, queue, observer
):
    (entry,) = queue.take(1)
    page = moderator
    open_queue(page)

    focus_entry(page, entry)
    page.keyboard.press("a")
    expect(page.locator(f"#entry-{entry} [data-undo]")).to_be_visible()
    page.goto("/admin/")

    deadline = time.monotonic() + 10
    while observer.is_open(entry) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert not observer.is_open(entry)


def test_an_approval_the_server_refuses_is_given_back(
    browser, live_site, queue, observer
):
    (entry,) = queue.take(1)
    page = moderator_page(browser, live_site, queue.moderator, clock=True)
    open_queue(page)
    item = page.locator(f"#entry-{entry}")

    focus_entry(page, entry)
    page.keyboard.press("a")
    expect(item.locator("[data-undo]")).to_be_visible()
    # the session ends while the approval waits: the admin answers with its
    # login page, not a decision
    page.context.clear_cookies()
    page.clock.run_for(6_000)

    expect(item.locator("[data-undo]")).to_have_count(0, timeout=15_000)
    expect(item).to_have_count(1)
    expect(item.locator(".moderation-select")).to_be_enabled()
    expect(page.locator("[data-moderation-announce]")).not_to_be_empty()
    assert observer.is_open(entry)
    page.context.close()


def test_a_moderator_remaps_the_keys_then_turns_them_off(
    browser, live_site, queue, observer
):
    first, second = queue.take(2)
    page = moderator_page(browser, live_site, queue.remapper)
    open_queue(page)

    # The control is in the page, reached and worked from the keyboard.
    page.locator("#keyboard-shortcuts").focus()
    page.keyboard.press("Enter")
    page.locator("input[name=approve_key]").fill("o")
    page.locator("input[name=next_key]").fill("n")
    page.locator(".moderation-shortcuts-form button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("#moderation-keys-help")).to_contain_text("n / k")
    open_queue(page)

    focus_entry(page, first)
    page.keyboard.press("n")
    assert focused_entry(page) == str(second)
    page.keyboard.press("a")  # no longer a shortcut
    page.keyboard.press("j")
    page.wait_for_timeout(300)
    expect(page.locator("[data-undo]")).to_have_count(0)
    assert focused_entry(page) == str(second)
    page.keyboard.press("o")
    expect(page.locator(f"#entry-{second} [data-undo]")).to_be_visible()
    page.keyboard.press("u")
    expect(page.locator("[data-undo]")).to_have_count(0)

    # Off: no single key does anything any more.
    page.locator("#keyboard-shortcuts").focus()
    page.keyboard.press("Enter")
    page.locator("#shortcuts-enabled").uncheck()
    page.locator(".moderation-shortcuts-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("[data-moderation-keys]")).to_have_attribute(
        "data-shortcuts-enabled", "false"
    )
    open_queue(page)
    focus_entry(page, first)
    for key in ("n", "j", "o", "a", "x"):
        page.keyboard.press(key)
    page.wait_for_timeout(300)
    assert focused_entry(page) == str(first)
    expect(page.locator("[data-undo]")).to_have_count(0)
    expect(page.locator(f"#select-{first}")).not_to_be_checked()
    assert observer.is_open(first) and observer.is_open(second)
    page.context.close()
    page.context.close()


def test_without_javascript_the_focus_returns_to_the_next_item(
    browser, live_site, queue, observer
):
    first, second, third = queue.take(3)
    page = moderator_page(browser, live_site, queue.moderator, javascript=False)
    try:
        page.goto("/admin/moderation/?reason=pending")

        page.locator(f"#entry-{second} [data-approve]").click()
        page.wait_for_url(re.compile(r"after="))

        expect(page.locator(f"#entry-{second}")).to_have_count(0)
        expect(page.locator(f"#select-{third}")).to_be_focused()
        # a refused decision (no reason to reject) keeps the focus on that item
        page.locator(f"#entry-{first} button[value=reject]").click()
        page.wait_for_url(re.compile(rf"after={first}"))
        expect(page.locator(f"#select-{first}")).to_be_focused()
        assert observer.is_open(first)
    finally:
        page.context.close()


def test_the_shortcuts_control_and_a_pending_approval_pass_axe(
    browser, live_site, queue
):
    (entry,) = queue.take(1)
    # The site's policy forbids inline scripts; this context bypasses it to
    # inject the vendored axe-core (test_content_security_policy.py checks it).
    page = moderator_page(browser, live_site, queue.moderator, bypass_csp=True)
    try:
        open_queue(page)
        page.locator("#keyboard-shortcuts").click()
        focus_entry(page, entry)
        page.keyboard.press("a")
        expect(page.locator(f"#entry-{entry} [data-undo]")).to_be_visible()
        page.add_script_tag(content=AXE)
        problems = page.evaluate(
            """async () => {
              // The item's preview is the content app's own (page audit).
              const r = await axe.run({
                include: [['.moderation-shortcuts'], ['#moderation-keys-help'],
                          ['[data-moderation-announce]'],
                          ['.moderation-item.is-pending']],
                exclude: [['.moderation-preview']],
              }, {resultTypes: ['violations']});
              return r.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')));
            }"""
        )
        page.keyboard.press("u")
        assert problems == [], problems
    finally:
        page.context.close()
