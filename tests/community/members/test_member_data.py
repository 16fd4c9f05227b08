"""Member data: one export of everything the apps hold about a member, one erasure.

The member is built through the real services: a review with a photo, the shop's
answer (a notification), purchases linked by e-mail and card, a share of a
product's revenue in the ledger, an avatar.
"""

import datetime as dt
import io
import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.utils import timezone
from PIL import Image
from wagtail import hooks

from community.members.member_data import (
    MEMBER_DATA_HOOK,
    MemberDataSection,
    member_data_erase,
    member_data_export,
)
from community.members.services import member_profile_update
from community.moderation.models import ModerationStatus
from community.notifications.models import Notification
from community.reviews.models import Review, ReviewPhoto
from community.reviews.services import review_respond, review_submit
from marketplace.sales.models import SaleEvent
from marketplace.sales.services import sale_events_ingest
from rewards.models import Entry, LedgerTransaction
from rewards.selectors import wallet_summary
from rewards.services import (
    period_close,
    product_originators_set,
    programme_join,
    rewards_release,
)
from tests.factories import MemberFactory, ProductFactory, StoreFactory

pytestmark = pytest.mark.django_db

OCTOBER = dt.date(2026, 10, 1)
SECTIONS = [
    "profile",
    "reviews",
    "ideas",
    "forum",
    "moderation",
    "rewards",
    "resale",
    "reservations",
    "notifications",
    "email_preferences",
    "emails_waiting",
    "purchases",
]


