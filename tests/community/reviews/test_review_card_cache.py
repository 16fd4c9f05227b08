"""Review cards are rendered once per version: a change shows on the next visit."""

import pytest

from community.members.services import member_profile_update
from community.reviews.services import (
    review_edit,
    review_respond,
    review_submit,
    review_vote,
)

from .conftest import BODY

# Committed for real: the product page's shared parts are kept under its tags,
# forgotten when a service's transaction commits (comptoir/page_cache.py).
pytestmark = pytest.mark.django_db(transaction=True)


def test_an_edit_shows_at_once_though_cards_are_cached(client, product, author):
    review = review_submit(
        author=author, product=product, rating=4, title="Bon outil", body=BODY
    )
    url = product.get_absolute_url()
    assert "Bon outil" in client.get(url).content.decode()

    review_edit(review=review, editor=author, rating=3, title="Outil moyen", body=BODY)

    page = client.get(url).content.decode()
    assert "Outil moyen" in page
    assert "Bon outil" not in page


def test_a_new_display_name_shows_on_the_next_visit(client, product, author):
    review_submit(author=author, product=product, rating=5, title="Parfait", body=BODY)
    url = product.get_absolute_url()
    client.get(url)

    member_profile_update(
        member=author,
        display_name="Élise Jardin",
        bio=author.bio,
        home_store=author.home_store,
        loyalty_card_number=author.loyalty_card_number,
    )

    assert ">Élise Jardin</a>" in client.get(url).content.decode()


def test_a_vote_shows_on_the_next_visit(client, product, author, reader):
    review = review_submit(
        author=author, product=product, rating=5, title="Parfait", body=BODY
    )
    url = product.get_absolute_url()
    client.get(url)

    review_vote(review=review, voter=reader, helpful=True)

    assert "1 person found this helpful" in client.get(url).content.decode()


def test_an_edited_shop_answer_shows_on_the_next_visit(client, product, author, staff):
    review = review_submit(
        author=author, product=product, rating=2, title="Lame fragile", body=BODY
    )
    review_respond(review=review, staff_member=staff, body="Nous vous rappelons.")
    url = product.get_absolute_url()
    assert "Nous vous rappelons." in client.get(url).content.decode()

    review_respond(review=review, staff_member=staff, body="Lame remplacée, merci.")

    page = client.get(url).content.decode()
    assert "Lame remplacée, merci." in page
    assert "Nous vous rappelons." not in page


def test_a_visitor_is_sent_back_to_the_page_after_logging_in_to_vote(
    client, product, author
):
    review_submit(author=author, product=product, rating=5, title="Parfait", body=BODY)
    url = product.get_absolute_url()

    page = client.get(url, {"sort": "newest"}).content.decode()

    login = f"/accounts/login/?next={url.replace('/', '%2F')}%3Fsort%3Dnewest"
    assert f'href="{login}"' in page
