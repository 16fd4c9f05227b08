"""The product page's "Born from an idea by …" panel (ideas' product_page.py)."""

import pytest
from django.utils import timezone

from community.ideas.models import IdeaOriginator, IdeaState
from community.moderation.models import ModerationStatus
from marketplace.catalog.panels import product_panels
from tests.community.ideas.conftest import make_idea
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_the_panel_is_registered_before_the_reviews():
    names = [panel.name for panel in product_panels()]

    assert "born_from_idea" in names
    assert names.index("born_from_idea") < names.index("reviews")


def test_a_product_born_from_an_idea_names_its_originators(
    client, author, supporter, product
):
    idea = make_idea(author, state=IdeaState.LAUNCHED, product=product)
    IdeaOriginator.objects.filter(idea=idea).update(share_bp=6_000)
    IdeaOriginator.objects.create(
        idea=idea, member=supporter, share_bp=4_000, accepted_at=timezone.now()
    )

    response = client.get(product.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Born from an idea by" in html
    assert idea.get_absolute_url() in html
    assert "Inès" in html and "Paul" in html
    assert html.index("Inès") < html.index("Paul")  # biggest share first


def test_other_products_show_no_panel(client, author, product):
    make_idea(author)  # open, not launched
    other = ProductFactory()

    assert (
        "Born from an idea"
        not in client.get(product.get_absolute_url()).content.decode()
    )
    assert (
        "Born from an idea" not in client.get(other.get_absolute_url()).content.decode()
    )


def test_a_hidden_idea_is_not_shown_on_the_product(client, author, product):
    idea = make_idea(author, state=IdeaState.LAUNCHED, product=product)
    idea.status = ModerationStatus.HIDDEN
    idea.save(update_fields=["status"])

    assert (
        "Born from an idea"
        not in client.get(product.get_absolute_url()).content.decode()
    )


def test_the_panel_costs_the_same_for_one_or_many_originators(
    client, author, product, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.community.ideas.conftest import members

    idea = make_idea(author, state=IdeaState.LAUNCHED, product=product)
    client.get(product.get_absolute_url())
    with CaptureQueriesContext(connection) as one:
        client.get(product.get_absolute_url())
    IdeaOriginator.objects.filter(idea=idea).update(share_bp=1_000)
    for member in members(9, prefix="co"):
        IdeaOriginator.objects.create(
            idea=idea, member=member, share_bp=1_000, accepted_at=timezone.now()
        )

    with django_assert_num_queries(len(one)):
        client.get(product.get_absolute_url())
