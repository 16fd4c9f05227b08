import datetime
import itertools

import pytest
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from editorial.models import ArticleIndexPage, ArticlePage, HomePage

_numbers = itertools.count(1)


@pytest.fixture
def home(db) -> HomePage:
    """The home page the data migration put at the root of the default site."""
    return HomePage.objects.get()


@pytest.fixture
def article_index(home) -> ArticleIndexPage:
    return ArticleIndexPage.objects.child_of(home).get(slug="articles")


@pytest.fixture
def make_image(db):
    def make(title="Potager en mai", description=""):
        return get_image_model().objects.create(
            title=title,
            description=description,
            file=get_test_image_file(f"photo-{next(_numbers)}.png", size=(80, 60)),
        )

    return make


@pytest.fixture
def make_article(article_index):
    """Publishes an article the way editors and the demo command do."""

    def make(
        title=None,
        *,
        intro="Ce qu'il faut savoir avant de planter.",
        date=None,
        tags=(),
        body=(),
        publish=True,
        **fields,
    ):
        number = next(_numbers)
        article = ArticlePage(
            title=title or f"Article {number}",
            intro=intro,
            date=date or datetime.date(2025, 1, 1) + datetime.timedelta(days=number),
            author_name=fields.pop("author_name", "Claire Martin"),
            body=list(body),
            **fields,
        )
        article.live = publish
        article_index.add_child(instance=article)
        if tags:
            article.tags.add(*tags)
        revision = article.save_revision()
        if publish:
            revision.publish()
        article.refresh_from_db()
        return article

    return make
