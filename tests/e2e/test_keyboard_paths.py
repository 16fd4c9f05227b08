"""The member's main paths done with the keyboard alone, as someone who uses no mouse
would: Tab and Shift+Tab to reach a control, Enter or Space to use it, arrow keys in
radio groups and selects, letters typed into fields. Never a click.

A control is reached by pressing Tab until it has the focus, within a bounded number
of presses: a control Tab cannot reach, or reaches only after a long detour, fails.
Each control reached must also show that it has the focus. The desktop width keeps the
header's phone menu out of the way; the moderation queue is worked with its buttons,
not its single-key shortcuts.
"""

import re
import uuid

import pytest
from playwright.sync_api import expect

from .test_reviews import _new_product

PASSWORD = "au-clavier-sans-souris-2026"
MODERATOR = ("moderation@comptoir.example", "Jardin-demo-2026")
STORE = "lyon-part-dieu"
DESKTOP = {"width": 1280, "height": 900}
# From the top of a page, the header takes about 15 presses; a form's fields follow.
TABS = 60

# Whether the focused element is the one sought; if not, what it is, for the
# failure's message. One round trip per key press.
FOCUSED = """([selector, text]) => {
  const el = document.activeElement;
  const shown = (el && (el.innerText || el.value || '')) || '';
  if (el && el.matches(selector) && (!text || shown.includes(text))) return true;
  if (!el || el === document.body) return 'nothing (the page itself)';
  const label = (shown || el.getAttribute('aria-label') || '')
    .trim().replace(/\\s+/g, ' ').slice(0, 60);
  return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.name ? '[name=' + el.name + ']' : '') + (label ? ' "' + label + '"' : '');
}"""

