"""Mixed load for Locust: visitors browse and search, members also review and vote.

    .venv/bin/locust -f bench/locustfile.py --headless -u 200 -r 50 -t 60s \
        --host http://127.0.0.1:8000

bench/load.py runs it against a server of its own (PostgreSQL, Redis, demo data)
and passes LOCUST_FACTS, a JSON file with the product slugs, article URLs, review
ids and demo members' e-mails; without it the pages are found by reading
/products/ and the members are the demo's (password Jardin-demo-2026).

What is not an error: "already reviewed" (the review form sends the member to
their review), a review refused by the posting policy (the form again, with its
message, as a 403 for new members' limits). Members never vote on their own
reviews (refused with a 403, by design), and suspended members are left out.
Anything else that is not a 2xx or a redirect counts as a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading

from locust import HttpUser, between, task

MEMBER_PASSWORD = "Jardin-demo-2026"
SEARCHES = ["tomate", "sécateur", "arrosage", "compost", "perceuse", "lavande"]
# allauth lets 30 logins a minute come from one address: every simulated member
# logs in once, from 127.0.0.1, so at most this many members run at once.
MEMBERS = 24

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_PRODUCT = re.compile(r'href="(/products/[\w-]+/)"')


def _facts() -> dict:
    path = os.environ.get("LOCUST_FACTS")
    if path and os.path.exists(path):
        with open(path) as file:
            return json.load(file)
    return {}


FACTS = _facts()
_member_numbers = itertools.count()
_lock = threading.Lock()


class Visitor(HttpUser):
    """Someone not logged in: home, the product list, products, articles, search."""

    weight = 176
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.products = list(FACTS.get("products", []))
        self.articles = list(FACTS.get("articles", []))
        if not self.products:
            page = self.client.get("/products/", name="/products/").text
            self.products = sorted(set(_PRODUCT.findall(page))) or ["/products/"]

    @task(2)
    def home(self) -> None:
        self.client.get("/", name="/")

    @task(3)
    def product_list(self) -> None:
        self.client.get("/products/", name="/products/")

    @task(6)
    def product(self) -> None:
        self.client.get(random.choice(self.products), name="/products/<slug>/")

    @task(3)
    def article(self) -> None:
        if self.articles:
            self.client.get(random.choice(self.articles), name="article")

    @task(1)
    def search(self) -> None:
        self.client.get(
            "/search/", params={"q": random.choice(SEARCHES)}, name="/search/?q="
        )


class Member(Visitor):
    """A demo member: browses like a visitor, writes reviews and votes helpful."""

    weight = 24
    fixed_count = MEMBERS

    def on_start(self) -> None:
        super().on_start()
        emails = FACTS.get("members") or ["camille.martin@exemple.fr"]
        with _lock:
            self.email = emails[next(_member_numbers) % len(emails)]
        # Never one's own review: the service refuses it (403), as it should.
        self.reviews = [
            review
            for review in FACTS.get("reviews", [])
            if review.get("author") != self.email
        ]
        self.reviewed: set[str] = set()
        page = self.client.get("/accounts/login/", name="/accounts/login/")
        with self.client.post(
            "/accounts/login/",
            data={
                "login": self.email,
                "password": MEMBER_PASSWORD,
                "csrfmiddlewaretoken": self._csrf(page.text),
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="/accounts/login/ (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"login of {self.email}: HTTP {answer.status_code}")

    def _csrf(self, text: str) -> str:
        found = _CSRF.search(text)
        return found.group(1) if found else self.client.cookies.get("csrftoken", "")

    @task(1)
    def review(self) -> None:
        """Review a product this member has not reviewed in this run."""
        left = [slug for slug in self.products if slug not in self.reviewed]
        if not left:
            return
        product = random.choice(left)
        self.reviewed.add(product)
        url = f"{product}reviews/new/"
        with self.client.get(
            url, name="review form", allow_redirects=False, catch_response=True
        ) as form:
            if form.status_code in (301, 302):
                # Already reviewed (an earlier run, or the demo): the edit page.
                form.success()
                return
            if form.status_code != 200:
                form.failure(f"HTTP {form.status_code}")
                return
            token = self._csrf(form.text)
        with self.client.post(
            url,
            data={
                "rating": random.choice(["3", "4", "5"]),
                "title": "Bon produit pour le jardin",
                "body": "Solide et pratique, je l'utilise chaque semaine depuis "
                "le printemps. Le rapport qualité-prix est correct.",
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": f"{self.host}{url}"},
            name="review (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            # 302: recorded (published or waiting for moderation); 200: the form
            # again with a message; 403 with the form: the posting policy's limits
            # for new members (a wait between posts, a first-day count).
            refused = answer.status_code == 403 and "csrfmiddlewaretoken" in answer.text
            if answer.status_code in (200, 302) or refused:
                answer.success()
            else:
                answer.failure(f"HTTP {answer.status_code}")

    @task(2)
    def vote(self) -> None:
        if not self.reviews:
            return
        review = random.choice(self.reviews)
        page = self.client.get(review["product"], name="/products/<slug>/")
        with self.client.post(
            f"/reviews/{review['id']}/vote/",
            data={"helpful": "yes", "csrfmiddlewaretoken": self._csrf(page.text)},
            headers={"Referer": f"{self.host}{review['product']}"},
            name="vote (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            # A redirect: the vote counted, or changed from an earlier one.
            if answer.status_code == 302:
                answer.success()
            else:
                answer.failure(f"HTTP {answer.status_code}")
