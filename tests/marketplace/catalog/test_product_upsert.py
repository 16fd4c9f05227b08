"""The catalog's own service bounds a product's tags, whoever calls it."""

import pytest
from django.core.exceptions import ValidationError

from marketplace.catalog.models import Product
from marketplace.catalog.services import product_upsert

pytestmark = pytest.mark.django_db


def upsert(**changes):
    values = {"sku": "PEL-1", "name": "Pelle ronde", "price_cents": 2490}
    values.update(changes)
    return product_upsert(**values)


def test_twenty_tags_of_fifty_characters_are_kept_blanks_dropped():
    tags = [f"{n:02d}" + "t" * 48 for n in range(20)] + ["  ", ""]
    product, created = upsert(tags=tags)
    assert created
    assert sorted(product.tags.names()) == sorted(tags[:20])


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ([f"tag-{n}" for n in range(21)], "At most 20 tags."),
        (["jardin", "t" * 51], "A tag has at most 50 characters: " + "t" * 50 + "…"),
    ],
    ids=["21 tags", "51 characters"],
)
def test_too_many_or_too_long_tags_are_refused_and_nothing_is_saved(tags, message):
    with pytest.raises(ValidationError) as refused:
        upsert(tags=tags)
    assert refused.value.message_dict["tags"][0].startswith(message)
    assert not Product.objects.exists()
