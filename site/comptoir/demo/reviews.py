"""About 600 reviews of the demo products, their votes, a few answers from the shop.

Reviews with photos and the pending ones go through the real services (photo checks,
moderation queue, trust rules); the bulk of plain published reviews and their votes
are inserted in batches, with counts and quality scores computed by the same
functions the services use. Many reviews are verified purchases: their authors have
a demo sale of the product linked to them.
"""

import datetime as dt
import io
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from community.moderation.models import (
    ModerationAction,
    ModerationDecision,
    ModerationStatus,
)
from community.reviews.models import (
    Review,
    ReviewRejectionReason,
    ReviewResponse,
    ReviewVote,
)
from community.reviews.quality import quality_score
from community.reviews.services import product_ratings_rebuild, review_submit
from comptoir.progress import Progress
from marketplace.catalog.models import Product
from marketplace.sales.models import SaleEvent

from .members import MEMBERS, member_email

TARGET = 600
WITH_PHOTOS = 36
PENDING = 8
REJECTED = 6
RESPONSES = 18
STAFF_EMAIL = "service-client@comptoir.example"
STAFF_NAME = "Service client Comptoir"

TITLES = {
    5: [
        "Excellent, je recommande",
        "Parfait pour mon jardin",
        "Très bon rapport qualité-prix",
        "Solide et bien pensé",
        "Je le rachèterais sans hésiter",
    ],
    4: [
        "Très bien dans l'ensemble",
        "Bon produit, quelques détails",
        "Fait le travail",
        "Satisfait de mon achat",
    ],
    3: [
        "Correct sans plus",
        "Moyen mais suffisant",
        "Des qualités et des défauts",
    ],
    2: [
        "Déçu par la finition",
        "Pas à la hauteur de mes attentes",
        "Fragile à l'usage",
    ],
    1: [
        "À éviter",
        "Cassé au bout d'une semaine",
        "Vraiment décevant",
    ],
}

OPENINGS = {
    5: "Acheté il y a quelques semaines, {name} m'a vraiment convaincu.",
    4: "Dans l'ensemble, {name} tient ses promesses.",
    3: "{name} fait le travail, mais sans enthousiasme.",
    2: "J'attendais mieux de {name}.",
    1: "Franchement, {name} m'a déçu.",
}

DETAILS = [
    "La prise en main est agréable et le poids bien réparti.",
    "Le montage a pris une vingtaine de minutes, notice claire.",
    "Utilisé tous les week-ends au potager depuis le printemps.",
    "Les matériaux semblent solides, on verra dans le temps.",
    "Le vendeur en magasin m'a bien conseillé sur le modèle.",
    "Un peu bruyant, mais efficace.",
    "La couleur est un peu différente de la photo.",
    "Parfait pour un petit balcon en ville.",
    "Mon voisin a le même depuis trois ans et il en est content.",
    "Le rangement est facile, il ne prend pas trop de place.",
    "**Point fort** : la robustesse. *Point faible* : le prix.",
    "- facile à nettoyer\n- bonne finition\n- livré vite",
]

CLOSINGS = {
    5: "Je le recommande les yeux fermés.",
    4: "Je le recommande, avec ces petites réserves.",
    3: "À voir selon votre usage.",
    2: "Je ne suis pas sûr de le racheter.",
    1: "Je ne le recommande pas.",
}

RESPONSE_TEXTS = [
    "Merci pour votre avis détaillé ! Nos conseillers en magasin restent à votre "
    "disposition pour tout conseil d'utilisation.",
    "Merci de votre retour. Nous sommes désolés de cette déception : passez en "
    "magasin avec votre ticket, nous étudierons un échange.",
    "Merci beaucoup ! Ravis que ce produit vous rende service au jardin.",
]

# Ratings lean positive, as on real shops, with a long tail of unhappy customers.
RATING_WEIGHTS = [(5, 38), (4, 30), (3, 14), (2, 9), (1, 9)]


def _rating(rng: random.Random) -> int:
    ratings, weights = zip(*RATING_WEIGHTS, strict=True)
    return rng.choices(ratings, weights)[0]


