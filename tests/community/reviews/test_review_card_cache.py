"""Review cards are rendered once per version: a change shows on the next visit."""

from community.reviews.services import review_edit, review_submit, review_vote

from .conftest import BODY


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

    author.display_name = "Élise Jardin"
    author.save(update_fields=["display_name"])

    assert ">Élise Jardin</a>" in client.get(url).content.decode()


def test_a_vote_shows_on_the_next_visit(client, product, author, reader):
    review = review_submit(
        author=author, product=product, rating=5, title="Parfait", body=BODY
    )
    url = product.get_absolute_url()
    client.get(url)

    review_vote(review=review, voter=reader, helpful=True)

    assert "1 person found this helpful" in client.get(url).content.decode()
