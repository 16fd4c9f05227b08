"""Thirty demo members who can log in, and the demo admin for the Wagtail admin."""

import datetime as dt
import random

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.text import slugify

from comptoir.progress import Progress
from marketplace.catalog.models import Store

from .stores import STORES

ADMIN_EMAIL = "admin@comptoir.example"
ADMIN_PASSWORD = "Comptoir-admin-2026"
MEMBER_PASSWORD = "Jardin-demo-2026"

# (first name, last name, display name, bio)
MEMBERS = [
    (
        "Camille",
        "Martin",
        "Camille du potager",
        "Potagère en permaculture "
        "depuis dix ans, j'échange volontiers graines et conseils.",
    ),
    ("Lucas", "Bernard", "Lucas B.", ""),
    (
        "Léa",
        "Dubois",
        "Léa bricole",
        "Je rénove une longère bretonne pièce par "
        "pièce, avec plus d'enthousiasme que de méthode.",
    ),
    ("Hugo", "Thomas", "Hugo Thomas", ""),
    (
        "Chloé",
        "Robert",
        "Chloé et ses roses",
        "Collectionneuse de rosiers anciens et de vieux outils de jardin.",
    ),
    ("Louis", "Richard", "Louis R.", ""),
    ("Manon", "Petit", "Manon P.", "Petit balcon lyonnais, grandes ambitions."),
    (
        "Gabriel",
        "Durand",
        "Gabriel l'électro",
        "Électricien à la retraite, je réponds aux questions sur la norme NF C 15-100.",
    ),
    ("Inès", "Leroy", "Inès L.", ""),
    (
        "Jules",
        "Moreau",
        "Jules Moreau",
        "Menuisier amateur, j'aime le chêne et les assemblages sans vis.",
    ),
    ("Sarah", "Simon", "Sarah S.", ""),
    (
        "Arthur",
        "Laurent",
        "Arthur au jardin",
        "Jardin de 800 m² près de Nantes, "
        "tondeuse et compost au programme chaque week-end.",
    ),
    ("Zoé", "Lefebvre", "Zoé L.", ""),
    ("Raphaël", "Michel", "Raphaël M.", "Je transforme des palettes en meubles."),
    ("Jade", "Garcia", "Jade Garcia", ""),
    ("Adam", "David", "Adam D.", ""),
    (
        "Louise",
        "Bertrand",
        "Louise verte",
        "Plantes d'intérieur, boutures et rempotages : mon appartement est une jungle.",
    ),
    ("Nathan", "Roux", "Nathan R.", ""),
    (
        "Alice",
        "Vincent",
        "Alice V.",
        "Peintre en bâtiment de métier, je "
        "partage mes astuces pour des finitions nettes.",
    ),
    ("Théo", "Fournier", "Théo F.", ""),
    (
        "Emma",
        "Morel",
        "Emma Morel",
        "Arrosage malin et récupération d'eau de pluie dans le Sud-Ouest.",
    ),
    ("Paul", "Girard", "Paul G.", ""),
    ("Juliette", "André", "Juliette A.", ""),
    (
        "Noah",
        "Lefèvre",
        "Noah plombier",
        "Plombier chauffagiste à Toulouse, j'aide à diagnostiquer les fuites.",
    ),
    ("Lina", "Mercier", "Lina M.", ""),
    (
        "Victor",
        "Dupont",
        "Victor Dupont",
        "Je construis un abri de jardin avec mes enfants, suivez le chantier.",
    ),
    ("Margaux", "Lambert", "Margaux L.", ""),
    (
        "Étienne",
        "Bonnet",
        "Étienne B.",
        "Rangement d'atelier, tableaux à outils et organisation du garage.",
    ),
    ("Anaïs", "François", "Anaïs F.", ""),
    (
        "Mathis",
        "Martinez",
        "Mathis M.",
        "Balcon marseillais plein sud : oliviers, lavande et agrumes.",
    ),
]


def member_email(first_name: str, last_name: str) -> str:
    """The demo address of a member: prenom.nom@exemple.fr, without accents."""
    local = f"{slugify(first_name)}.{slugify(last_name)}"
    return f"{local}@exemple.fr"


def loyalty_numbers() -> list[str]:
    """The members' loyalty card numbers, the same on every run."""
    rng = random.Random(42)
    numbers = []
    while len(numbers) < len(MEMBERS):
        number = f"2907{rng.randrange(10**8):08d}"
        if number not in numbers:
            numbers.append(number)
    return numbers


def home_store_codes() -> list[str]:
    """Each member's home store, spread evenly over the stores."""
    return [STORES[(index * 3) % len(STORES)]["code"] for index in range(len(MEMBERS))]


def _email_verified(user) -> None:
    # allauth refuses logins with mandatory verification until this row exists.
    EmailAddress.objects.get_or_create(
        user=user,
        email=user.email,
        defaults={"verified": True, "primary": True},
    )


def admin_build(*, progress: Progress):
    """The demo superuser who can use the Wagtail admin."""
    User = get_user_model()
    step = progress.step("Admin", 1)
    admin, created = User.objects.get_or_create(
        email=ADMIN_EMAIL,
        defaults={
            "first_name": "Équipe",
            "last_name": "Comptoir",
            "display_name": "Équipe Comptoir",
            "slug": "equipe-comptoir",
            "is_staff": True,
            "is_superuser": True,
        },
    )
    if created:
        admin.set_password(ADMIN_PASSWORD)
        admin.save(update_fields=["password"])
    _email_verified(admin)
    step.advance()
    step.done()
    return admin


def members_build(*, stores: list[Store], progress: Progress) -> list:
    """The demo members, each with a verified address, a card and a home store."""
    User = get_user_model()
    # Hashing is deliberately slow; every demo member shares one password anyway.
    password_hash = make_password(MEMBER_PASSWORD)
    numbers = loyalty_numbers()
    stores_by_code = {store.code: store for store in stores}
    homes = home_store_codes()
    now = timezone.now()
    members = []
    step = progress.step("Members", len(MEMBERS))
    for index, (first, last, display, bio) in enumerate(MEMBERS):
        member, _ = User.objects.get_or_create(
            email=member_email(first, last),
            defaults={
                "first_name": first,
                "last_name": last,
                "display_name": display,
                "slug": slugify(display),
                "bio": bio,
                "loyalty_card_number": numbers[index],
                "home_store": stores_by_code.get(homes[index]),
                "password": password_hash,
                # Members joined over the past year, the first ones long ago.
                "date_joined": now - dt.timedelta(days=365 - index * 11),
            },
        )
        _email_verified(member)
        members.append(member)
        step.advance()
    step.done()
    return members
