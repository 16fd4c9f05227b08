"""The schema.org Product of a product page: what the catalog knows of it.

Registered panels add their own fields (a rating, reviews) through
`ProductPanel.json_ld`; the page writes the whole object with `json_for_script`.
"""

from __future__ import annotations

from collections.abc import Iterable


def _price(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def product_json_ld(
    *,
    product,
    url: str,
    image_url: str | list[str] | None,
    extra: Iterable[dict | None] = (),
) -> dict:
    """The Product object of a product page, with the panels' fields merged in.

    The catalog's own fields come first; a panel never replaces them (a later
    panel's field does replace an earlier panel's one of the same name).
    """
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
    own = set(data)
    for fields in extra:
        data.update((k, v) for k, v in (fields or {}).items() if k not in own)
    return data