# A focus indicator one can see: an outline or a ring drawn with a shadow.
FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  if (!el.matches(':focus-visible')) return false;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return outline || style.boxShadow !== 'none';
}"""


def tab_to(page, selector: str, *, text: str = "", limit: int = TABS, back=False):
    """Press Tab (Shift+Tab if `back`) until the focused element matches `selector`
    (and shows `text`); fail after `limit` presses, naming where the focus went."""
    key = "Shift+Tab" if back else "Tab"
    trail = []
    for _ in range(limit):
        page.keyboard.press(key)
        where = page.evaluate(FOCUSED, [selector, text])
        if where is True:
            assert page.evaluate(FOCUS_SHOWN), (
                f"{selector} has the focus but shows no focus indicator"
            )
            return
        trail.append(where)
    raise AssertionError(
        f"{key} pressed {limit} times never reached {selector} {text!r}; the focus "
        f"went through: {' → '.join(trail[-12:])}"
    )


def choose(page, label: str, *, limit: int = 30) -> None:
    """In the focused select, arrow down to the option whose text starts with
    `label`, as a keyboard user does without opening the list."""
    for _ in range(limit):
        current = page.evaluate(
            "() => document.activeElement.selectedOptions[0]?.textContent.trim()"
        )
        if current and current.startswith(label):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {label!r} in the focused select")


def type_into(page, selector: str, value: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(value)


def keyboard_log_in(page, email: str, password: str, *, path="/accounts/login/"):
    page.goto(path)
    type_into(page, "input[name=login], input[name=username]", email)
    type_into(page, "input[type=password]", password)
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page).not_to_have_url(re.compile(r"/login/"))


@pytest.fixture
def new_page(browser, live_site):
    """A desktop-width page in a browser context of its own, closed after."""
    contexts = []

    def make():
        context = browser.new_context(
            base_url=live_site.url, locale="fr-FR", viewport=DESKTOP
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


def _member(live_site, name: str, trust_level: int) -> tuple[str, str]:
    email = f"{name.lower()}-{uuid.uuid4().hex[:8]}@exemple.fr"
    display_name = f"{name} {uuid.uuid4().hex[:4]}"
    live_site.member_create(
        email=email,
        display_name=display_name,
        password=PASSWORD,
        trust_level=trust_level,
    )
    return email, display_name


def test_skip_link_then_sign_up_and_confirm_by_keyboard(new_page, live_site):
    page = new_page()
    email = f"clavier-{uuid.uuid4().hex[:8]}@exemple.fr"
    display_name = f"Clavier {uuid.uuid4().hex[:6]}"

    # The first Tab offers to skip the header; Enter lands in the page's content.
    page.goto("/accounts/signup/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.matches('.skip-link')")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # From there the form's fields come next, in the order they are read.
    type_into(page, "input[name=email]", email)
    page.keyboard.press("Tab")
    page.keyboard.type(display_name)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    tab_to(page, "form.account-form button[type=submit]", limit=5)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/"))

    # The link in the e-mail, then its Confirm button with Space.
    link = live_site.last_link_sent_to(
        email, r"http://[^\s]+/accounts/confirm-email/[^\s]+"
    )
    page.goto(link.replace("http://testserver", live_site.url))
    tab_to(page, "form.account-form button[type=submit]")
    page.keyboard.press("Space")
    expect(page.locator(".account-nav")).to_contain_text(display_name)


def test_write_a_review_and_approve_it_in_the_queue_by_keyboard(new_page, live_site):
    # A new member's review waits for a moderator.
    email, display_name = _member(live_site, "Avis", trust_level=0)
    sku, _name = _new_product(live_site, "KBR")
    title = f"Bien pensé {uuid.uuid4().hex[:4]}"
    member = new_page()
    keyboard_log_in(member, email, PASSWORD)
    member.goto(f"/p/{sku}/")
    tab_to(member, "a[href$='/reviews/new/']")
    member.keyboard.press("Enter")
    expect(member.locator("form.review-form")).to_be_visible()

    # The stars are a radio group: Tab enters it on 5, the arrow moves to 4.
    tab_to(member, "input[name=rating]")
    member.keyboard.press("ArrowDown")
    expect(member.locator("input[name=rating][value='4']")).to_be_checked()
    type_into(member, "input[name=title]", title)
    type_into(member, "textarea[name=body]", "Poignée confortable, bec verseur fin.")
    tab_to(member, "form.review-form button[type=submit]", limit=5)
    member.keyboard.press("Enter")
    expect(member.locator(".messages")).to_be_visible()

    # The moderator narrows the queue with its filters and approves with the button.
    moderator = new_page()
    keyboard_log_in(moderator, *MODERATOR, path="/admin/login/")
    moderator.goto("/admin/moderation/")
    tab_to(moderator, "select[name=content_type]")
    choose(moderator, "Avis")
    tab_to(moderator, "select[name=reason]", limit=3)
    choose(moderator, "En attente")
    tab_to(moderator, ".moderation-filters button[type=submit]", limit=3)
    moderator.keyboard.press("Enter")
    expect(moderator).to_have_url(re.compile(r"reason=pending"))
    item = moderator.locator(".moderation-item").filter(has_text=title)
    entry = item.get_attribute("data-entry")
    # The queue is oldest first: the new review is the last item, a few Shift+Tab
    # presses up from the end of the page.
    tab_to(moderator, f"#entry-{entry} [data-approve]", back=True, limit=20)
    moderator.keyboard.press("Enter")
    expect(moderator.locator(f"#entry-{entry}")).to_have_count(0)

    member.goto(f"/p/{sku}/")
    expect(member.locator(".review").filter(has_text=title)).to_contain_text(
        display_name
    )


def test_vote_report_support_and_reserve_by_keyboard(new_page, live_site):
    email, _display_name = _member(live_site, "Souris", trust_level=1)
    sku, _name = _new_product(live_site, "KBS")
    answer = live_site.api_post(
        "/api/v1/stock/bulk", {"stock": [{"sku": sku, "store": STORE, "quantity": 3}]}
    )
    assert answer["errors"] == [], answer
    page = new_page()
    keyboard_log_in(page, email, PASSWORD)

    # Vote: the first review's "Helpful" button, pressed with Enter.
    page.goto("/products/")
    reviewed = page.locator(".product-card:has(.card-rating) a[href^='/products/']")
    page.goto(reviewed.first.get_attribute("href"))
    first = page.locator(".review").first
    review_id = first.get_attribute("id")
    helpful = page.locator(f"#{review_id} button[name=helpful][value=yes]")
    count_before = int(re.search(r"\d+", helpful.inner_text()).group())
    tab_to(page, f"#{review_id} button[name=helpful][value=yes]", limit=TABS * 2)
    page.keyboard.press("Enter")
    expect(helpful).to_have_attribute("aria-pressed", "true")
    expect(helpful).to_contain_text(str(count_before + 1))
    # Counted in place: the voter is still at the review, not sent to the top.
    assert page.evaluate(f"() => !!document.activeElement.closest('#{review_id}')")

    # Report the next review: open the disclosure, pick a reason with Space.
    second_id = page.locator(".review").nth(1).get_attribute("id")
    page.goto(page.url.split("#")[0])
    tab_to(page, f"#{second_id} .report-box summary", limit=TABS * 2)
    page.keyboard.press("Enter")
    expect(page.locator(f"#{second_id} .report-form")).to_be_visible()
    tab_to(page, f"#{second_id} input[name=reason]", limit=3)
    page.keyboard.press("Space")
    type_into(page, f"#{second_id} textarea[name=note]", "Hors sujet.")
    tab_to(page, f"#{second_id} .report-form button[type=submit]", limit=3)
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_be_visible()

    # Support: filter the ideas to those gathering supports, open the first one.
    page.goto("/ideas/")
    tab_to(page, "select[name=state]")
    choose(page, "Recueille des soutiens")
    tab_to(page, "main form button[type=submit]", limit=3)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"state=open"))
    tab_to(page, ".idea-card-title a")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/ideas/\d+-"))
    supporters = page.locator("#support .idea-supporters")
    count_before = int(re.search(r"\d+", supporters.inner_text()).group())
    tab_to(page, "form[action$='/support/'] button", text="Soutenir")
    page.keyboard.press("Enter")
    # Thanked in place by the page's script, or by the page it reloads without it.
    expect(page.locator("body")).to_contain_text("Merci pour votre soutien")
    expect(supporters).to_contain_text(str(count_before + 1))
    assert page.evaluate("() => !!document.activeElement.closest('#support')")

    # Reserve: "Reserve here" next to the store, a quantity, tomorrow, Enter.
    page.goto(f"/p/{sku}/")
    tab_to(page, f"#stock-line-{STORE} a[href*='/reservations/new/']")
    page.keyboard.press("Enter")
    expect(page.locator("form.reserve-form")).to_be_visible()
    tab_to(page, "input[name=quantity]")
    page.keyboard.press("Control+a")
    page.keyboard.type("2")
    tab_to(page, "select[name=pickup_day]", limit=3)
    page.keyboard.press("ArrowDown")
    tab_to(page, "form.reserve-form button[type=submit]", limit=3)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/me/reservations/[A-Z0-9]+/$"))
    expect(page.locator(".reservation-status-confirmed")).to_be_visible()


FORUM_TOPIC = """
from community.forum.models import ForumCategory
from community.forum.services import topic_start
from community.members.models import User
category, _ = ForumCategory.objects.get_or_create(
    slug="clavier-jardin", defaults={{"name": "Jardin (clavier)"}})
topic = topic_start(
    author=User.objects.get(email={author!r}), category=category,
    title="Quand tailler les rosiers ?",
    body="Mes rosiers grimpants ont beaucoup poussé : je taille maintenant ?")
print("TOPIC" + topic.get_absolute_url())
"""


def test_reply_in_the_forum_by_keyboard(new_page, live_site):
    # given a topic by one member, and another member who reads it
    author, _ = _member(live_site, "Rosieriste", trust_level=2)
    email, name = _member(live_site, "Jardiniere", trust_level=2)
    output = live_site.manage("shell", "-c", FORUM_TOPIC.format(author=author))
    topic = output.split("TOPIC", 1)[1].strip()
    page = new_page()
    keyboard_log_in(page, email, PASSWORD)

    # when she reaches the reply box from the top of the topic and posts
    page.goto(topic)
    type_into(page, "#reply-form textarea[name=body]", "Attendez la fin de l'hiver.")
    tab_to(page, "#reply-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    # then her reply is in the topic, under her name
    reply = page.locator(".forum-post", has_text="Attendez la fin de l'hiver.")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text(name)
