"""Helpful votes in place (in-place.js asks for JSON), the plain form unchanged, and
focus brought back to the review a form acted on."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from community.reviews.models import Review, ReviewVote
from community.reviews.services import review_submit

from .conftest import BODY

pytestmark = pytest.mark.django_db

# What in-place.js sends, and what a browser's own form submission sends.
SCRIPT = {"HTTP_ACCEPT": "application/json"}
BROWSER = {
    "HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
}


def make_review(member, product, **overrides):
    fields = {"rating": 4, "title": "Très bon outil", "body": BODY}
    fields.update(overrides)
    return review_submit(author=member, product=product, **fields)


@pytest.fixture
def published(author, product):
    return make_review(author, product)


def vote_url(review):
    return reverse("reviews:vote", args=[review.pk])


def fragment_button(html, value):
    """The <button> of the fragment that says helpful=`value`."""
    match = re.search(rf'<button[^>]*value="{value}"[^>]*>[^<]*</button>', html)
    assert match, html
    return match.group(0)


# --- In place -----------------------------------------------------------------------


def test_vote_in_place_answers_the_new_counts_and_pressed_button(
    client, reader, published
):
    client.force_login(reader)

    response = client.post(vote_url(published), {"helpful": "yes"}, **SCRIPT)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    answer = response.json()
    assert answer["ok"] is True
    assert answer["message"] == "Thank you, your vote is counted."
    buttons = answer["fragments"][f"review-{published.pk}-vote-buttons"]
    assert f'id="review-{published.pk}-vote-buttons"' in buttons
    yes = fragment_button(buttons, "yes")
    assert 'aria-pressed="true"' in yes and "Helpful (1)" in yes
    no = fragment_button(buttons, "no")
    assert 'aria-pressed="false"' in no and "Not helpful (0)" in no
    helpful_line = answer["fragments"][f"review-{published.pk}-helpful"]
    assert "1 person found this helpful" in helpful_line
    assert ReviewVote.objects.filter(voter=reader, helpful=True).count() == 1


def test_changing_a_vote_in_place_moves_the_pressed_button(client, reader, published):
    client.force_login(reader)
    client.post(vote_url(published), {"helpful": "yes"}, **SCRIPT)

    answer = client.post(vote_url(published), {"helpful": "no"}, **SCRIPT).json()

    buttons = answer["fragments"][f"review-{published.pk}-vote-buttons"]
    assert 'aria-pressed="false"' in fragment_button(buttons, "yes")
    assert "Helpful (0)" in fragment_button(buttons, "yes")
    assert 'aria-pressed="true"' in fragment_button(buttons, "no")
    assert "Not helpful (1)" in fragment_button(buttons, "no")


def test_in_place_vote_leaves_no_message_for_the_next_page(client, reader, published):
    client.force_login(reader)
    client.post(vote_url(published), {"helpful": "yes"}, **SCRIPT)

    page = client.get(published.product.get_absolute_url()).content.decode()

    # The sentence was shown by the button; it does not show up again later.
    assert "Thank you, your vote is counted." not in page
    assert "Helpful (1)" in page


def test_in_place_answer_is_never_cached_and_varies_on_accept(
    client, reader, published
):
    client.force_login(reader)

    response = client.post(vote_url(published), {"helpful": "yes"}, **SCRIPT)

    assert "Accept" in response["Vary"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("who", "data", "status", "words"),
    [
        ("author", {"helpful": "yes"}, 403, "You cannot vote on your own review."),
        ("suspended", {"helpful": "yes"}, 403, "suspended"),
        ("reader", {"helpful": "maybe"}, 400, "Choose helpful or not helpful."),
        ("reader", {}, 400, "Choose helpful or not helpful."),
    ],
)
def test_refusals_in_place_are_sentences(
    request, client, published, who, data, status, words
):
    client.force_login(request.getfixturevalue(who))

    response = client.post(vote_url(published), data, **SCRIPT)

    assert response.status_code == status
    answer = response.json()
    assert answer["ok"] is False
    assert words.lower() in answer["message"].lower()
    assert answer["fragments"] == {}
    assert not ReviewVote.objects.exists()


def test_a_review_no_longer_shown_is_said_in_place(client, reader, newcomer, product):
    pending = make_review(newcomer, product, title="En attente")
    client.force_login(reader)

    response = client.post(vote_url(pending), {"helpful": "yes"}, **SCRIPT)

    assert response.status_code == 404
    assert response.json() == {
        "ok": False,
        "message": "This review is no longer shown: reload the page.",
        "fragments": {},
    }


def test_in_place_vote_still_needs_the_csrf_token(reader, published):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)

    refused = browser.post(vote_url(published), {"helpful": "yes"}, **SCRIPT)
    assert refused.status_code == 403
    assert not ReviewVote.objects.exists()

    page = browser.get(published.product.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    accepted = browser.post(
        vote_url(published),
        {"helpful": "yes", "csrfmiddlewaretoken": token},
        **SCRIPT,
    )
    assert accepted.status_code == 200
    assert accepted.json()["ok"] is True


def test_logged_out_script_gets_the_login_redirect(client, published):
    # in-place.js does not follow it: it posts the plain form, which leads to log in.
    response = client.post(vote_url(published), {"helpful": "yes"}, **SCRIPT)

    assert response.status_code == 302
    assert reverse("account_login") in response.url


# --- The plain form, without JavaScript ---------------------------------------------


def test_plain_vote_still_redirects_back_to_the_review(client, reader, published):
    client.force_login(reader)
    back = published.product.get_absolute_url() + f"?sort=newest#review-{published.pk}"

    response = client.post(
        vote_url(published), {"helpful": "yes", "next": back}, **BROWSER
    )

    assert response.status_code == 302
    assert response.url == back
    page = client.get(response.url).content.decode()
    assert "Thank you, your vote is counted." in page
    assert "Helpful (1)" in page


def test_plain_vote_refusal_is_a_message_on_the_page(client, reader, published):
    client.force_login(reader)

    response = client.post(vote_url(published), {"helpful": "maybe"}, follow=True)

    assert "Choose helpful or not helpful." in response.content.decode()
    assert not ReviewVote.objects.exists()


def test_plain_vote_on_own_review_is_still_forbidden(client, author, published):
    client.force_login(author)

    response = client.post(vote_url(published), {"helpful": "yes"}, **BROWSER)

    assert response.status_code == 403


# --- The product page's markup --------------------------------------------------


def test_product_page_vote_form_is_marked_for_in_place(client, reader, published):
    client.force_login(reader)

    page = client.get(published.product.get_absolute_url()).content.decode()

    form = re.search(r'<form[^>]*class="review-vote"[^>]*>', page).group(0)
    assert "data-in-place" in form
    status_id = f"review-{published.pk}-vote-status"
    assert f'data-in-place-status="{status_id}"' in form
    assert re.search(
        rf'<span class="in-place-status" id="{status_id}" role="status"'
        r' aria-live="polite">',
        page,
    )
    assert f'id="review-{published.pk}-vote-buttons"' in page
    assert f'id="review-{published.pk}-helpful"' in page
    # The item a vote leads back to can take the focus.
    assert f'id="review-{published.pk}" tabindex="-1"' in page
    assert 'src="/static/comptoir/js/in-place.js"' in page


def test_product_page_has_no_inline_script(client, reader, published):
    client.force_login(reader)

    page = client.get(published.product.get_absolute_url()).content.decode()

    # The Content-Security-Policy allows the site's own script files only.
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in tag or 'type="application/ld+json"' in tag, tag
    assert "onclick" not in page and "onsubmit" not in page


# --- Focus returns to the item ------------------------------------------------------


def test_writing_a_review_leads_back_to_it_focusable(client, author, product):
    client.force_login(author)

    response = client.post(
        reverse("reviews:create", args=[product.slug]),
        {"rating": "5", "title": "Parfait", "body": BODY},
    )

    review = Review.objects.get(author=author)
    anchor = response.url.rsplit("#", 1)[1]
    assert anchor == f"review-{review.pk}"
    page = client.get(response.url).content.decode()
    assert f'id="{anchor}" tabindex="-1"' in page


def test_a_pending_review_also_has_its_anchor_on_the_product_page(
    client, newcomer, product
):
    client.force_login(newcomer)

    response = client.post(
        reverse("reviews:create", args=[product.slug]),
        {"rating": "3", "title": "Correct", "body": BODY},
    )

    anchor = response.url.rsplit("#", 1)[1]
    assert anchor.startswith("review-")
    page = client.get(response.url).content.decode()
    # Not in the list (it waits for moderation): the "You reviewed" line holds it.
    assert page.count(f'id="{anchor}"') == 1
    assert f'id="{anchor}" tabindex="-1"' in page


def test_a_published_own_review_has_one_anchor_only(client, author, published):
    client.force_login(author)

    page = client.get(published.product.get_absolute_url()).content.decode()

    assert page.count(f'id="review-{published.pk}"') == 1


def test_editing_a_review_leads_back_to_it_on_my_reviews(client, author, published):
    client.force_login(author)

    response = client.post(
        reverse("reviews:edit", args=[published.pk]),
        {"rating": "2", "title": "Revu", "body": BODY},
    )

    assert response.status_code == 302
    assert response.url == reverse("reviews:mine") + f"#review-{published.pk}"
    page = client.get(response.url).content.decode()
    assert f'id="review-{published.pk}" tabindex="-1"' in page
    assert 'src="/static/comptoir/js/in-place.js"' in page
