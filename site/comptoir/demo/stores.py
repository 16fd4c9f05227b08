"""The retailer's stores: eight real-sounding French shops."""

from decimal import Decimal

from comptoir.progress import Progress
from marketplace.catalog.models import Store

_WEEKDAYS_LATE = "Lundi – samedi : 9h – 20h\nDimanche : fermé"
_WEEKDAYS_SUNDAY = "Lundi – samedi : 9h – 19h30\nDimanche : 9h30 – 13h"

STORES = [
    {
        "code": "lyon-part-dieu",
        "latitude": Decimal("45.76060"),
        "longitude": Decimal("4.85900"),
        "name": "Lyon Part-Dieu",
        "address": "17 rue du Docteur Bouchut",
        "postcode": "69003",
        "city": "Lyon",
        "opening_hours": "Lundi – samedi : 9h – 20h\nDimanche : 10h – 13h",
        "opening_days": "1234567",
    },
    {
        "code": "bordeaux-merignac",
        "latitude": Decimal("44.83860"),
        "longitude": Decimal("-0.64360"),
        "name": "Bordeaux Mérignac",
        "address": "Avenue de la Somme, zone commerciale Mérignac Soleil",
        "postcode": "33700",
        "city": "Mérignac",
        "opening_hours": _WEEKDAYS_SUNDAY,
        "opening_days": "1234567",
    },
    {
        "code": "lille-centre",
        "latitude": Decimal("50.63660"),
        "longitude": Decimal("3.06350"),
        "name": "Lille Centre",
        "address": "42 rue Esquermoise",
        "postcode": "59800",
        "city": "Lille",
        "opening_hours": "Lundi : 12h – 19h\nMardi – samedi : 9h30 – 19h30\n"
        "Dimanche : fermé",
        "opening_days": "123456",
    },
    {
        "code": "nantes-atlantis",
        "latitude": Decimal("47.22570"),
        "longitude": Decimal("-1.63180"),
        "name": "Nantes Atlantis",
        "address": "Boulevard Salvador Allende, centre commercial Atlantis",
        "postcode": "44800",
        "city": "Saint-Herblain",
        "opening_hours": _WEEKDAYS_LATE,
        "opening_days": "123456",
    },
    {
        "code": "toulouse-blagnac",
        "latitude": Decimal("43.64500"),
        "longitude": Decimal("1.37620"),
        "name": "Toulouse Blagnac",
        "address": "2 allée Émile Zola",
        "postcode": "31700",
        "city": "Blagnac",
        "opening_hours": _WEEKDAYS_SUNDAY,
        "opening_days": "1234567",
    },
    {
        "code": "marseille-valentine",
        "latitude": Decimal("43.29550"),
        "longitude": Decimal("5.48200"),
        "name": "Marseille La Valentine",
        "address": "Route de la Sablière, ZAC de la Valentine",
        "postcode": "13011",
        "city": "Marseille",
        "opening_hours": "Lundi – samedi : 8h30 – 19h30\nDimanche : 9h – 12h30",
        "opening_days": "1234567",
    },
    {
        "code": "strasbourg-etoile",
        "latitude": Decimal("48.57340"),
        "longitude": Decimal("7.75210"),
        "name": "Strasbourg Étoile",
        "address": "1 place de l'Étoile",
        "postcode": "67100",
        "city": "Strasbourg",
        "opening_hours": "Lundi – vendredi : 9h – 19h30\nSamedi : 8h30 – 19h\n"
        "Dimanche : fermé",
        "opening_days": "123456",
    },
    {
        "code": "rennes-cesson",
        "latitude": Decimal("48.12250"),
        "longitude": Decimal("-1.60350"),
        "name": "Rennes Cesson",
        "address": "Rue de la Rigourdière",
        "postcode": "35510",
        "city": "Cesson-Sévigné",
        "opening_hours": _WEEKDAYS_LATE,
        "opening_days": "123456",
    },
]


def stores_build(*, progress: Progress) -> list[Store]:
    """Create the demo stores that are missing; existing ones are left untouched."""
    stores = []
    step = progress.step("Stores", len(STORES))
    for data in STORES:
        store, _ = Store.objects.get_or_create(
            code=data["code"],
            defaults={k: v for k, v in data.items() if k != "code"},
        )
        stores.append(store)
        step.advance()
    step.done()
    return stores
