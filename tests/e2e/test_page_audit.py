"""Every kind of page, measured in Chromium: it fits a phone, and axe-core finds no
serious or critical accessibility violation.

axe-core is vendored (tests/e2e/vendor/axe.min.js, MPL-2.0): nothing is downloaded
when the test runs.
"""

import re
from pathlib import Path

import pytest

from .conftest import log_in

# Issue 14's measured baseline (2026-12-02): the header is 3 px too wide at 360 px
# logged out and 27–111 px at 360/390 px logged in; the moderation queue was the
# one page with serious axe violations (now fixed). Turned on when the header
# collapses into a menu on phones.
pytestmark = pytest.mark.skip(reason="issue 14: the phone header is not built yet")

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
WIDTHS = (360, 390, 768)
MEMBER = ("camille.martin@exemple.fr", "Jardin-demo-2026")
MODERATOR = ("moderation@comptoir.example", "Jardin-demo-2026")

# One page of each type; `{product}`, `{store}`, `{article}`, `{idea}` are found on
# the served demo site first.
PUBLIC_PAGES = [
    "/",
    "/articles/",
    "{article}",
    "/products/",
    "{product}",
    "/stores/",
    "{store}",
    "/search/?q=arrosoir",
    "/ideas/",
    "{idea}",
    "/ideas/how-it-works/",
    "/reviews/how-it-works/",
    "/accounts/login/",
    "/accounts/signup/",
]
MEMBER_PAGES = [
    "/",
    "{product}",
    "/me/",
    "/me/reviews/",
    "/me/ideas/",
    "/me/wallet/",
    "/me/notifications/",
    "/me/emails/",
    "/me/data/",
    "/ideas/new/",
]


def _first_href(page, url: str, selector: str) -> str:
    page.goto(url)
    return page.locator(selector).first.get_attribute("href")


@pytest.fixture(scope="module")
def examples(browser, live_site):
    context = browser.new_context(base_url=live_site.url)
    page = context.new_page()
    found = {
        "product": _first_href(
            page, "/products/", ".product-card a[href^='/products/']"
        ),
        "store": _first_href(page, "/stores/", "main a[href^='/stores/'][href$='/']"),
        "article": _first_href(page, "/articles/", ".article-card-title a"),
        "idea": _first_href(page, "/ideas/", "main a[href^='/ideas/'][href*='-']"),
    }
    context.close()
    return found


def _overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def _axe_serious(page) -> list[str]:
    # The site's policy forbids inline scripts; the audit contexts bypass it to
    # inject axe (test_content_security_policy.py checks the policy itself).
    page.add_script_tag(content=AXE)
    results = page.evaluate(
        """async () => {
          const r = await axe.run(document, {resultTypes: ['violations']});
          return r.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ' (' + v.impact + '): ' +
                 v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }"""
    )
    return results


def _audit(context, paths, examples) -> list[str]:
    problems = []
    page = context.new_page()
    page.set_default_timeout(15_000)
    for raw in paths:
        path = raw.format(**examples)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(path)
            extra = _overflow(page)
            if extra > 0:
                problems.append(f"{path} at {width} px is {extra} px too wide")
        problems += [f"{path}: {v}" for v in _axe_serious(page)]
    page.close()
    return problems


def test_public_pages_fit_phones_and_pass_axe(browser, live_site, examples):
    context = browser.new_context(
        base_url=live_site.url, locale="fr-FR", bypass_csp=True
    )
    problems = _audit(context, PUBLIC_PAGES, examples)
    context.close()
    assert problems == [], "\n".join(problems)


def test_member_pages_fit_phones_and_pass_axe(browser, live_site, examples):
    context = browser.new_context(
        base_url=live_site.url, locale="fr-FR", bypass_csp=True
    )
    page = context.new_page()
    log_in(page, *MEMBER)
    page.close()
    problems = _audit(context, MEMBER_PAGES, examples)
    context.close()
    assert problems == [], "\n".join(problems)


def test_the_moderation_queue_passes_axe(browser, live_site):
    context = browser.new_context(
        base_url=live_site.url, locale="fr-FR", bypass_csp=True
    )
    page = context.new_page()
    page.goto("/admin/login/")
    page.locator("input[name=username]").fill(MODERATOR[0])
    page.locator("input[name=password]").fill(MODERATOR[1])
    page.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto("/admin/moderation/")
    problems = _axe_serious(page)
    context.close()
    assert problems == [], "\n".join(problems)
