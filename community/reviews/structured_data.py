"""schema.org JSON-LD for product pages: Product, AggregateRating, Review.

Built as Python data and serialised with json.dumps, never by pasting strings into a
template; `<`, `>` and `&` are escaped as \\u003c, \\u003e, \\u0026, so a review
saying "</script><script>…" cannot close the script element it sits in.
"""

from __future__ import annotations

import json

from django.utils.safestring import SafeString, mark_safe

from comptoir.markup import markdown_to_plain_text

from .selectors import RatingSummary

_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def json_for_script(data) -> SafeString:
    """JSON safe to put inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(_JSON_SCRIPT_ESCAPES))  # noqa: S308


def _price(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def product_json_ld(
    *,
    product,
    url: str,
    image_url: str | None,
    summary: RatingSummary,
    reviews,
) -> dict:
    """The Product object for a product page, with the reviews shown on it."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "sku": product.sku,
        "url": url,
        "offers": {
            "@type": "Offer",
            "price": _price(product.price_cents),
            "priceCurrency": "EUR",
            "url": url,
        },
    }
    if product.description:
        data["description"] = product.description
    if image_url:
        data["image"] = image_url
    if summary.count:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": round(summary.average, 2),
            "reviewCount": summary.count,
            "bestRating": 5,
            "worstRating": 1,
        }
        data["review"] = [
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
        ]
    return data