def _text(rng: random.Random, rating: int, name: str) -> tuple[str, str]:
    title = rng.choice(TITLES[rating])
    details = rng.sample(DETAILS, k=rng.randint(1, 4))
    body = "\n\n".join([OPENINGS[rating].format(name=name), *details, CLOSINGS[rating]])
    return title, body


def _photo(rng: random.Random, n: int) -> SimpleUploadedFile:
    """A small garden-coloured picture drawn with Pillow, as a member would upload."""
    colour = rng.choice([(96, 140, 80), (170, 120, 70), (200, 170, 90), (90, 120, 150)])
    img = Image.new("RGB", (640, 480), colour)
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x, y = rng.randrange(600), rng.randrange(440)
        r = rng.randint(20, 90)
        shade = tuple(min(255, c + rng.randint(20, 80)) for c in colour)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=shade)
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(f"photo-{n}.jpg", buffer.getvalue(), "image/jpeg")


def _staff_member():
    User = get_user_model()
    staff, created = User.objects.get_or_create(
        email=STAFF_EMAIL,
        defaults={
            "display_name": STAFF_NAME,
            "slug": "service-client",
            "is_staff": True,
            "trust_level": 4,
            "first_name": "Service client",
            "last_name": "Comptoir",
            "password": make_password(None),
        },
    )
    return staff


