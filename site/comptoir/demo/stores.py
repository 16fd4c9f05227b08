"""The retailer's stores: eight real-sounding French shops."""

from comptoir.progress import Progress
from marketplace.catalog.models import Store

_WEEKDAYS_LATE = "Lundi – samedi : 9h – 20h\nDimanche : fermé"
_WEEKDAYS_SUNDAY = "Lundi – samedi : 9h – 19h30\nDimanche : 9h30 – 13h"

STORES = [
    {
        "code": "lyon-part-dieu",
        "name": "Lyon Part-Dieu",
        "address": "17 rue du Docteur Bouchut",
        "postcode": "69003",
        "city": "Lyon",
        "opening_hours": "Lundi – samedi : 9h – 20h\nDimanche : 10h – 13h",
        "opening_days": "1234567",
    },
    {
        "code": "bordeaux-merignac",
        "name": "Bordeaux Mérignac",
        "address": "Avenue de la Somme, zone commerciale Mérignac Soleil",
        "postcode": "33700",
        "city": "Mérignac",
        "opening_hours": _WEEKDAYS_SUNDAY,
        "opening_days": "1234567",
    },
    {
        "code": "lille-centre",
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
        "name": "Nantes Atlantis",
        "address": "Boulevard Salvador Allende, centre commercial Atlantis",
        "postcode": "44800",
        "city": "Saint-Herblain",
        "opening_hours": _WEEKDAYS_LATE,
        "opening_days": "123456",
    },
    {
        "code": "toulouse-blagnac",
        "name": "Toulouse Blagnac",
        "address": "2 allée Émile Zola",
        "postcode": "31700",
        "city": "Blagnac",
        "opening_hours": _WEEKDAYS_SUNDAY,
        "opening_days": "1234567",
    },
    {
        "code": "marseille-valentine",
        "name": "Marseille La Valentine",
        "address": "Route de la Sablière, ZAC de la Valentine",
        "postcode": "13011",
        "city": "Marseille",
        "opening_hours": "Lundi – samedi : 8h30 – 19h30\nDimanche : 9h – 12h30",
        "opening_days": "1234567",
    },
    {
        "code": "strasbourg-etoile",
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
