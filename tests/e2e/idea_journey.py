"""A product idea's whole path in the browser, up to the month's close: proposed by a
member, supported past its threshold by others, accepted and launched by the review
board, sold at the till. test_rewards.py closes the month and reads the originator's
royalty in the wallet: the demo leaves one month open, so one test closes it."""

import re
import uuid

from playwright.sync_api import expect

from .conftest import log_in
from .test_reviews import _new_product

PASSWORD = "une-idee-qui-pousse-2026"
ADMIN = ("admin@comptoir.example", "Comptoir-admin-2026")

# What time and the retailer's settings would do: one stage of two supporters, so
# two members are enough to put the idea in review; the originator joined the
# rewards programme before the month the demo left open (the last complete one).
STORY = """
import datetime as dt
from django.contrib.auth import get_user_model
from community.ideas.models import IdeasSettings
from rewards.close import month_parse, month_start
from rewards.models import ProgrammeMembership
rules = IdeasSettings.load()
rules.stage1_supporters, rules.stage1_days = 2, 30
rules.stage2_supporters = rules.stage3_supporters = 0
rules.save()
month = month_parse("{month}")
member = get_user_model().objects.get(email="{email}")
ProgrammeMembership.objects.create(
    member=member, terms_version="2026-1",
    opted_in_at=month_start(month) - dt.timedelta(days=1),
)
"""


def _member(live_site, name: str, trust_level: int) -> str:
    email = f"{name.lower()}-{uuid.uuid4().hex[:8]}@exemple.fr"
    live_site.member_create(
        email=email,
        display_name=f"{name} {uuid.uuid4().hex[:4]}",
        password=PASSWORD,
        trust_level=trust_level,
    )
    return email


def _page(browser, live_site):
    return browser.new_context(base_url=live_site.url, locale="fr-FR").new_page()


def idea_launched_and_sold(browser, live_site, month: str):
    """The journey up to the sales of `month`, which is not closed yet; returns the
    originator's logged-in page and the product's name."""
    originator = _member(live_site, "Ines", trust_level=2)
    supporters = [_member(live_site, name, trust_level=1) for name in ("Paul", "Lea")]
    live_site.manage("shell", "-c", STORY.format(email=originator, month=month))
    sku, product_name = _new_product(live_site, "IDEA")
    title = f"Coffre à outils ventilé {uuid.uuid4().hex[:4]}"

    # A trusted member proposes the idea: it is public at once.
    author = _page(browser, live_site)
    log_in(author, originator, PASSWORD)
    author.goto("/ideas/new/")
    author.locator("input[name=title]").fill(title)
    author.locator("textarea[name=problem]").fill(
        "Mes outils rouillent dans la remise humide chaque hiver, malgré l'huile."
    )
    author.locator("textarea[name=proposal]").fill(
        "Un coffre en bois traité, ventilé, avec des crochets et un absorbeur."
    )
    author.locator("button[name=submit]").click()
    expect(author.locator("h1")).to_have_text(title)
    idea_url = author.url

    # Two members support it: the second support reaches the stage.
    for email in supporters:
        member = _page(browser, live_site)
        log_in(member, email, PASSWORD)
        member.goto(idea_url)
        member.get_by_role("button", name="Soutenir cette idée").click()
        # in place: the thanks are announced next to the button, no reload
        expect(member.locator("#support-status")).to_contain_text(
            "Merci pour votre soutien"
        )
        member.context.close()
    author.goto(idea_url)
    expect(author.locator("main")).to_contain_text("En examen")

    # The review board accepts it, with a public reason, then launches it.
    board = _page(browser, live_site)
    log_in(board, *ADMIN)
    idea_id = re.search(r"/ideas/(\d+)-", idea_url).group(1)
    board.goto(f"/admin/ideas/{idea_id}/")
    board.locator("input[name=decision][value=accepted]").check()
    reason = "Demandé par beaucoup de jardiniers ; notre atelier sait le faire."
    board.locator("textarea[name=reason]").fill(reason)
    board.locator("form[action$='/decide/'] button[type=submit]").click()
    board.locator("form[action$='/decide/'] button[type=submit]").click()  # confirm
    board.locator("input[name=sku]").fill(sku)
    board.locator("form[action$='/launch/'] button[type=submit]").click()
    board.locator("form[action$='/launch/'] button[type=submit]").click()  # confirm
    expect(board.locator("body")).to_contain_text(product_name)

    author.goto(idea_url)
    expect(author.locator("main")).to_contain_text(reason)
    expect(author.locator("main")).to_contain_text(product_name)

    # The till sells it in the month the demo left open, not closed yet.
    answer = live_site.api_post(
        "/api/v1/sales/bulk",
        {
            "events": [
                {
                    "id": f"S-{sku}-{n}",
                    "type": "sale",
                    "sku": sku,
                    "quantity": 1,
                    "amount_cents": 4990,
                    "store": None,
                    "channel": "store",
                    "occurred_at": f"{month}-1{n}T10:00:00+01:00",
                }
                for n in range(3)
            ]
        },
    )
    assert answer["created"] == 3, answer
    return author, product_name
