"""/search/ finds what members write: published reviews, by title and text."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.moderation.services import moderation_decide
from community.reviews.services import review_delete, review_edit, review_submit
from tests.factories import MemberFactory, ProductFactory

from .conftest import aged

pytestmark = pytest.mark.django_db

BODY = "Je taille mes rosiers sans effort, la lame reste affûtée après un an."


def _member(n, trust_level=2):
    return aged(
        MemberFactory(
            display_name=f"Jardinier {n}",
            slug=f"jardinier-{n}",
            trust_level=trust_level,
        )
    )


def _review(author, *, title="Très bon outil", body=BODY, product=None):
    return review_submit(
        author=author,
        product=product or ProductFactory(name=f"Sécateur {author.pk}"),
        rating=4,
        title=title,
        body=body,
    )


def _search(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    return response, response.content.decode()


def _reviews_section(html):
    match = re.search(
        r'<section class="search-section" aria-labelledby="results-reviews">'
        r".*?</section>",
        html,
        re.S,
    )
    return match.group(0) if match else ""


def test_a_review_is_found_by_its_title_and_by_its_text(client):
    # given two published reviews, one naming "rosiers" in its title, one in its text
    by_title = _review(
        _member(1),
        title="Parfait pour les rosiers",
        body="Solide et léger, je recommande.",
    )
    by_text = _review(_member(2), title="Bon achat")

    # when a visitor searches for "rosiers"
    response, html = _search(client, "rosiers")

    # then both are listed under "Reviews", with their count in the heading
    section = _reviews_section(html)
    assert 'Reviews <span class="count muted">(2)</span>' in section
    assert by_title.get_absolute_url() in section
    assert by_text.get_absolute_url() in section
    assert f"Review of {by_text.product.name} by Jardinier 2" in section
    assert "la lame reste affûtée" in section
    # and the shortcuts at the top give each kind its count
    assert '<a class="tag" href="#results-reviews">Reviews (2)</a>' in html


def test_only_published_reviews_of_active_products_are_found(client, moderator):
    # given pending, rejected and removed reviews, and one of a withdrawn product
    _review(_member(1, trust_level=0), title="Rosiers en attente")
    rejected = _review(_member(2, trust_level=0), title="Rosiers refusés")
    moderation_decide(
        moderator=moderator,
        entries_or_contents=[rejected],
        action="reject",
        reason="spam",
    )
    removed = _review(_member(3), title="Rosiers retirés")
    review_delete(review=removed, member=removed.author)
    withdrawn = _review(_member(4), title="Rosiers d'antan").product
    withdrawn.active = False
    withdrawn.save(update_fields=["active"])
    _review(_member(5), title="Rosiers publiés")

    response, html = _search(client, "rosiers")

    section = _reviews_section(html)
    assert 'Reviews <span class="count muted">(1)</span>' in section
    assert "Rosiers publiés" in section
    for title in (
        "Rosiers en attente",
        "Rosiers refusés",
        "Rosiers retirés",
        "Rosiers d&#x27;antan",
    ):
        assert title not in html


def test_an_approved_review_becomes_findable(client, moderator):
    review = _review(_member(1, trust_level=0), title="Rosiers enfin")
    assert "Rosiers enfin" not in _search(client, "rosiers")[1]

    moderation_decide(
        moderator=moderator, entries_or_contents=[review], action="approve"
    )

    assert "Rosiers enfin" in _search(client, "rosiers")[1]


def test_an_edited_review_is_found_by_its_new_words(client):
    review = _review(_member(1), title="Bon sécateur", body="Coupe nette des rosiers.")

    review_edit(
        review=review,
        editor=review.author,
        rating=5,
        title="Bon sécateur",
        body="Coupe nette des hortensias et des glycines.",
        photos=[],
    )

    assert "Bon sécateur" not in _search(client, "rosiers")[1]
    assert "Bon sécateur" in _search(client, "hortensias")[1]


def test_reviews_can_be_browsed_alone_page_by_page(client):
    for n in range(23):
        _review(_member(n), title=f"Rosiers {n}")

    response, html = _search(client, "rosiers")
    assert html.count('class="search-result"') >= 5
    assert "See all 23 reviews" in _reviews_section(html)

    response, html = _search(client, "rosiers", type="reviews")
    assert response.context["only"] == "reviews"
    assert _reviews_section(html).count('<li class="search-result">') == 20
    assert "Page 1 of 2" in html or 'rel="next"' in html
    _, second = _search(client, "rosiers", type="reviews", page=2)
    assert _reviews_section(second).count('<li class="search-result">') == 3


def test_the_reviews_section_costs_the_same_for_one_or_five_results(client):
    _review(_member(0), title="Rosiers 0")
    _search(client, "rosiers")  # warm the per-process caches
    with CaptureQueriesContext(connection) as one:
        _search(client, "rosiers")

    for n in range(1, 5):
        _review(_member(n), title=f"Rosiers {n}")
    with CaptureQueriesContext(connection) as five:
        _, html = _search(client, "rosiers")

    assert 'Reviews <span class="count muted">(5)</span>' in html
    assert len(five.captured_queries) == len(one.captured_queries)


@pytest.mark.parametrize("query", ['"rosiers', "rosiers*", "(rosiers) OR", "--", "’"])
def test_punctuation_in_a_query_is_no_error(client, query):
    _review(_member(1), title="Rosiers")

    response, html = _search(client, query)

    assert response.status_code == 200


def test_the_search_field_says_what_it_looks_in(client):
    _, html = _search(client, "")

    hint = re.search(r'<p class="muted" id="search-q-kinds">(.*?)</p>', html).group(1)
    assert hint.startswith("Looks in: Articles, Products")
    assert "Reviews" in hint
    assert 'aria-describedby="search-q-kinds"' in html
