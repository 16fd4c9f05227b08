"""The product page's reviews: flat query counts, hostile text, JSON-LD, figures."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.moderation.models import ModerationStatus
from community.moderation.registry import RejectionReason
from community.moderation.services import moderation_decide
from community.reviews.models import Review, ReviewRejectionReason, ReviewResponse
from community.reviews.services import product_ratings_rebuild, review_submit
from marketplace.catalog.panels import product_annotators, product_panels
from tests.factories import MemberFactory, ProductFactory

from .conftest import BODY, aged, photo_upload, rewards_member
from .hostile import hostile_strings
from .html_check import json_ld_blocks, live_html_problems


def bulk_reviews(product, count, *, prefix, status=ModerationStatus.PUBLISHED, **extra):
    User = get_user_model()
    members = User.objects.bulk_create(
        [
            User(
                email=f"{prefix}{n}@example.com",
                display_name=f"{prefix} {n}",
                slug=f"{prefix}-{n}",
                password="!",
            )
            for n in range(count)
        ]
    )
    now = timezone.now()
    reviews = Review.objects.bulk_create(
        [
            Review(
                product=product,
                author=member,
                rating=1 + n % 5,
                title=extra.get("title", f"Avis numéro {n}"),
                body=extra.get("body", BODY),
                status=status,
                published_at=now,
                created_at=now - dt.timedelta(minutes=n),
                helpful_count=n % 7,
                quality_score=n,
            )
            for n, member in enumerate(members)
        ]
    )
    product_ratings_rebuild()  # as any bulk load must
    return reviews


def shaped_product(slug, count, staff):
    """A product whose first page has the same shape at any size: a review with
    photos and a response from a rewards member at the top, the others plain."""
    product = ProductFactory(slug=slug)
    bulk_reviews(product, count - 1, prefix=slug)
    top = review_submit(
        author=aged(MemberFactory(trust_level=2)),
        product=product,
        rating=5,
        title="Le meilleur avis",
        body=BODY * 10,
        photos=[photo_upload(), photo_upload("PNG")],
    )
    rewards_member(top.author)
    Review.objects.filter(pk=top.pk).update(quality_score=1_000_000)
    ReviewResponse.objects.create(review=top, author=staff, body="Merci !")
    return product


def count_queries(client, url):
    client.get(url)  # renditions are created on the first view
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("viewer", ["anonymous", "member"])
def test_query_count_is_the_same_with_5_and_500_reviews(client, staff, reader, viewer):
    small = shaped_product("petit", 5, staff)
    large = shaped_product("grand", 500, staff)
    if viewer == "member":
        client.force_login(reader)

    small_count, small_page = count_queries(client, small.get_absolute_url())
    large_count, large_page = count_queries(client, large.get_absolute_url())

    assert small_count == large_count
    assert "Le meilleur avis" in small_page and "Le meilleur avis" in large_page
    assert large_page.count('class="review card"') == 10
    assert "Page 1 of 50" in large_page


def test_product_list_query_count_is_flat_and_shows_ratings(
    client, staff, django_capture_on_commit_callbacks
):
    for n in range(3):
        bulk_reviews(ProductFactory(slug=f"a-{n}"), 2, prefix=f"a{n}")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("catalog:product_list"))
    # The rebuild forgets the kept list once committed: the list is built again.
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(20):
            bulk_reviews(ProductFactory(slug=f"b-{n}"), 5, prefix=f"b{n}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("catalog:product_list")).content.decode()

    assert len(few) == len(many)
    assert "5 reviews" in page


def test_json_ld_describes_product_rating_and_reviews(client, staff):
    product = shaped_product("jsonld", 12, staff)

    page = client.get(product.get_absolute_url()).content.decode()

    (data,) = json_ld_blocks(page)
    assert data["@type"] == "Product"
    assert data["sku"] == product.sku
    assert data["offers"] == {
        "@type": "Offer",
        "price": "19.99",
        "priceCurrency": "EUR",
        "url": f"http://testserver{product.get_absolute_url()}",
    }
    rating = data["aggregateRating"]
    assert rating["@type"] == "AggregateRating"
    assert rating["reviewCount"] == 12
    assert 1 <= rating["ratingValue"] <= 5
    assert len(data["review"]) == 10
    first = data["review"][0]
    assert first["@type"] == "Review"
    assert first["author"]["@type"] == "Person"
    assert first["reviewRating"]["@type"] == "Rating"
    assert first["name"] == "Le meilleur avis"
    assert "<" not in first["reviewBody"]


def test_json_ld_without_reviews_has_no_rating(client, db):
    product = ProductFactory(slug="sans-avis")
    (data,) = json_ld_blocks(client.get(product.get_absolute_url()).content.decode())
    assert "aggregateRating" not in data and "review" not in data


def test_hostile_text_in_every_field_never_becomes_live_html(client, staff):
    strings = hostile_strings()
    product = ProductFactory(slug="cible")
    victim = aged(MemberFactory(display_name="Victime", slug="victime"))
    User = get_user_model()
    authors = User.objects.bulk_create(
        [
            User(email=f"h{n}@example.com", display_name=f"H {n}", slug=f"h-{n}")
            for n in range(len(strings))
        ]
    )
    now = timezone.now()
    reviews = Review.objects.bulk_create(
        [
            Review(
                product=product,
                author=author,
                rating=3,
                title=text[:120],
                body=f"{text}\n\n{text}",
                status=ModerationStatus.PUBLISHED,
                published_at=now,
            )
            for author, text in zip(authors, strings, strict=True)
        ]
    )
    ReviewResponse.objects.bulk_create(
        [
            ReviewResponse(review=review, author=staff, body=text)
            for review, text in zip(reviews, strings, strict=True)
        ]
    )
    product_ratings_rebuild()
    # The victim's own reviews of other products, in every status, for /me/reviews/.
    products = ProductFactory.create_batch(len(strings))
    mine = Review.objects.bulk_create(
        [
            Review(
                product=p,
                author=victim,
                rating=2,
                title=text[:120],
                body=text,
                status=ModerationStatus.REJECTED if n % 2 else ModerationStatus.PENDING,
                rejection_reason=RejectionReason.OTHER if n % 2 else "",
                rejection_note=text if n % 2 else "",
            )
            for n, (p, text) in enumerate(zip(products, strings, strict=True))
        ]
    )
    assert len(mine) >= 100

    pages = []
    url = product.get_absolute_url()
    for number in range(1, len(strings) // 10 + 2):
        pages.append(client.get(url, {"page": number}).content.decode())
    client.force_login(victim)
    for number in range(1, len(strings) // 20 + 2):
        pages.append(
            client.get(reverse("reviews:mine"), {"page": number}).content.decode()
        )
    client.force_login(staff)
    pages.append(client.get(url).content.decode())

    shown = sum(page.count('class="review card"') for page in pages)
    assert shown >= 2 * len(strings)
    for page in pages:
        assert live_html_problems(page) == []


def test_how_it_works_shows_rules_and_last_30_days(
    client, newcomer, moderator, product
):
    from tests.factories import ProductFactory as PF

    reviews = [
        review_submit(
            author=aged(MemberFactory(trust_level=0)),
            product=PF(),
            rating=r,
            title="Avis à lire",
            body=BODY,
        )
        for r in (1, 5, 3)
    ]
    moderation_decide(
        moderator=moderator, entries_or_contents=reviews[:1], action="approve"
    )
    moderation_decide(
        moderator=moderator,
        entries_or_contents=reviews[1:],
        action="reject",
        reason=ReviewRejectionReason.OFF_TOPIC,
    )

    response = client.get(reverse("reviews:how_it_works"))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-figure="submitted">3<' in page
    assert 'data-figure="approved">1<' in page
    assert 'data-figure="rejected">2<' in page
    assert "<td>Not about the product</td><td>2</td>" in page
    assert "Spam or advertising" in page
    assert "never depend on the rating" in page
    assert "The rating never counts" in page


def test_reviews_reach_the_catalog_only_through_its_plug_in_points():
    # given every app's registrations
    panels = {panel.name: panel for panel in product_panels()}
    annotators = {annotator.name: annotator for annotator in product_annotators()}

    # then the reviews section and the cards' rating are the reviews' own
    assert panels["reviews"].template_name == "reviews/includes/product_reviews.html"
    assert annotators["rating"].card_template == "reviews/includes/card_rating.html"
