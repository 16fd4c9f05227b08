"""Test data factories shared by the whole suite."""

import factory
from django.contrib.auth import get_user_model

from marketplace.catalog.models import Product, StockLevel, Store


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"store-{n}")
    name = factory.Sequence(lambda n: f"Magasin {n}")
    city = "Lyon"
    address = "1 rue de la République"
    postcode = "69001"
    opening_hours = "Lun–Sam 9h–19h"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("sku",)

    sku = factory.Sequence(lambda n: f"SKU-{n:06d}")
    name = factory.Sequence(lambda n: f"Produit {n}")
    slug = factory.Sequence(lambda n: f"produit-{n}")
    description = "Un produit de jardin solide."
    price_cents = 1999
    active = True


class StockLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockLevel

    product = factory.SubFactory(ProductFactory)
    store = factory.SubFactory(StoreFactory)
    quantity = 5


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"member{n}@example.com")
    display_name = factory.Sequence(lambda n: f"Membre {n}")
    slug = factory.Sequence(lambda n: f"membre-{n}")
    password = factory.django.Password("correct horse battery staple")