def image_upload(name="photo.jpg", color=(200, 120, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def sale(event_id, sku, amount, *, customer_ref, day=5):
    return {
        "id": event_id,
        "type": "sale",
        "sku": sku,
        "quantity": 1,
        "amount_cents": amount,
        "store": "lyon-1",
        "channel": "store",
        "customer_ref": customer_ref,
        "occurred_at": f"2026-10-{day:02d}T10:00:00+02:00",
    }


def shopper(email, name, card, store):
    """A trusted member (publishes at once) who joined the rewards programme."""
    member = MemberFactory(email=email, display_name=name, trust_level=2)
    member.date_joined = timezone.now() - dt.timedelta(days=400)
    member.save(update_fields=["date_joined"])
    EmailAddress.objects.create(user=member, email=email, verified=True, primary=True)
    member = member_profile_update(
        member=member,
        display_name=name,
        bio="Jardinière du dimanche.",
        home_store=store,
        loyalty_card_number=card,
        avatar=image_upload("avatar.jpg"),
    )
    membership = programme_join(member=member, accept_terms=True)
    membership.opted_in_at = timezone.make_aware(dt.datetime(2026, 1, 1))
    membership.save(update_fields=["opted_in_at"])
    return member


@pytest.fixture
def world():
    """Marie and Paul, each with a review, an answer, purchases and earnings."""
    store = StoreFactory(code="lyon-1", name="Comptoir Lyon")
    staff = MemberFactory(email="equipe@comptoir.example", is_staff=True)
    shears = ProductFactory(sku="SEC-001", name="Sécateur Pro", slug="secateur")
    ProductFactory(sku="TUY-002", name="Tuyau 20 m", slug="tuyau")
    marie = shopper("marie@example.fr", "Marie Dupont", "CARTE1234", store)
    paul = shopper("paul@example.fr", "Paul Beche", "CARTE9876", store)
    result = sale_events_ingest(
        client=None,
        rows=[
            sale("EV-M1", "SEC-001", 2_500, customer_ref="MARIE@example.fr"),
            sale("EV-M2", "TUY-002", 3_990, customer_ref="CARTE1234", day=6),
            sale("EV-P1", "SEC-001", 2_500, customer_ref="paul@example.fr", day=7),
        ],
    )
    assert not result.errors
    reviews = {}
    for member, title, photo in [
        (marie, "Coupe net, ressort solide", "marie-jardin.jpg"),
        (paul, "Bon outil pour le prix", "paul-haie.jpg"),
    ]:
        reviews[member.pk] = review_submit(
            author=member,
            product=shears,
            rating=5,
            title=title,
            body="Je taille mes rosiers depuis un mois sans effort, lame intacte.",
            photos=[image_upload(photo)],
        )
        review_respond(
            review=reviews[member.pk], staff_member=staff, body="Merci pour votre avis"
        )
    product_originators_set(product=shears, shares={marie: 6000, paul: 4000})
    period_close(month=OCTOBER)
    return {
        "marie": marie,
        "paul": paul,
        "shears": shears,
        "marie_review": reviews[marie.pk],
    }


def ledger_rows():
    return sorted(
        Entry.objects.values_list(
            "transaction__idempotency_key", "account_id", "amount_cents"
        )
    )


def net_revenue():
    by_product = dict(
        SaleEvent.objects.order_by()
        .values_list("product__sku")
        .annotate(net=Sum("net_cents"))
    )
    return by_product, sum(SaleEvent.objects.values_list("net_cents", flat=True))


# --- Export -------------------------------------------------------------------------


def test_the_export_holds_every_section_of_the_member_in_order(world):
    # given Marie, built through the real services
    marie, review = world["marie"], world["marie_review"]
    # when her data is exported
    export = member_data_export(member=marie)
    # then it is one JSON document, sections in their registered order
    assert json.loads(json.dumps(export)) == export
    assert export["format"] == 1
    assert dt.datetime.fromisoformat(export["exported_at"]).tzinfo is not None
    assert export["member"] == {"id": marie.pk, "email": "marie@example.fr"}
    assert list(export["sections"]) == SECTIONS
    sections = export["sections"]
    # her profile
    profile = sections["profile"]
    assert profile["display_name"] == "Marie Dupont"
    assert profile["loyalty_card_number"] == "CARTE1234"
    assert profile["home_store"] == {"code": "lyon-1", "name": "Comptoir Lyon"}
    assert profile["avatar"].startswith("avatars/")
    assert profile["email_addresses"] == [
        {"email": "marie@example.fr", "verified": True, "primary": True}
    ]
    # her review with its photo's file name and the shop's answer
    [exported_review] = sections["reviews"]["reviews"]
    assert exported_review["id"] == review.pk
    assert exported_review["sku"] == "SEC-001"
    assert exported_review["title"] == "Coupe net, ressort solide"
    assert exported_review["status"] == "published"
    assert exported_review["verified_purchase"] is True
    assert exported_review["shop_response"] == "Merci pour votre avis"
    [photo_name] = exported_review["photos"]
    assert photo_name == review.photos.get().image.file.name
    # her notification (the shop's answer)
    assert [n["kind"] for n in sections["notifications"]] == ["review_response"]
    # both purchases, linked by e-mail and by card, amounts in cents
    assert [
        (p["id"], p["sku"], p["amount_cents"], p["store"], p["channel"])
        for p in sections["purchases"]
    ] == [
        ("EV-M1", "SEC-001", 2_500, "lyon-1", "store"),
        ("EV-M2", "TUY-002", 3_990, "lyon-1", "store"),
    ]
    assert sections["purchases"][0]["occurred_at"] == "2026-10-05T08:00:00Z"
    # her originator share of October (60 % of 1 % of €50.00 = €0.30), in cents
    rewards = sections["rewards"]
    assert rewards["membership"]["terms_version"]
    assert rewards["wallet"]["pending_cents"] == 30
    assert [(line["kind"], line["pending_cents"]) for line in rewards["statement"]] == [
        ("originator", 30)
    ]
    assert rewards["originated_products"] == [{"sku": "SEC-001", "share_bp": 6000}]


def test_the_export_holds_nothing_of_another_member(world):
    # given Marie and Paul, who bought and reviewed the same product
    marie = world["marie"]
    # when Marie's data is exported
    text = json.dumps(member_data_export(member=marie), ensure_ascii=False)
    # then nothing of Paul's is in it
    for trace in ["paul@example.fr", "Paul Beche", "CARTE9876", "EV-P1", "paul-haie"]:
        assert trace not in text
    assert "Bon outil pour le prix" not in text


def test_a_temporarily_registered_section_appears_in_the_export(world):
    # given a new kind of member content registering its section
    def wishlist():
        return MemberDataSection(
            name="wishlist",
            label="Wish list",
            order=30,
            export=lambda member: [{"sku": "SEC-001", "added": timezone.now()}],
            erase=lambda member: 0,
        )

    with hooks.register_temporarily(MEMBER_DATA_HOOK, wishlist):
        # when the member's data is exported
        export = member_data_export(member=world["marie"])
    # then the section is there, in its order, its dates in ISO 8601
    assert list(export["sections"]) == [
        "profile",
        "reviews",
        "ideas",
        "forum",
        "moderation",
        "wishlist",
        "rewards",
        "resale",
        "reservations",
        "notifications",
        "email_preferences",
        "emails_waiting",
        "purchases",
    ]
    [item] = export["sections"]["wishlist"]
    assert item["sku"] == "SEC-001"
    assert dt.datetime.fromisoformat(item["added"].replace("Z", "+00:00"))


# --- Erasure ------------------------------------------------------------------------


def test_erasure_anonymises_the_account_and_says_what_each_section_did(
    world, client, django_capture_on_commit_callbacks
):
    # given Marie, signed in on a browser
    marie = world["marie"]
    avatar = marie.avatar.name
    client.force_login(marie)
    assert client.get("/me/").status_code == 200
    # when her data is erased
    with django_capture_on_commit_callbacks(execute=True):
        erased = member_data_erase(member=marie, by=marie)
    # then every section says how many rows it erased or anonymised
    assert list(erased) == SECTIONS
    assert erased["reviews"] == 1  # one photo
    assert erased["notifications"] == 1
    assert erased["purchases"] == 2
    assert erased["rewards"] == 3  # early release, voucher payout and its entry
    # and the account row stays, anonymised, with no way in and no rights
    marie = get_user_model().objects.get(pk=marie.pk)
    assert marie.email == f"erased-{marie.pk}@erased.invalid"
    assert marie.display_name == f"Former member #{marie.pk}"
    assert not marie.has_usable_password()
    assert not marie.is_active
    assert marie.slug is None and marie.loyalty_card_number is None
    assert marie.bio == "" and not marie.avatar and marie.home_store is None
    assert not EmailAddress.objects.filter(user=marie).exists()
    assert not default_storage.exists(avatar)
    # and her browser is signed out, its session gone
    assert not Session.objects.exists()
    assert client.get("/me/").status_code == 302


def test_erasure_keeps_the_published_review_without_its_photo(
    world, django_capture_on_commit_callbacks
):
    # given Marie's published review with a photo on the disk
    review = world["marie_review"]
    photo_file = review.photos.get().image.file.name
    assert default_storage.exists(photo_file)
    # when her data is erased
    with django_capture_on_commit_callbacks(execute=True):
        member_data_erase(member=world["marie"])
    # then the review stays published, signed by the former member, photo gone
    review = Review.objects.select_related("author").get(pk=review.pk)
    assert review.status == ModerationStatus.PUBLISHED
    assert review.author.public_name == f"Former member #{review.author_id}"
    assert not ReviewPhoto.objects.filter(review=review).exists()
    assert not default_storage.exists(photo_file)
    # and Paul's review keeps its photo
    assert ReviewPhoto.objects.filter(review__author=world["paul"]).count() == 1


def test_erasure_deletes_notifications_and_forgets_the_customer_on_sales(world):
    # given the net revenue of every product before
    marie, paul = world["marie"], world["paul"]
    revenue_before = net_revenue()
    # when Marie's data is erased
    member_data_erase(member=marie)
    # then her notifications are gone, Paul's stay
    assert not Notification.objects.filter(recipient=marie).exists()
    assert Notification.objects.filter(recipient=paul).count() == 1
    # and her sales no longer say who bought, while every sum is unchanged
    rows = dict(SaleEvent.objects.values_list("external_id", "customer_ref"))
    assert rows == {"EV-M1": "", "EV-M2": "", "EV-P1": "paul@example.fr"}
    assert not SaleEvent.objects.filter(member=marie).exists()
    assert SaleEvent.objects.get(external_id="EV-P1").member == paul
    assert net_revenue() == revenue_before


def test_erasure_keeps_every_ledger_row_and_settles_the_balance_balanced(world):
    # given the ledger after October's close, Marie's €0.30 still pending
    marie = world["marie"]
    before = ledger_rows()
    assert wallet_summary(member_id=marie.pk).pending_cents == 30
    # when Marie's data is erased
    member_data_erase(member=marie)
    # then not one ledger row changed, new ones settled her balance (released
    # early, then paid as a voucher, the programme's default), and it all still
    # sums to zero, transaction by transaction
    after = ledger_rows()
    assert set(before) <= set(after)
    assert Entry.objects.aggregate(total=Sum("amount_cents"))["total"] == 0
    for txn in LedgerTransaction.objects.all():
        assert txn.entries.aggregate(total=Sum("amount_cents"))["total"] == 0
    wallet = wallet_summary(member_id=marie.pk)
    assert (wallet.pending_cents, wallet.available_cents) == (0, 0)
    assert wallet.earned_cents == 30
    # and closing October again, or releasing it, changes nothing more
    assert period_close(month=OCTOBER)[1] is False
    rewards_release(now=timezone.now() + dt.timedelta(days=60))
    wallet = wallet_summary(member_id=marie.pk)
    assert (wallet.pending_cents, wallet.available_cents) == (0, 0)
    assert Entry.objects.aggregate(total=Sum("amount_cents"))["total"] == 0


def test_an_erasure_a_section_refuses_leaves_everything_as_it_was(
    world, django_capture_on_commit_callbacks
):
    # given a section that refuses, erased after all the others
    def refuses(member):
        raise ValidationError("Not today.")

    def stubborn():
        return MemberDataSection(
            name="stubborn", label="Stubborn", order=-1, export=list, erase=refuses
        )

    marie = world["marie"]
    photo_file = world["marie_review"].photos.get().image.file.name
    revenue_before, ledger_before = net_revenue(), ledger_rows()
    # when Marie's data is erased
    with hooks.register_temporarily(MEMBER_DATA_HOOK, stubborn):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(ValidationError, match="Not today"):
                member_data_erase(member=marie)
    # then nothing was erased in any app, and no file left the disk
    assert callbacks == []
    marie = get_user_model().objects.get(pk=marie.pk)
    assert marie.email == "marie@example.fr" and marie.is_active
    assert marie.has_usable_password()
    assert EmailAddress.objects.filter(user=marie).exists()
    assert Notification.objects.filter(recipient=marie).count() == 1
    assert SaleEvent.objects.filter(member=marie).count() == 2
    assert ReviewPhoto.objects.filter(review__author=marie).count() == 1
    assert default_storage.exists(photo_file)
    assert default_storage.exists(marie.avatar.name)
    assert (net_revenue(), ledger_rows()) == (revenue_before, ledger_before)


def test_erasing_twice_changes_nothing_more(world):
    # given Marie, erased once
    marie = world["marie"]
    member_data_erase(member=marie)
    # when the erasure is run again
    erased = member_data_erase(member=marie)
    # then only the account is rewritten, to the same values
    assert erased == {name: 1 if name == "profile" else 0 for name in SECTIONS}
    marie.refresh_from_db()
    assert marie.display_name == f"Former member #{marie.pk}"


def test_only_the_member_or_staff_may_erase_an_account(world):
    # given Paul, who is not staff
    # when he asks to erase Marie's account
    with pytest.raises(PermissionDenied):
        member_data_erase(member=world["marie"], by=world["paul"])
    # then Marie's account is untouched
    world["marie"].refresh_from_db()
    assert world["marie"].is_active
