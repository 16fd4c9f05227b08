import inspect

from hypothesis import given
from hypothesis import strategies as st

from community.reviews import quality
from community.reviews.models import QUALITY_SCALE
from community.reviews.quality import (
    SCORE_MAX,
    quality_explain,
    quality_score,
    wilson_lower_bound,
)

votes = st.integers(min_value=0, max_value=100_000)


def test_no_function_of_the_score_takes_a_rating():
    for _name, function in inspect.getmembers(quality, inspect.isfunction):
        if function.__module__ == quality.__name__:
            assert "rating" not in inspect.signature(function).parameters


@given(
    helpful=votes,
    not_helpful=votes,
    photos=st.integers(0, 6),
    length=st.integers(0, 10_000),
    verified=st.booleans(),
    rating_a=st.integers(1, 5),
    rating_b=st.integers(1, 5),
)
def test_same_votes_photos_and_length_give_the_same_score_for_any_rating(
    helpful, not_helpful, photos, length, verified, rating_a, rating_b
):
    # The review model's score is computed from these inputs only; two reviews
    # that differ by their rating alone get the same score.
    from community.reviews.models import Review

    def score_of(rating):
        review = Review(
            rating=rating,
            helpful_count=helpful,
            not_helpful_count=not_helpful,
            body="x" * length,
            verified_purchase=verified,
        )
        return quality_score(
            helpful=review.helpful_count,
            not_helpful=review.not_helpful_count,
            photos=photos,
            body_length=len(review.body),
            verified=review.verified_purchase,
        )

    assert score_of(rating_a) == score_of(rating_b)


@given(
    helpful=votes,
    not_helpful=votes,
    photos=st.integers(-3, 50),
    length=st.integers(-10, 100_000),
    verified=st.booleans(),
)
def test_score_is_bounded(helpful, not_helpful, photos, length, verified):
    score = quality_score(
        helpful=helpful,
        not_helpful=not_helpful,
        photos=photos,
        body_length=length,
        verified=verified,
    )
    assert 0 <= score <= round(SCORE_MAX * QUALITY_SCALE)


@given(helpful=votes, not_helpful=votes)
def test_wilson_bound_is_a_share(helpful, not_helpful):
    bound = wilson_lower_bound(helpful, not_helpful)
    assert 0.0 <= bound <= 1.0
    if helpful + not_helpful:
        assert bound <= helpful / (helpful + not_helpful) + 1e-12


def test_more_evidence_beats_luck():
    assert wilson_lower_bound(14, 2) > wilson_lower_bound(1, 0)
    assert wilson_lower_bound(0, 0) == 0.0


def test_bonuses_are_capped():
    base = dict(helpful=0, not_helpful=0, verified=False)
    assert quality_score(photos=3, body_length=0, **base) == quality_score(
        photos=6, body_length=0, **base
    )
    assert quality_score(photos=0, body_length=600, **base) == quality_score(
        photos=0, body_length=9000, **base
    )
    assert (
        quality_score(photos=0, body_length=0, verified=True, helpful=0, not_helpful=0)
        == 1000
    )


def test_explanation_names_votes_extras_and_the_rating_rule():
    score = quality_score(
        helpful=14, not_helpful=2, photos=2, body_length=100, verified=True
    )
    sentence = quality_explain(
        score=score,
        helpful=14,
        not_helpful=2,
        photos=2,
        body_length=100,
        verified=True,
    ).sentence

    assert sentence.startswith(f"Quality {score / QUALITY_SCALE:.2f}: 14 of 16 readers")
    assert "photos and verified purchase" in sentence
    assert sentence.endswith("the rating never counts.")
