"""The reviews' part of a product page's schema.org Product: AggregateRating, Review.

The catalog writes the Product object itself (marketplace/catalog/structured_data.py)
and merges these fields in, through the reviews' product page panel.
"""

from __future__ import annotations

from comptoir.markup import markdown_to_plain_text

from .selectors import RatingSummary


def reviews_json_ld(*, summary: RatingSummary, reviews) -> dict:
    """`aggregateRating` and the page's `review`s; no fields without reviews."""
    if not summary.count:
        return {}
    return {
        "aggregateRating": {
            "@type": "AggregateRating",
            "ratingValue": round(summary.average, 2),
            "reviewCount": summary.count,
            "bestRating": 5,
            "worstRating": 1,
        },
        "review": [
            {
                "@type": "Review",
                "author": {"@type": "Person", "name": str(review.author.public_name)},
                "datePublished": (review.published_at or review.created_at)
                .date()
                .isoformat(),
                "name": review.title,
                "reviewBody": markdown_to_plain_text(review.body),
                "reviewRating": {
                    "@type": "Rating",
                    "ratingValue": review.rating,
                    "bestRating": 5,
                    "worstRating": 1,
                },
            }
            for review in reviews
        ],
    }
