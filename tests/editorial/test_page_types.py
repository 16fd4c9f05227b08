"""Editors can build the tree only the intended way, through the real admin forms."""

from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from editorial.models import ArticleIndexPage, ArticlePage, HomePage
from tests.factories import ProductFactory


class EditorialPageTypesTests(WagtailPageTestCase):
    def setUp(self):
        self.login()
        self.index = ArticleIndexPage.objects.get(slug="articles")

    def test_page_types_nest_home_index_article(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(HomePage, {ArticleIndexPage})
        self.assertAllowedParentPageTypes(ArticleIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(ArticleIndexPage, {ArticlePage})
        self.assertAllowedParentPageTypes(ArticlePage, {ArticleIndexPage})
        self.assertAllowedSubpageTypes(ArticlePage, set())
        self.assertCanCreateAt(ArticleIndexPage, ArticlePage)
        self.assertCanNotCreateAt(HomePage, ArticlePage)
        self.assertCanNotCreateAt(ArticlePage, ArticlePage)

    def test_a_second_home_page_cannot_be_created(self):
        root = Page.get_first_root_node()
        self.assertFalse(HomePage.can_create_at(root))

    def test_editor_creates_an_article_with_every_block(self):
        # Given a product and a page to link to
        product = ProductFactory(name="Sécateur à enclume")
        image = get_image_model().objects.create(
            title="Rosier", file=get_test_image_file(size=(40, 30))
        )
        # When an editor publishes an article using every block type
        data = nested_form_data(
            {
                "title": "Tailler ses rosiers",
                "slug": "tailler-ses-rosiers",
                "date": "2025-03-01",
                "author_name": "Claire Martin",
                "intro": "Quand et comment tailler.",
                "tags": "jardin, rosiers",
                "body": streamfield(
                    [
                        ("heading", {"text": "En mars", "level": "h2"}),
                        ("paragraph", rich_text("<p>Avant la reprise.</p>")),
                        (
                            "image",
                            {"image": image.pk, "alt_text": "Un rosier", "caption": ""},
                        ),
                        ("quote", {"text": "Taillez court.", "attribution": "Léa"}),
                        ("product_card", {"product": product.pk, "note": ""}),
                        (
                            "call_to_action",
                            {
                                "title": "Besoin d'aide ?",
                                "text": "",
                                "button_label": "Nos magasins",
                                "page": "",
                                "url": "https://example.com/magasins",
                            },
                        ),
                    ]
                ),
            }
        )
        self.assertCanCreate(self.index, ArticlePage, data)
        # Then it is live with its body and tags
        article = ArticlePage.objects.get(slug="tailler-ses-rosiers")
        self.assertTrue(article.live)
        self.assertEqual(
            [block.block_type for block in article.body],
            [
                "heading",
                "paragraph",
                "image",
                "quote",
                "product_card",
                "call_to_action",
            ],
        )
        self.assertEqual(article.body[2].value["image"], image)
        self.assertEqual(article.body[4].value["product"], product)
        self.assertEqual(
            sorted(tag.name for tag in article.tags.all()), ["jardin", "rosiers"]
        )

    def test_editors_can_open_the_home_and_article_forms(self):
        home = HomePage.objects.get()
        ProductFactory(name="Bêche")
        for url in (
            reverse("wagtailadmin_pages:edit", args=[home.pk]),
            reverse("wagtailadmin_pages:edit", args=[self.index.pk]),
            reverse(
                "wagtailadmin_pages:add",
                args=["editorial", "articlepage", self.index.pk],
            ),
        ):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)

    def test_editor_features_articles_and_products_on_the_home_page(self):
        home = HomePage.objects.get()
        article = self.index.add_child(
            instance=ArticlePage(title="Le compost", intro="Tout sur le compost.")
        )
        product = ProductFactory(name="Composteur 400 L")
        data = nested_form_data(
            {
                "title": "Comptoir",
                "slug": "home",
                "intro": rich_text("<p>Bienvenue</p>"),
                "featured_articles": inline_formset([{"article": article.pk}]),
                "featured_products": inline_formset([{"product": product.pk}]),
                "action-publish": "action-publish",
            }
        )

        response = self.client.post(
            reverse("wagtailadmin_pages:edit", args=[home.pk]), data
        )

        self.assertEqual(response.status_code, 302)
        html = self.client.get("/").content.decode()
        self.assertIn("Le compost", html)
        self.assertIn("Composteur 400 L", html)

    def test_call_to_action_needs_exactly_one_link(self):
        data = nested_form_data(
            {
                "title": "Sans lien",
                "slug": "sans-lien",
                "date": "2025-03-01",
                "intro": "Intro.",
                "body": streamfield(
                    [
                        (
                            "call_to_action",
                            {
                                "title": "Venez",
                                "text": "",
                                "button_label": "Ici",
                                "page": "",
                                "url": "",
                            },
                        )
                    ]
                ),
            }
        )
        with self.assertRaisesMessage(AssertionError, "Validation errors"):
            self.assertCanCreate(self.index, ArticlePage, data)
        self.assertFalse(ArticlePage.objects.filter(slug="sans-lien").exists())
