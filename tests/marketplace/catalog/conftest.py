import pytest
from channels.layers import channel_layers
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from tests.factories import ProductFactory, StoreFactory


def make_image(title: str = "Photo") -> Image:
    # Small pictures keep the suite fast; renditions work the same.
    return Image.objects.create(title=title, file=get_test_image_file(size=(96, 72)))


def make_products(count: int, *, with_image: bool = True, tags=("jardin",)):
    products = []
    for _ in range(count):
        product = ProductFactory(image=make_image() if with_image else None)
        product.tags.add(*tags)
        products.append(product)
    return products


@pytest.fixture
def lyon():
    return StoreFactory(
        code="lyon-part-dieu",
        name="Lyon Part-Dieu",
        city="Lyon",
        address="17 rue du Docteur Bouchut",
        postcode="69003",
        opening_hours="Lun–Sam 9h–20h\nDim 10h–13h",
    )


@pytest.fixture
def nantes():
    return StoreFactory(code="nantes-centre", name="Nantes Centre", city="Nantes")


@pytest.fixture
def product():
    product = ProductFactory(
        sku="ARR-0042",
        name="Arrosoir galvanisé 10 L",
        slug="arrosoir-galvanise-10-l",
        description="Un arrosoir solide pour le potager.",
        price_cents=2490,
    )
    product.tags.add("Arrosage", "Jardin")
    return product


@pytest.fixture
def fresh_channel_layer():
    """Each websocket test gets its own layer, not one bound to an old event loop."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def use_templates(settings, folder, templates: dict[str, str]) -> None:
    """Make `templates` (name → source) findable before the project's own."""
    for name, source in templates.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [folder, *engine["DIRS"]]}]
