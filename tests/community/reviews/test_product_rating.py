"""The stored rating of a product follows every change to its reviews.

Product pages and the product list read it instead of counting reviews, so each
way a review enters or leaves the published set must recount it: publishing,
approval, rejection, hiding after reports, an edited rating, deletion.
"""

import threading

import pytest
from django.db import connections
from django.db.models import Count
from django.urls import reverse

from community.moderation.models import ModerationStatus
from community.moderation.services import moderation_decide, report_create
from community.reviews.models import ProductRating, Review, ReviewReportReason
from community.reviews.services import (
    product_ratings_rebuild,
    review_delete,
    review_edit,
    review_submit,
)
from tests.factories import MemberFactory, ProductFactory

from .conftest import BODY, aged, with_retry


def counted(product) -> dict[int, int]:
    """What the reviews table says, counted the slow way."""
    rows = (
        Review.objects.filter(product=product, status=ModerationStatus.PUBLISHED)
        .values_list("rating")
        .annotate(n=Count("pk"))
    )
    return {stars: dict(rows).get(stars, 0) for stars in range(1, 6)}


def summary_on_page(client, product) -> str:
    page = client.get(product.get_absolute_url()).content.decode()
    start = page.index('class="review-summary"')
    return page[start : page.index('class="review-write"', start)]


# Committed for real: the page's summary is kept under the product's tags,
# forgotten when each service's transaction commits.
@pytest.mark.django_db(transaction=True)
def test_every_change_to_a_review_recounts_its_product(
    client, product, author, newcomer, moderator, staff
):
    # A trusted member's five stars publish at once.
    trusted = review_submit(
        author=author, product=product, rating=5, title="Excellent", body=BODY
    )
    assert "1 review" in summary_on_page(client, product)

    # A newcomer's one star waits for a moderator: not counted yet.
    waiting = review_submit(
        author=newcomer, product=product, rating=1, title="Décevant", body=BODY
    )
    assert "1 review" in summary_on_page(client, product)

    moderation_decide(
        moderator=moderator, entries_or_contents=[waiting], action="approve"
    )
    summary = summary_on_page(client, product)
    assert "2 reviews" in summary and ">3.0<" in summary

    # A trust level 3 report on a newcomer's review hides it at once.
    waiting.refresh_from_db()
    report_create(reporter=staff, content=waiting, reason=ReviewReportReason.FAKE)
    assert "1 review" in summary_on_page(client, product)

    moderation_decide(
        moderator=moderator, entries_or_contents=[waiting], action="approve"
    )
    assert "2 reviews" in summary_on_page(client, product)
    moderation_decide(
        moderator=moderator,
        entries_or_contents=[waiting],
        action="reject",
        reason="off_topic",
    )
    assert "1 review" in summary_on_page(client, product)

    review_edit(review=trusted, editor=author, rating=2, title="Moyen", body=BODY)
    summary = summary_on_page(client, product)
    assert "1 review" in summary and ">2.0<" in summary
    assert ProductRating.objects.get(product=product).distribution == counted(product)

    review_delete(review=trusted, member=author)
    assert "No reviews yet." in summary_on_page(client, product)
    assert ProductRating.objects.get(product=product).distribution == counted(product)


def test_the_product_list_shows_the_stored_rating(client, product, author):
    other = aged(MemberFactory(trust_level=2))
    review_submit(author=author, product=product, rating=4, title="Bien", body=BODY)
    review_submit(author=other, product=product, rating=5, title="Top", body=BODY)
    ProductFactory(name="Arrosoir sans avis")

    page = client.get(reverse("catalog:product_list")).content.decode()

    card = page[page.index("Sécateur Pro") :]
    card = card[: card.index("</article>")] if "</article>" in card else card[:600]
    assert "4.5 · 2 reviews" in card
    unrated = page[page.index("Arrosoir sans avis") :][:400]
    assert "card-rating" not in unrated


def test_a_rebuild_counts_reviews_loaded_in_bulk(db):
    product = ProductFactory()
    members = MemberFactory.create_batch(4)
    statuses = [ModerationStatus.PUBLISHED] * 3 + [ModerationStatus.PENDING]
    Review.objects.bulk_create(
        [
            Review(
                product=product,
                author=member,
                rating=stars,
                title="Avis",
                body=BODY,
                status=status,
            )
            for member, stars, status in zip(
                members, (5, 5, 2, 1), statuses, strict=True
            )
        ]
    )

    assert product_ratings_rebuild() == 1

    rating = ProductRating.objects.get(product=product)
    assert rating.distribution == {1: 0, 2: 1, 3: 0, 4: 0, 5: 2}


WRITERS = 12


@pytest.mark.django_db(transaction=True)
def test_reviews_published_at_once_are_all_counted():
    product = ProductFactory()
    writers = [aged(MemberFactory(trust_level=2)) for _ in range(WRITERS)]
    barrier = threading.Barrier(WRITERS)
    failures = []

    def write(member, stars):
        def submit():
            # A retry after the commit (the in-memory test database can refuse a
            # read that follows it) must not write a second review.
            if not Review.objects.filter(product=product, author=member).exists():
                review_submit(
                    author=member,
                    product=product,
                    rating=stars,
                    title="Vite",
                    body=BODY,
                )

        try:
            barrier.wait()
            with_retry(submit)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=write, args=(member, 1 + n % 5))
        for n, member in enumerate(writers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    rating = ProductRating.objects.get(product=product)
    assert sum(rating.distribution.values()) == WRITERS
    assert rating.distribution == counted(product)


ROUNDS = 15


@pytest.mark.django_db(transaction=True)
def test_two_moderators_approving_the_same_products_at_once_both_succeed(moderator):
    # Each round, two moderators approve reviews of the same two products, listed
    # in opposite orders: their recounts must not wait on each other for ever.
    other = aged(MemberFactory(trust_level=3))
    other.user_permissions.set(moderator.user_permissions.all())
    first, second = ProductFactory(), ProductFactory()
    batches = []
    for _ in range(ROUNDS):
        pending = {}
        for product in (first, second):
            for side in ("a", "b"):
                pending[product.pk, side] = review_submit(
                    author=aged(MemberFactory(trust_level=0)),
                    product=product,
                    rating=4,
                    title="En attente",
                    body=BODY,
                )
        batches.append(
            (
                [pending[first.pk, "a"], pending[second.pk, "a"]],
                [pending[second.pk, "b"], pending[first.pk, "b"]],
            )
        )
    failures = []

    def decide(who, reviews, barrier):
        try:
            barrier.wait()
            with_retry(
                lambda: moderation_decide(
                    moderator=who, entries_or_contents=reviews, action="approve"
                )
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    for one, two in batches:
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=decide, args=(moderator, one, barrier)),
            threading.Thread(target=decide, args=(other, two, barrier)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert failures == []
    for product in (first, second):
        rating = ProductRating.objects.get(product=product)
        assert rating.distribution == {1: 0, 2: 0, 3: 0, 4: 2 * ROUNDS, 5: 0}