def reviews_build(*, progress: Progress) -> int:
    """Demo reviews, votes and answers; nothing if reviews are already there."""
    if Review.objects.exists():
        return 0
    rng = random.Random(2026)
    User = get_user_model()
    emails = [member_email(first, last) for first, last, *_ in MEMBERS]
    members = list(User.objects.filter(email__in=emails).order_by("pk"))
    products = list(Product.objects.filter(active=True).order_by("pk"))
    if not members or not products:
        return 0
    step = progress.step("Reviews", TARGET)
    staff = _staff_member()
    by_id = {m.pk: m for m in members}
    product_by_id = {p.pk: p for p in products}
    bought = set(
        SaleEvent.objects.filter(
            kind=SaleEvent.Kind.SALE, member__in=members, product__in=products
        )
        .values_list("member_id", "product_id")
        .distinct()
    )
    taken: set[tuple[int, int]] = set()
    now = timezone.now()

    # Buyers review what they bought more often than not: many verified purchases.
    bought_pairs = sorted(bought)
    rng.shuffle(bought_pairs)
    pairs = bought_pairs[: TARGET * 55 // 100]
    while len(pairs) < TARGET + PENDING + REJECTED:
        pair = (rng.choice(members).pk, rng.choice(products).pk)
        if pair not in pairs:
            pairs.append(pair)
    rng.shuffle(pairs)

    # 1. Pending reviews from new members, through the services: the queue has work.
    newcomers = [m for m in members if m.trust_level == 0]
    pending_done = 0
    for member in newcomers[:PENDING]:
        product = rng.choice(products)
        rating = _rating(rng)
        title, body = _text(rng, rating, product.name)
        review_submit(
            author=member,
            product=product,
            rating=rating,
            title=title,
            body=body,
            photos=[_photo(rng, pending_done)] if pending_done % 3 == 0 else [],
        )
        taken.add((member.pk, product.pk))
        pending_done += 1
        step.advance()

    # 2. Reviews with photos from trusted members, through the services.
    trusted = [m for m in members if m.trust_level >= 2]
    photo_reviews = 0
    for member_id, product_id in pairs:
        if photo_reviews >= WITH_PHOTOS:
            break
        member = by_id[member_id]
        if member.trust_level < 2 or (member_id, product_id) in taken:
            continue
        product = product_by_id[product_id]
        rating = _rating(rng)
        title, body = _text(rng, rating, product.name)
        review_submit(
            author=member,
            product=product,
            rating=rating,
            title=title,
            body=body,
            photos=[_photo(rng, i) for i in range(rng.randint(1, 3))],
        )
        taken.add((member_id, product_id))
        photo_reviews += 1
        step.advance()
    if not trusted:
        photo_reviews = 0

    # 3. The bulk: published (and a few rejected) reviews over the past six months.
    rows = []
    rejected_left = REJECTED
    for member_id, product_id in pairs:
        if len(taken) >= TARGET:
            break
        if (member_id, product_id) in taken:
            continue
        taken.add((member_id, product_id))
        product = product_by_id[product_id]
        rating = _rating(rng)
        title, body = _text(rng, rating, product.name)
        created = now - dt.timedelta(minutes=rng.randint(60, 182 * 24 * 60))
        review = Review(
            product=product,
            author_id=member_id,
            rating=rating,
            title=title,
            body=body,
            verified_purchase=(member_id, product_id) in bought,
            status=ModerationStatus.PUBLISHED,
            created_at=created,
            status_changed_at=created + dt.timedelta(hours=3),
            published_at=created + dt.timedelta(hours=3),
        )
        if rejected_left and by_id[member_id].trust_level < 2 and rng.random() < 0.3:
            review.status = ModerationStatus.REJECTED
            review.published_at = None
            review.rejection_reason = rng.choice(
                [
                    ReviewRejectionReason.PRICE_OR_DELIVERY,
                    ReviewRejectionReason.OFF_TOPIC,
                ]
            )
            review.rejection_note = "Merci de parler du produit lui-même."
            rejected_left -= 1
        rows.append(review)
    bulk = Review.objects.bulk_create(rows, batch_size=500)
    step.advance(len(bulk))

    # Moderators' decisions for the premoderated authors' reviews, for the figures
    # of the transparency page.
    from django.contrib.contenttypes.models import ContentType

    review_type = ContentType.objects.get_for_model(Review)
    decisions = []
    for review in bulk:
        if by_id[review.author_id].trust_level >= 2:
            continue
        rejected = review.status == ModerationStatus.REJECTED
        decisions.append(
            ModerationDecision(
                content_type=review_type,
                object_id=review.pk,
                author_id=review.author_id,
                moderator=staff,
                action=ModerationAction.REJECT
                if rejected
                else ModerationAction.APPROVE,
                reason=review.rejection_reason,
                note=review.rejection_note,
                status_before=ModerationStatus.PENDING,
                status_after=review.status,
                decided_at=review.status_changed_at,
            )
        )
    ModerationDecision.objects.bulk_create(decisions, batch_size=500)

    # 4. Votes: members (never the author) find reviews helpful, mostly.
    published = list(
        Review.objects.filter(status=ModerationStatus.PUBLISHED).prefetch_related(
            "photos"
        )
    )
    votes = []
    for review in published:
        voters = [m for m in members if m.pk != review.author_id]
        for voter in rng.sample(
            voters, k=min(len(voters), rng.choice([0, 1, 2, 3, 5, 8, 12]))
        ):
            helpful = rng.random() < (0.85 if len(review.body) > 250 else 0.6)
            votes.append(ReviewVote(review=review, voter=voter, helpful=helpful))
    ReviewVote.objects.bulk_create(votes, batch_size=1000)
    tally: dict[int, list[int]] = {}
    for vote in votes:
        counts = tally.setdefault(vote.review_id, [0, 0])
        counts[0 if vote.helpful else 1] += 1
    for review in published:
        review.helpful_count, review.not_helpful_count = tally.get(review.pk, [0, 0])
        review.quality_score = quality_score(
            helpful=review.helpful_count,
            not_helpful=review.not_helpful_count,
            photos=len(review.photos.all()),
            body_length=len(review.body),
            verified=review.verified_purchase,
        )
    Review.objects.bulk_update(
        published,
        ["helpful_count", "not_helpful_count", "quality_score"],
        batch_size=500,
    )

    # 5. A few public answers from the shop, to unhappy and happy customers alike.
    answered = rng.sample(published, k=min(RESPONSES, len(published)))
    ReviewResponse.objects.bulk_create(
        [
            ReviewResponse(
                review=review,
                author=staff,
                body=RESPONSE_TEXTS[1 if review.rating <= 2 else n % 2 * 2],
                created_at=review.created_at + dt.timedelta(days=1),
            )
            for n, review in enumerate(answered)
        ]
    )
    # Loaded in bulk, past the services: count the products' ratings once.
    product_ratings_rebuild()
    total = Review.objects.count()
    step.count = total
    step.done(
        f"{len(votes)} votes, {pending_done} pending, {photo_reviews} with photos"
    )
    return total
