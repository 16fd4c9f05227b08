"""A review's quality in words its author can act on, not "quality 0.06"."""

import inspect
import itertools
import re

import pytest
from django.urls import reverse

from community.reviews.quality import quality_score, quality_words
from community.reviews.services import review_submit, review_vote
from tests.factories import MemberFactory

from .conftest import BODY, aged, photo_upload, sale_for

pytestmark = pytest.mark.django_db


def words(**facts):
    return quality_words(score=quality_score(**facts), **facts)


def test_votes_and_bonuses_read_as_words_and_a_step_of_five():
    quality = words(helpful=3, not_helpful=1, photos=2, body_length=120, verified=False)

    assert quality.readers == "Helpful to 3 readers out of 4."
    assert quality.adds == "What adds to it: photos."
    # Wilson 0.30 + photos 0.10 + length 0.02: the third step
    assert (quality.step, quality.steps, quality.label) == (3, 5, "Quality: good")


def test_a_new_review_says_nobody_voted_and_every_way_to_raise_it():
    quality = words(helpful=0, not_helpful=0, photos=0, body_length=80, verified=False)

    assert quality.readers == "No reader has voted on it yet."
    assert quality.adds == ""
    assert (quality.step, quality.label) == (1, "Quality: just starting")
    assert quality.raise_tips == (
        "Add a photo: each one counts, up to 3.",
        "Say more about how you use it: the text counts more up to 600 "
        "characters (yours has 80).",
        "Bought it with your loyalty card or e-mail address? The purchase is "
        "checked again, and counts, each time you save the review.",
        "Readers' votes count most: say what you would have wanted to know "
        "before buying.",
    )


def test_what_already_counts_in_full_is_not_suggested_again():
    quality = words(helpful=14, not_helpful=2, photos=4, body_length=900, verified=True)

    assert quality.adds == (
        "What adds to it: photos, a detailed text and the verified purchase."
    )
    assert quality.raise_tips == (
        "Readers' votes count most: say what you would have wanted to know "
        "before buying.",
    )
    assert (quality.step, quality.label) == (5, "Quality: excellent")


def test_one_photo_short_of_the_most_that_count():
    quality = words(helpful=1, not_helpful=0, photos=2, body_length=600, verified=True)

    assert quality.readers == "Helpful to 1 reader out of 1."
    assert quality.raise_tips[0] == "Add 1 more photo: up to 3 count."


def test_bonuses_alone_never_climb_above_fair_and_the_rating_is_no_input():
    # Every step above "fair" takes readers' votes.
    for photos, length, verified in itertools.product(
        range(7), (0, 299, 300, 600, 5000), (False, True)
    ):
        quality = words(
            helpful=0,
            not_helpful=0,
            photos=photos,
            body_length=length,
            verified=verified,
        )
        assert quality.step <= 2
    assert "rating" not in inspect.signature(quality_words).parameters


def test_the_author_reads_the_words_on_my_reviews(client, author, product):
    # given a review with two photos that 3 readers out of 4 found helpful
    review = review_submit(
        author=author,
        product=product,
        rating=2,
        title="Lame fragile",
        body=BODY,
        photos=[photo_upload(), photo_upload("PNG")],
    )
    for n, helpful in enumerate((True, True, True, False)):
        voter = aged(MemberFactory(slug=f"lecteur-{n}", trust_level=1))
        review_vote(review=review, voter=voter, helpful=helpful)

    # when its author opens /me/reviews/
    client.force_login(author)
    page = client.get(reverse("reviews:mine")).content.decode()

    # then the quality reads as words, a step of the scale and what raises it
    block = re.search(r'<div class="review-quality">.*?</div>', page, re.S).group(0)
    assert "<strong>Quality: good</strong>" in block
    assert 'value="3"' in block and "(3 on a scale of 5)" in block
    assert "Helpful to 3 readers out of 4. What adds to it: photos." in block
    assert "What would raise it" in block
    assert "Add 1 more photo: up to 3 count." in block
    assert "the rating never counts" in block


def test_the_author_reads_the_words_on_the_product_page_and_others_do_not(
    client, author, reader, product
):
    sale_for(author, product)
    review_submit(
        author=author, product=product, rating=5, title="Parfait", body=BODY * 10
    )

    client.force_login(author)
    own = client.get(product.get_absolute_url()).content.decode()
    client.force_login(reader)
    other = client.get(product.get_absolute_url()).content.decode()

    assert "No reader has voted on it yet." in own
    assert "What adds to it: a detailed text and the verified purchase." in own
    assert 'class="review-quality"' not in other
    assert "What would raise it" not in other
