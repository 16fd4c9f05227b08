"""The reviews panel's shared parts are kept under the product page's tags.

The summary, the filters, the page of cards and the pagination look the same to
every viewer of one query string; the vote forms (with the viewer's CSRF token),
"write a review" or "edit your review", the author's quality words and the
staff's answer links are each viewer's own, put around them at every request.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.moderation.services import moderation_decide
from community.reviews.services import review_respond, review_submit, review_vote
from comptoir.page_cache import page_cache_invalidate
from marketplace.catalog.cached_pages import product_tag

from .conftest import BODY, aged
from .html_check import json_ld_blocks

pytestmark = pytest.mark.django_db

VOTE_FORM = re.compile(r'<form method="post" action="/reviews/(\d+)/vote/"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def page_of(client, product, query="") -> str:
    response = client.get(product.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def second_author(db):
    from tests.factories import MemberFactory

    return aged(MemberFactory(display_name="Bastien", slug="bastien", trust_level=2))


def test_a_member_sees_each_change_to_the_reviews(
    client,
    product,
    author,
    second_author,
    reader,
    staff,
    moderator,
    django_capture_on_commit_callbacks,
):
    # given a member's page with one review, its shared parts kept
    with django_capture_on_commit_callbacks(execute=True):
        first = review_submit(
            author=author, product=product, rating=5, title="Parfait", body=BODY
        )
    client.force_login(reader)
    page = page_of(client, product)
    assert "Parfait" in page and "1 review" in page
    page_of(client, product)

    # when another review is published, then it shows with the new count
    with django_capture_on_commit_callbacks(execute=True):
        second = review_submit(
            author=second_author, product=product, rating=1, title="Cassé", body=BODY
        )
    page = page_of(client, product)
    assert "Cassé" in page and "2 reviews" in page

    # when someone votes, then the card shows it
    with django_capture_on_commit_callbacks(execute=True):
        review_vote(review=first, voter=staff, helpful=True)
    assert "1 person found this helpful" in page_of(client, product)

    # when the shop answers, then the answer shows
    with django_capture_on_commit_callbacks(execute=True):
        review_respond(review=second, staff_member=staff, body="Nous le remplaçons.")
    assert "Nous le remplaçons." in page_of(client, product)

    # when a moderator rejects a review, then it leaves the page and the count
    with django_capture_on_commit_callbacks(execute=True):
        moderation_decide(
            moderator=moderator,
            entries_or_contents=[second],
            action="reject",
            reason="off_topic",
        )
    page = page_of(client, product)
    assert "Cassé" not in page and "1 review" in page
    (data,) = json_ld_blocks(page)
    assert data["aggregateRating"]["reviewCount"] == 1
    assert [review["name"] for review in data["review"]] == ["Parfait"]


def test_each_viewer_gets_only_their_own_review_actions(
    client, product, author, reader, staff, django_capture_on_commit_callbacks
):
    # given a review, and the page built first for its author
    with django_capture_on_commit_callbacks(execute=True):
        review = review_submit(
            author=author, product=product, rating=4, title="Bon outil", body=BODY
        )
    client.force_login(author)
    authors = page_of(client, product)

    # when a reader, the staff and a visitor open the same page
    client.force_login(reader)
    readers = page_of(client, product)
    client.force_login(staff)
    staffs = page_of(client, product)
    client.logout()
    visitors = page_of(client, product)

    # then the author edits their review and votes on nothing
    assert "Edit your review" in authors
    assert not VOTE_FORM.search(authors)
    # the reader may vote on it and write their own, with their own token
    assert VOTE_FORM.findall(readers) == [str(review.pk)]
    assert "Write a review" in readers and "Edit your review" not in readers
    assert set(CSRF.findall(readers)).isdisjoint(CSRF.findall(authors))
    # the staff may answer it; nobody else sees that link
    assert "Answer publicly" in staffs
    assert all("Answer publicly" not in page for page in (authors, readers, visitors))
    # a visitor is asked to log in, and gets no form and no member's token
    assert "Log in to vote" in visitors and "Log in to write a review" in visitors
    assert not VOTE_FORM.search(visitors) and not CSRF.search(visitors)
    assert "Log in to vote" not in readers
    # every one of them reads the same card
    for page in (authors, readers, staffs, visitors):
        assert "Bon outil" in page


def test_a_filtered_page_keeps_its_own_parts(
    client, product, author, second_author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review_submit(author=author, product=product, rating=5, title="Top", body=BODY)
        review_submit(
            author=second_author, product=product, rating=2, title="Bof", body=BODY
        )
    page_of(client, product)  # the unfiltered parts kept first

    filtered = page_of(client, product, "?stars=2")
    everything = page_of(client, product)

    assert "Bof" in filtered and "Top" not in filtered
    assert '<option value="2" selected>' in filtered
    (data,) = json_ld_blocks(filtered)
    assert [review["name"] for review in data["review"]] == ["Bof"]
    assert "Bof" in everything and "Top" in everything
    # a query string no registration reads is served, built every time
    assert "Top" in page_of(client, product, "?utm_source=lettre")


def test_a_warm_reviews_panel_costs_fewer_queries(
    client,
    product,
    author,
    second_author,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        review_submit(author=author, product=product, rating=5, title="Top", body=BODY)
        review_submit(
            author=second_author, product=product, rating=3, title="Moyen", body=BODY
        )
    page_of(client, product)
    with django_capture_on_commit_callbacks(execute=True):
        page_cache_invalidate(product_tag(product.pk))

    with CaptureQueriesContext(connection) as cold:
        page_of(client, product)

    # a visitor's warm page reads the product alone: no rating, rows, photos
    assert len(cold) > 1
    with django_assert_max_num_queries(1):
        page = page_of(client, product)
    assert "Top" in page and "Moyen" in page and "2 reviews" in page
