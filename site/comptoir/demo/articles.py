"""Twelve published articles using every block, and the home page's selection."""

import datetime as dt
import uuid

from django.urls import reverse
from django.utils import timezone

from comptoir.progress import Progress
from editorial.models import (
    ArticleIndexPage,
    ArticlePage,
    HomeFeaturedArticle,
    HomeFeaturedProduct,
    HomePage,
)
from marketplace.catalog.models import Product

from .articles_data import ARTICLES, FEATURED_ARTICLES, FEATURED_PRODUCTS, HOME_INTRO
from .errors import DemoError
from .images import collection_get_or_create, lighter, picture_render
from .images import wagtail_image_get_or_create as image_get_or_create

# Block ids derived from the article's slug: the same stream on every run.
_BLOCK_NAMESPACE = uuid.UUID("5b0e3c1e-6f1f-4a53-9a55-0c0ca7e3d1a1")


def _block(slug: str, number: int, block_type: str, value) -> dict:
    block_id = uuid.uuid5(_BLOCK_NAMESPACE, f"{slug}/{number}")
    return {"type": block_type, "value": value, "id": str(block_id)}


def site_pages() -> tuple[HomePage, ArticleIndexPage]:
    """The home page and its article index; editorial's migration made both."""
    home = HomePage.objects.first()
    if home is None:
        raise DemoError(
            "No home page: run `manage.py migrate` first (editorial creates it)."
        )
    index = ArticleIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(
            instance=ArticleIndexPage(title="Articles", slug="articles")
        )
    return home, index


def _cta_target(target: str, *, home, index, articles: dict) -> dict:
    if target == "stores":
        return {"page": None, "url": reverse("catalog:store_list")}
    page = {"home": home, "articles": index}.get(target) or articles[target]
    return {"page": page.pk, "url": ""}


def _body(data: dict, *, images: dict, products: dict, **pages) -> list[dict]:
    slug = data["slug"]
    blocks = [("paragraph", data["lead"])]
    sections = data["sections"]
    for number, (heading, html) in enumerate(sections):
        blocks.append(("heading", {"text": heading, "level": "h2"}))
        blocks.append(("paragraph", html))
        if number == 0:
            blocks.append(
                (
                    "image",
                    {
                        "image": images[slug].pk,
                        "alt_text": data["image_caption"],
                        "caption": data["image_caption"],
                    },
                )
            )
        if number == 1 or (number == 0 and len(sections) == 1):
            text, attribution = data["quote"]
            blocks.append(("quote", {"text": text, "attribution": attribution}))
    blocks.append(("heading", {"text": "Notre sélection", "level": "h2"}))
    for sku, note in data["products"]:
        blocks.append(("product_card", {"product": products[sku].pk, "note": note}))
    title, text, button, target = data["cta"]
    blocks.append(
        (
            "call_to_action",
            {
                "title": title,
                "text": text,
                "button_label": button,
                **_cta_target(target, **pages),
            },
        )
    )
    return [_block(slug, i, kind, value) for i, (kind, value) in enumerate(blocks)]


def _published_at(date: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(date, dt.time(8, 30)))


def articles_build(*, progress: Progress) -> list[ArticlePage]:
    """Create and publish the missing demo articles; existing ones are kept."""
    home, index = site_pages()
    skus = {sku for data in ARTICLES for sku, _ in data["products"]}
    products = Product.objects.in_bulk(list(skus), field_name="sku")
    collection = collection_get_or_create("Articles")
    today = timezone.localdate()
    existing = {page.slug: page for page in ArticlePage.objects.child_of(index)}
    step = progress.step("Articles", len(ARTICLES))

    # Calls to action may point at an article further down the list, so every page
    # exists before any body is written.
    new = []
    for data in ARTICLES:
        if data["slug"] in existing:
            continue
        date = today - dt.timedelta(days=data["days_ago"])
        cover, _ = image_get_or_create(
            title=data["title"],
            filename=f"{data['slug']}.jpg",
            collection=collection,
            description=data["title"],
            render=lambda data=data: picture_render(
                colour=data["colour"], shape=data["shape"]
            ),
        )
        page = ArticlePage(
            title=data["title"],
            slug=data["slug"],
            date=date,
            author_name=data["author"],
            intro=data["intro"],
            cover_image=cover,
            live=False,
            first_published_at=_published_at(date),
        )
        index.add_child(instance=page)
        existing[data["slug"]] = page
        new.append((data, page))

    step.advance(len(ARTICLES) - len(new))
    for data, page in new:
        image, _ = image_get_or_create(
            title=data["image_caption"],
            filename=f"{data['slug']}-illustration.jpg",
            collection=collection,
            description=data["image_caption"],
            render=lambda data=data: picture_render(
                colour=lighter(data["colour"], 0.15), shape=data["shape"]
            ),
        )
        page.body = ArticlePage.body.field.stream_block.to_python(
            _body(
                data,
                images={data["slug"]: image},
                products=products,
                home=home,
                index=index,
                articles=existing,
            )
        )
        page.tags.set(data["tags"])
        page.save_revision().publish()
        step.advance()
    step.done()
    return [existing[data["slug"]] for data in ARTICLES]


def home_build(*, articles: list[ArticlePage], progress: Progress) -> HomePage:
    """Give the home page an introduction and a selection, if editors have not."""
    home, _ = site_pages()
    step = progress.step("Home page", 1)
    if not home.featured_articles.exists() and not home.featured_products.exists():
        by_slug = {article.slug: article for article in articles}
        products = Product.objects.in_bulk(FEATURED_PRODUCTS, field_name="sku")
        home.intro = home.intro or HOME_INTRO
        home.featured_articles = [
            HomeFeaturedArticle(article=by_slug[slug], sort_order=order)
            for order, slug in enumerate(FEATURED_ARTICLES)
        ]
        home.featured_products = [
            HomeFeaturedProduct(product=products[sku], sort_order=order)
            for order, sku in enumerate(FEATURED_PRODUCTS)
        ]
        home.save_revision().publish()
    step.advance()
    step.done()
    return home
