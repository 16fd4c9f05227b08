"""Product pictures: the gallery of a product page, its admin, its JSON-LD."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace.catalog.models import ProductImage
from tests.factories import ProductFactory, StockLevelFactory, StoreFactory

from .conftest import make_image

pytestmark = pytest.mark.django_db


def gallery_of(product, *alts: str) -> list[ProductImage]:
    """More pictures for `product`, in the order given (an empty alt is allowed)."""
    return [
        ProductImage.objects.create(
            product=product, image=make_image(f"Vue {n}"), alt=alt, sort_order=n
        )
        for n, alt in enumerate(alts)
    ]


def page_html(client, product) -> str:
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def json_ld(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def thumbnails(html: str) -> list[tuple[str, str]]:
    """(link, image alt) of each thumbnail, in page order."""
    return re.findall(
        r'<a class="gallery-thumb" href="([^"]+)"[^>]*><img alt="([^"]*)"', html
    )


def test_product_page_shows_every_picture_in_order(client, product):
    # given a product with a main image and two more, the second without alt text
    product.image = make_image("Principale")
    product.save()
    gallery_of(product, "Le bec verseur vu de près", "")

    # when a visitor opens its page
    html = page_html(client, product)

    # then the gallery lists the three pictures, main first, each with its words
    alts = [alt for _, alt in thumbnails(html)]
    assert alts == [
        "Arrosoir galvanisé 10 L",
        "Le bec verseur vu de près",
        "Arrosoir galvanisé 10 L, picture 3",
    ]
    assert "enlarge picture 2 of 3" in html
    # and the big picture shown first is the main one, at its display size
    assert re.search(
        r'<img alt="Arrosoir galvanisé 10 L" class="product-photo" height="\d+" '
        r'src="[^"]+max-800x600[^"]*" width="\d+">',
        html,
    )


def test_product_pictures_follow_the_order_set_in_the_admin(client, product):
    product.image = make_image("Principale")
    product.save()
    first, second = gallery_of(product, "Premier", "Second")
    first.sort_order, second.sort_order = 5, 1
    first.save(update_fields=["sort_order"])
    second.save(update_fields=["sort_order"])

    alts = [alt for _, alt in thumbnails(page_html(client, product))]

    assert alts == ["Arrosoir galvanisé 10 L", "Second", "Premier"]


def test_without_javascript_each_picture_links_to_its_large_rendition(client, product):
    product.image = make_image("Principale")
    product.save()
    gallery_of(product, "De côté")

    html = page_html(client, product)

    stage = re.search(r'<a class="gallery-stage" href="([^"]+)"', html).group(1)
    links = [link for link, _ in thumbnails(html)]
    assert stage == links[0]
    assert all("max-1600x1200" in link for link in links)
    assert len(set(links)) == 2
    # The linked files exist: a visitor following the link gets the picture.
    for link in links:
        assert default_storage.exists(link.removeprefix(settings.MEDIA_URL))


def test_every_picture_has_its_size_so_nothing_moves_while_it_loads(client, product):
    product.image = make_image("Principale")
    product.save()
    gallery_of(product, "Dessus", "Dessous")

    html = page_html(client, product)

    media = html[html.index('class="product-media"') : html.index("product-info")]
    images = re.findall(r"<img [^>]+>", media)
    assert len(images) == 4  # the stage and three thumbnails
    for tag in images:
        assert re.search(r'width="\d+"', tag) and re.search(r'height="\d+"', tag)
        assert re.search(r'alt="[^"]+"', tag)
    # The zoom's size travels with each link, for the dialog to keep its place.
    assert len(re.findall(r'data-width="\d+" data-height="\d+"', media)) == 4


def test_a_product_with_only_its_main_image_shows_no_thumbnails(client, product):
    product.image = make_image("Principale")
    product.save()

    html = page_html(client, product)

    assert 'class="gallery-stage"' in html
    assert "gallery-thumbs" not in html
    assert "catalog/gallery.js" in html


def test_a_product_without_pictures_keeps_its_placeholder_and_no_gallery(
    client, product
):
    html = page_html(client, product)

    assert 'class="image-placeholder image-placeholder-large"' in html
    assert "data-gallery" not in html
    assert "catalog/gallery.js" not in html
    assert "image" not in json_ld(html)


def test_gallery_images_without_a_main_image_still_show(client, product):
    gallery_of(product, "Seule photo")

    html = page_html(client, product)

    assert re.search(r'<img alt="Seule photo" class="product-photo"', html)
    assert "image-placeholder" not in html


def test_json_ld_lists_every_picture_in_order(client, product):
    product.image = make_image("Principale")
    product.save()
    extras = gallery_of(product, "Un", "Deux")

    images = json_ld(page_html(client, product))["image"]

    expected = [
        image.get_rendition("max-800x600").url
        for image in [product.image] + [extra.image for extra in extras]
    ]
    assert images == [f"http://testserver{url}" for url in expected]


def test_product_list_card_keeps_one_image_the_main_one(client, product):
    product.image = make_image("Principale")
    product.save()
    extra = gallery_of(product, "Autre vue")[0]

    html = client.get(reverse("catalog:product_list")).content.decode()

    main_file = product.image.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    extra_file = extra.image.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    assert main_file in html
    assert extra_file not in html


def test_page_writes_no_inline_script(client, product):
    # The Content-Security-Policy allows scripts from the site's own files only.
    product.image = make_image("Principale")
    product.save()
    gallery_of(product, "Vue")

    response = client.get(product.get_absolute_url())
    html = response.content.decode()

    assert "script-src 'self'" in response["Content-Security-Policy"]
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/ld+json"' in tag, tag
    assert " onclick=" not in html and " style=" not in html
    assert finders.find("catalog/gallery.js") and finders.find("catalog/gallery.css")


def test_gallery_labels_for_the_dialog_are_translated(client, product):
    product.image = make_image("Principale")
    product.save()
    gallery_of(product, "Vue")

    html = page_html(client, product)

    for label in ("dialog", "close", "previous", "next", "position"):
        assert re.search(rf'data-label-{label}="[^"]+"', html), label
    assert 'data-label-position="Picture {number} of {total}"' in html


def test_product_page_query_count_does_not_grow_with_its_pictures(client, product):
    def count() -> int:
        client.get(product.get_absolute_url())  # renditions made
        with CaptureQueriesContext(connection) as queries:
            assert client.get(product.get_absolute_url()).status_code == 200
        return len(queries)

    product.image = make_image("Principale")
    product.save()
    gallery_of(product, "Un")
    small = count()

    gallery_of(product, "Deux", "Trois", "Quatre", "Cinq")
    large = count()

    assert small == large


def test_deleting_a_picture_from_the_library_drops_it_from_the_gallery(client, product):
    product.image = make_image("Principale")
    product.save()
    kept, dropped = gallery_of(product, "Gardée", "Supprimée")

    dropped.image.delete()

    alts = [alt for _, alt in thumbnails(page_html(client, product))]
    assert alts == ["Arrosoir galvanisé 10 L", "Gardée"]


# --- The admin ---------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser(
        email="gerante@comptoir.example", password="correct horse battery staple"
    )
    client.force_login(user)
    return client


def edit_data(product, forms: list[dict], initial: int = 0) -> dict:
    data = {
        "sku": product.sku,
        "name": product.name,
        "slug": product.slug,
        "description": product.description,
        "price_cents": str(product.price_cents),
        "image": str(product.image_id or ""),
        "tags": "Arrosage",
        "active": "on",
        "gallery_images-TOTAL_FORMS": str(len(forms)),
        "gallery_images-INITIAL_FORMS": str(initial),
        "gallery_images-MIN_NUM_FORMS": "0",
        "gallery_images-MAX_NUM_FORMS": "1000",
    }
    for n, form in enumerate(forms):
        for key, value in form.items():
            data[f"gallery_images-{n}-{key}"] = value
    return data


def test_admin_product_edit_has_the_gallery(admin_client, product):
    url = reverse("wagtailsnippets_catalog_product:edit", args=[product.pk])

    html = admin_client.get(url).content.decode()

    assert 'name="gallery_images-TOTAL_FORMS"' in html
    assert "Gallery" in html


def test_admin_adds_orders_and_removes_gallery_pictures(admin_client, product):
    url = reverse("wagtailsnippets_catalog_product:edit", args=[product.pk])
    first, second = make_image("Un"), make_image("Deux")

    # when staff add two pictures, the second one first
    response = admin_client.post(
        url,
        edit_data(
            product,
            [
                {"image": str(first.pk), "alt": "Vue de face", "ORDER": "2"},
                {"image": str(second.pk), "alt": "Vue de dos", "ORDER": "1"},
            ],
        ),
    )

    assert response.status_code == 302
    pictures = list(product.gallery_images.order_by("sort_order"))
    assert [(p.image, p.alt) for p in pictures] == [
        (second, "Vue de dos"),
        (first, "Vue de face"),
    ]

    # and when they remove one
    back, front = pictures
    response = admin_client.post(
        url,
        edit_data(
            product,
            [
                {
                    "id": str(back.pk),
                    "image": str(second.pk),
                    "alt": "Vue de dos",
                    "ORDER": "1",
                    "DELETE": "on",
                },
                {
                    "id": str(front.pk),
                    "image": str(first.pk),
                    "alt": "Vue de face",
                    "ORDER": "2",
                },
            ],
            initial=2,
        ),
    )

    assert response.status_code == 302
    assert list(product.gallery_images.values_list("alt", flat=True)) == ["Vue de face"]


def test_admin_refuses_a_gallery_picture_without_an_image(admin_client, product):
    url = reverse("wagtailsnippets_catalog_product:edit", args=[product.pk])

    response = admin_client.post(
        url, edit_data(product, [{"image": "", "alt": "Rien", "ORDER": "1"}])
    )

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not product.gallery_images.exists()


# The page's fragments are forgotten when the edit commits: its on-commit
# callbacks run here as a commit would run them.
def test_admin_edit_refreshes_the_cached_product_page(
    admin_client, product, django_capture_on_commit_callbacks
):
    visitor = Client()
    product.image = make_image("Principale")
    product.save()
    page_html(visitor, product)  # in the page cache now
    url = reverse("wagtailsnippets_catalog_product:edit", args=[product.pk])

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            url,
            edit_data(
                product,
                [{"image": str(make_image().pk), "alt": "Neuve", "ORDER": "1"}],
            ),
        )

    alts = [alt for _, alt in thumbnails(page_html(visitor, product))]
    assert alts == ["Arrosoir galvanisé 10 L", "Neuve"]


@pytest.mark.parametrize("pictures", [0, 3])
def test_gallery_costs_the_product_page_one_query_or_two(
    client, django_assert_max_num_queries, pictures
):
    # given the product of the catalog's own bound (test_query_counts: 8), with
    # or without more pictures
    product = ProductFactory(slug="bache", image=make_image())
    product.tags.add("jardin", "outils")
    StockLevelFactory(product=product, store=StoreFactory(), quantity=4)
    gallery_of(product, *["Vue"] * pictures)
    client.get("/products/bache/")

    # then without any the page keeps its bound; with some, their renditions
    # cost one more query, whatever their number
    with django_assert_max_num_queries(8 if not pictures else 9):
        assert client.get("/products/bache/").status_code == 200
