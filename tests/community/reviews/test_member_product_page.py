"""A signed-in member's product page: their parts of the reviews list (vote
buttons, report box, the staff's answer link) are built from what is kept with
the cards, plus their own review and votes, read at every request.
"""

import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from community.reviews.services import review_respond, review_submit, review_vote
from comptoir.page_cache import page_cache_invalidate
from marketplace.catalog.cached_pages import product_tag
from tests.factories import MemberFactory

from .conftest import BODY, aged

pytestmark = pytest.mark.django_db


def page_of(client, product) -> str:
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def vote_buttons(page: str, review) -> str:
    """The vote buttons of one review on a page ("" when there are none)."""
    found = re.search(
        rf'<span class="review-vote-buttons" id="review-{review.pk}-vote-buttons">'
        r".*?</span>",
        page,
        re.S,
    )
    return found.group(0) if found else ""


def report_box_of(page: str, review) -> bool:
    """Whether a page offers to report this review."""
    return re.search(rf'id="report-\d+-{review.pk}-note"', page) is not None


def reads_of(queries, table: str) -> int:
    return sum(f'FROM "{table}"' in query["sql"] for query in queries)


@pytest.fixture
def others(db):
    return [
        aged(
            MemberFactory(display_name=f"Membre {n}", slug=f"membre-{n}", trust_level=2)
        )
        for n in range(2)
    ]


@pytest.fixture
def reviews(product, author, others, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return [
            review_submit(
                author=member, product=product, rating=4, title=f"Avis {n}", body=BODY
            )
            for n, member in enumerate([author, *others])
        ]


def test_a_members_warm_page_reads_their_review_and_votes_only(
    client,
    product,
    reviews,
    reader,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    # given a member who wrote no review, and the page's reviews just forgotten
    client.force_login(reader)
    page_of(client, product)
    with django_capture_on_commit_callbacks(execute=True):
        page_cache_invalidate(product_tag(product.pk))

    with CaptureQueriesContext(connection) as cold:
        page_of(client, product)
    with CaptureQueriesContext(connection) as warm:
        page = page_of(client, product)

    # then the warm page reads the reviews table once (their own review) and
    # their votes once, whatever the number of reviews shown
    assert reads_of(cold, "reviews_review") >= 2
    assert reads_of(warm, "reviews_review") == 1
    assert reads_of(warm, "reviews_reviewvote") == 1
    assert len(warm) < len(cold)
    with django_assert_max_num_queries(len(warm)):
        page_of(client, product)
    # and still offers a vote and a report on each review
    assert all(f'action="/reviews/{r.pk}/vote/"' in page for r in reviews)
    assert all(report_box_of(page, r) for r in reviews)


def test_the_counts_and_answer_links_follow_each_change(
    client, product, reviews, reader, staff, django_capture_on_commit_callbacks
):
    first = reviews[0]
    client.force_login(reader)
    assert "Helpful (0)" in vote_buttons(page_of(client, product), first)

    # when another member finds it helpful, then the reader's button counts it
    with django_capture_on_commit_callbacks(execute=True):
        review_vote(review=first, voter=reviews[1].author, helpful=True)
    buttons = vote_buttons(page_of(client, product), first)
    assert "Helpful (1)" in buttons and "is-chosen" not in buttons

    # when the reader votes "not helpful", then their own choice is pressed
    with django_capture_on_commit_callbacks(execute=True):
        review_vote(review=first, voter=reader, helpful=False)
    buttons = vote_buttons(page_of(client, product), first)
    assert "Not helpful (1)" in buttons
    assert (
        'class="button-secondary is-chosen" aria-pressed="true">Not helpful' in buttons
    )

    # when the shop answers, then the staff's link turns to editing the answer
    client.force_login(staff)
    assert "Edit the shop's answer" not in page_of(client, product)
    with django_capture_on_commit_callbacks(execute=True):
        review_respond(review=first, staff_member=staff, body="Merci beaucoup.")
    page = page_of(client, product)
    assert page.count("Edit the shop's answer") == 1
    assert page.count("Answer publicly") == len(reviews) - 1


def test_a_members_votes_and_authorship_stay_their_own(
    client, product, reviews, author, reader, django_capture_on_commit_callbacks
):
    own = reviews[0]
    with django_capture_on_commit_callbacks(execute=True):
        review_vote(review=reviews[1], voter=reader, helpful=True)

    client.force_login(reader)
    readers = page_of(client, product)
    client.force_login(reviews[2].author)
    others = page_of(client, product)  # the same kept cards and rows
    client.force_login(author)
    authors = page_of(client, product)

    # the reader's vote is pressed on their page only
    assert "is-chosen" in vote_buttons(readers, reviews[1])
    assert "is-chosen" not in vote_buttons(others, reviews[1])
    assert "is-chosen" not in vote_buttons(authors, reviews[1])
    # the author neither votes on nor reports their own review; others may
    assert not vote_buttons(authors, own) and not report_box_of(authors, own)
    assert vote_buttons(readers, own) and report_box_of(readers, own)
    assert vote_buttons(authors, reviews[1]) and report_box_of(authors, reviews[1])
    # and each author reads the quality of their own review alone
    quality = '<div class="review-quality">'
    assert authors.count(quality) == 1 and others.count(quality) == 1
    assert quality not in readers and "Edit your review" not in readers
    assert "Edit your review" in authors


def test_the_report_box_escapes_the_page_address(reviews, reader):
    # the address a report returns to keeps its query string, escaped
    request = RequestFactory().get("/p/", {"q": "<b>", "a": "1"})
    request.user = reader

    html = render_to_string(
        "moderation/report_button.html",
        {"content": reviews[0], "user": reader},
        request,
    )

    assert f'name="next" value="/p/?q=%3Cb%3E&amp;a=1#review-{reviews[0].pk}">' in html
    assert '<details class="report-box">' in html
    assert 'name="csrfmiddlewaretoken"' in html
