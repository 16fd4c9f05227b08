"""Every page type is served with the Content-Security-Policy and breaks none of it:
the site's own scripts and styles run, injected inline code and foreign scripts do
not. The served site uses `comptoir.settings.dev`, which sends the same policy as
production."""

import pytest
from django.utils.text import slugify
from playwright.sync_api import expect

from comptoir.demo.members import MEMBERS

from .conftest import log_in

MEMBER = ("camille.martin@exemple.fr", "Jardin-demo-2026")
MODERATOR = ("moderation@comptoir.example", "Jardin-demo-2026")
ADMIN = ("admin@comptoir.example", "Comptoir-admin-2026")
REWARDS_MANAGER = ("recompenses@comptoir.example", "Jardin-demo-2026")

# Runs before any script of the page: every violation the browser reports is kept.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` (${event.sourceFile || "?"}:${event.lineNumber})`
  );
});
"""


@pytest.fixture
def recorded(page):
    """The page, recording CSP violations and CSP console errors of every visit."""
    page.context.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.csp_console = console
    return page


def visit(page, path: str) -> list[str]:
    """Load a page and return the violations it caused (none expected)."""
    response = page.goto(path, wait_until="load")
    assert response is not None, path
    header = response.all_headers().get("content-security-policy", "")
    assert "default-src 'self'" in header, f"{path}: no policy in {header!r}"
    # Deferred and live scripts start after load: give them a moment to act.
    page.wait_for_timeout(150)
    found = page.evaluate("window.__cspViolations || []") + page.csp_console
    page.csp_console.clear()
    return [f"{path}: {violation}" for violation in found]


def first_href(page, path: str, selector: str) -> str:
    page.goto(path)
    href = page.locator(selector).first.get_attribute("href")
    assert href, f"no {selector} on {path}"
    return href


def test_public_pages_of_every_type_run_under_the_policy(recorded, live_site):
    page = recorded
    article = first_href(page, "/articles/", ".article-card-title a")
    product = first_href(page, "/products/", ".product-card a[href^='/products/']")
    store = first_href(page, "/stores/", "main a[href^='/stores/']")
    member = f"/members/{slugify(MEMBERS[0][2])}/"
    paths = [
        "/",
        "/articles/",
        article,
        "/products/",
        "/products/?sort=price",
        product,
        "/stores/",
        store,
        "/search/?q=arrosoir",
        "/reviews/how-it-works/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/api/v1/docs",
        member,
        "/no-such-page/",
    ]

    violations = [found for path in paths for found in visit(page, path)]

    assert violations == []


def test_a_members_pages_run_under_the_policy(recorded):
    page = recorded
    log_in(page, *MEMBER)
    product = first_href(page, "/products/", ".product-card a[href^='/products/']")
    paths = [
        "/me/",
        "/me/notifications/",
        "/me/emails/",
        "/me/reviews/",
        "/me/wallet/",
        "/accounts/email/",
        "/accounts/password/change/",
        product,
        "/",
    ]

    violations = [found for path in paths for found in visit(page, path)]

    assert violations == []


def test_the_admin_works_under_its_own_policy(recorded):
    # Wagtail's admin still writes inline scripts and styles: it has a policy of
    # its own, which must not break it (nor the staff's view of the site).
    page = recorded
    log_in(page, *ADMIN)
    page.goto("/admin/pages/")
    paths = [
        "/admin/",
        "/admin/pages/",
        "/admin/images/",
        "/admin/users/",
        "/admin/moderation/",
        "/admin/rewards/",
        "/admin/rewards/payouts/",
        "/",
    ]
    violations = [found for path in paths for found in visit(page, path)]
    # The editor of an article: StreamField, rich text, choosers.
    page.goto("/admin/pages/")
    explorer = first_href(page, "/admin/pages/", "a[href*='/admin/pages/'][href$='/']")
    violations += visit(page, explorer)
    edit = page.locator("a[href*='/edit/']").first.get_attribute("href")
    if edit:
        violations += visit(page, edit)
        expect(page.locator("form#page-edit-form")).to_be_visible()

    assert violations == []


def test_the_moderator_and_rewards_manager_work_under_the_admin_policy(
    recorded, browser, live_site
):
    page = recorded
    log_in(page, *MODERATOR)
    violations = visit(page, "/admin/moderation/")
    # Photos of pending reviews are private: the moderator's browser gets them.
    thumbnails = page.locator("img[src*='/reviews/photos/']")
    expect(thumbnails.first).to_be_visible()
    assert thumbnails.first.evaluate("img => img.complete && img.naturalWidth > 0")
    history = page.locator(
        "a[href*='/admin/moderation/items/']:not([href$='/decide/'])"
    ).first.get_attribute("href")
    assert history
    violations += visit(page, history)

    manager = browser.new_context(base_url=live_site.url, locale="fr-FR")
    manager.add_init_script(RECORD_VIOLATIONS)
    other = manager.new_page()
    other.csp_console = []
    log_in(other, *REWARDS_MANAGER)
    for path in (
        "/admin/rewards/",
        "/admin/rewards/payouts/",
        "/admin/rewards/members/",
    ):
        violations += visit(other, path)
    manager.close()

    assert violations == []


def test_injected_inline_code_and_foreign_scripts_are_refused(recorded):
    page = recorded
    product = first_href(page, "/products/", ".product-card a[href^='/products/']")
    visit(page, product)

    page.evaluate(
        """() => {
          const box = document.createElement("div");
          box.innerHTML = '<img src="/static/none.png" onerror="window.__ran = 1">'
            + '<button id="csp-probe" onclick="window.__ran = 2">x</button>'
            + '<p style="color: red" id="csp-styled">x</p>';
          document.body.append(box);
          const inline = document.createElement("script");
          inline.textContent = "window.__ran = 3";
          document.body.append(inline);
          const foreign = document.createElement("script");
          foreign.src = "https://scripts.example.com/tracker.js";
          document.body.append(foreign);
        }"""
    )
    page.locator("#csp-probe").click()
    page.wait_for_timeout(300)

    assert page.evaluate("window.__ran") is None
    assert (
        page.evaluate("getComputedStyle(document.getElementById('csp-styled')).color")
        != "rgb(255, 0, 0)"
    )
    directives = " ".join(page.evaluate("window.__cspViolations"))
    assert "script-src" in directives
    assert "https://scripts.example.com/tracker.js" in directives
