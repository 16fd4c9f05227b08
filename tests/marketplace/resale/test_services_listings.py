"""Listings through their services: create, submit, edit, withdraw, relist; every
move of ALLOWED_MOVES and every refusal, in words, nothing half-saved."""

import datetime as dt
from itertools import product as pairs

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from community.moderation.models import QueueEntry
from marketplace.resale.models import (
    ALLOWED_MOVES,
    Listing,
    ListingPhoto,
    ListingState,
    ResaleSettings,
)
from marketplace.resale.services import (
    listing_create,
    listing_relist,
    listing_state_move,
    listing_submit,
    listing_update,
    listing_withdraw,
)
from tests.factories import MemberFactory, ProductFactory

from .fixtures import (
    DESCRIPTION,
    NOW,
    PRICE,
    aged,
    make_listing,
    photo_upload,
    purchase_of,
)


def update(listing, editor, **changes):
    values = {
        "title": listing.title,
        "description": listing.description,
        "price_cents": listing.price_cents,
        "condition": listing.condition,
        "store_ids": list(listing.handoff_stores.values_list("pk", flat=True)),
        "tags": [tag.name for tag in listing.tags.all()],
    }
    values.update(changes)
    return listing_update(listing=listing, editor=editor, now=NOW, **values)


def history(listing):
    return list(
        listing.history.order_by("at", "id").values_list("from_state", "to_state")
    )


# --- Create and submit ------------------------------------------------------------


def test_a_trusted_seller_s_listing_is_on_sale_at_once(listing, seller, product):
    assert listing.state == ListingState.PUBLISHED
    assert listing.is_public
    assert listing.is_verified_owner
    assert listing.product == product
    assert listing.expires_at == NOW + dt.timedelta(days=60)
    assert history(listing) == [("draft", "published")]
    assert [tag.name for tag in listing.tags.all()] == ["jardin"]
    assert sorted(s.code for s in listing.handoff_stores.all()) == [
        "lyon-part-dieu",
        "nantes-centre",
    ]
    assert listing.slug == "secateur-pro-a-lame-franche"


def test_a_newcomer_s_listing_waits_for_a_moderator(newcomer, store):
    listing = make_listing(seller=newcomer, stores=[store])

    assert listing.state == ListingState.PENDING
    assert listing.status == "pending"
    assert not listing.is_public
    assert QueueEntry.objects.filter(
        object_id=listing.pk, closed_at__isnull=True
    ).exists()


def test_a_draft_is_kept_then_submitted(seller, store):
    draft = make_listing(seller=seller, stores=[store], submit=False)
    assert draft.state == ListingState.DRAFT
    assert not draft.is_public

    listing_submit(listing=draft, by=seller, now=NOW)

    assert draft.state == ListingState.PUBLISHED
    assert draft.is_public
    assert history(draft) == [("draft", "published")]


def test_only_a_draft_is_submitted(listing, seller):
    with pytest.raises(ValidationError, match="Only a draft can be submitted"):
        listing_submit(listing=listing, by=seller, now=NOW)


def test_someone_else_may_not_submit_a_draft(seller, buyer, store):
    draft = make_listing(seller=seller, stores=[store], submit=False)
    with pytest.raises(PermissionDenied):
        listing_submit(listing=draft, by=buyer, now=NOW)


@pytest.mark.parametrize(
    ("price", "message"),
    [
        (0, "The price must be above zero."),
        (-500, "The price must be above zero."),
        (45.5, "Give the price in euros"),
        ("4500", "Give the price in euros"),
        (True, "Give the price in euros"),
        (None, "Give the price in euros"),
        (10_000_001, "The price may be"),
    ],
)
def test_a_price_that_is_not_a_positive_whole_number_of_cents_is_refused(
    seller, store, price, message
):
    with pytest.raises(ValidationError) as refused:
        make_listing(seller=seller, stores=[store], price_cents=price)

    assert message in refused.value.message_dict["price_cents"][0]
    assert not Listing.objects.exists()


def test_every_field_is_checked_at_once(seller):
    with pytest.raises(ValidationError) as refused:
        listing_create(
            seller=seller,
            title="ab",
            description="court",
            price_cents=PRICE,
            condition="like_new",
            store_ids=[],
            tags=["x" * 51],
            now=NOW,
        )

    assert set(refused.value.message_dict) == {
        "title",
        "description",
        "condition",
        "store_ids",
        "tags",
    }
    assert refused.value.message_dict["store_ids"] == [
        "Choose at least one store where you can hand the item over."
    ]


def test_an_unknown_store_is_refused(seller, store):
    with pytest.raises(ValidationError) as refused:
        listing_create(
            seller=seller,
            title="Sécateur",
            description=DESCRIPTION,
            price_cents=PRICE,
            condition="good",
            store_ids=[store.pk, 999_999, "abc"],
            now=NOW,
        )
    assert refused.value.message_dict["store_ids"] == [
        "Choose the stores from the list."
    ]


def test_another_member_s_purchase_is_refused(seller, buyer, store, product):
    theirs = purchase_of(buyer, product)

    with pytest.raises(ValidationError) as refused:
        make_listing(seller=seller, stores=[store], product=product, purchase=theirs)

    assert refused.value.message_dict == {"purchase": ["This purchase is not yours."]}
    assert not Listing.objects.exists()


def test_a_purchase_of_another_product_is_refused(seller, store, product):
    other = ProductFactory(name="Bêche", slug="beche", sku="BEC-1")
    mine = purchase_of(seller, other)

    with pytest.raises(ValidationError) as refused:
        make_listing(seller=seller, stores=[store], product=product, purchase=mine)

    assert "another product" in refused.value.message_dict["purchase"][0]


def test_a_purchase_alone_names_the_product(seller, store, product, purchase):
    listing = make_listing(seller=seller, stores=[store], purchase=purchase)

    assert listing.product == product
    assert listing.is_verified_owner


def test_a_suspended_seller_may_not_list(seller, store):
    from django.utils import timezone

    from community.moderation.models import Suspension

    Suspension.objects.create(
        member=seller, until=timezone.now() + dt.timedelta(days=3), reason="Arnaque"
    )
    with pytest.raises(PermissionDenied, match="suspended"):
        make_listing(seller=seller, stores=[store])
    assert not Listing.objects.exists()


# --- Photos -----------------------------------------------------------------------


def test_photos_of_a_public_listing_are_public_images(seller, store):
    listing = make_listing(
        seller=seller, stores=[store], photos=[photo_upload(), photo_upload("PNG")]
    )

    photos = list(listing.photos.all())
    assert [photo.position for photo in photos] == [0, 1]
    assert all(photo.is_public for photo in photos)


def test_photos_of_a_pending_listing_stay_private(newcomer, store):
    listing = make_listing(seller=newcomer, stores=[store], photos=[photo_upload()])

    [photo] = listing.photos.all()
    assert not photo.is_public
    assert photo.private_file.name.startswith("resale_photos/")


def test_a_20_mb_photo_is_refused_and_nothing_is_saved(seller, store):
    huge = SimpleUploadedFile(
        "huge.jpg", b"\xff\xd8\xff" + b"0" * (20 * 1024 * 1024), "image/jpeg"
    )

    with pytest.raises(ValidationError) as refused:
        make_listing(seller=seller, stores=[store], photos=[photo_upload(), huge])

    [message] = refused.value.message_dict["photos"]
    assert message.startswith("huge.jpg: This file is 20.0")
    assert "images may be 10.0" in message
    assert not Listing.objects.exists()
    assert not ListingPhoto.objects.exists()


def test_a_file_that_is_not_an_image_is_refused(seller, store):
    text = SimpleUploadedFile("notes.jpg", b"hello, not a photo", "image/jpeg")

    with pytest.raises(ValidationError) as refused:
        make_listing(seller=seller, stores=[store], photos=[text])

    [message] = refused.value.message_dict["photos"]
    assert message.startswith("notes.jpg: This file is not an image we can read")
    assert not Listing.objects.exists()


def test_eleven_photos_are_too_many(seller, store):
    with pytest.raises(ValidationError) as refused:
        make_listing(
            seller=seller, stores=[store], photos=[photo_upload() for _ in range(11)]
        )

    assert refused.value.message_dict["photos"] == [
        "A listing may have 10 photos at most."
    ]
    assert not Listing.objects.exists()


def test_photos_go_private_when_the_listing_is_withdrawn(seller, store):
    listing = make_listing(seller=seller, stores=[store], photos=[photo_upload()])

    listing_withdraw(listing=listing, by=seller, now=NOW)

    [photo] = listing.photos.all()
    assert not photo.is_public


def test_editing_adds_and_removes_photos(seller, store):
    listing = make_listing(
        seller=seller, stores=[store], photos=[photo_upload(), photo_upload()]
    )
    first, second = listing.photos.all()

    update(
        listing, seller, add_photos=[photo_upload("PNG")], remove_photo_ids=[first.pk]
    )

    assert [(p.pk == second.pk, p.position) for p in listing.photos.all()] == [
        (True, 0),
        (False, 1),
    ]


def test_editing_past_ten_photos_is_refused_before_anything_changes(seller, store):
    listing = make_listing(
        seller=seller, stores=[store], photos=[photo_upload() for _ in range(9)]
    )

    with pytest.raises(ValidationError):
        update(
            listing,
            seller,
            title="Changed title",
            add_photos=[photo_upload(), photo_upload()],
        )

    listing.refresh_from_db()
    assert listing.title == "Sécateur Pro à lame franche"
    assert listing.photos.count() == 9


# --- Edit -------------------------------------------------------------------------


def test_the_seller_edits_a_listing_on_sale(listing, seller, other_store):
    update(
        listing,
        seller,
        title="Sécateur Pro, comme neuf",
        price_cents=3900,
        store_ids=[other_store.pk],
        tags="jardin, taille",
    )

    listing.refresh_from_db()
    assert listing.title == "Sécateur Pro, comme neuf"
    assert listing.slug == "secateur-pro-comme-neuf"
    assert listing.price_cents == 3900
    assert [s.code for s in listing.handoff_stores.all()] == ["nantes-centre"]
    assert sorted(t.name for t in listing.tags.all()) == ["jardin", "taille"]
    assert listing.state == ListingState.PUBLISHED
    assert listing.is_public


def test_a_premoderated_seller_s_edit_goes_back_to_the_queue(store, moderator):
    from community.moderation.services import moderation_decide

    # level 1: premoderated, without the newcomers' pause between two posts
    basic = aged(MemberFactory(display_name="Basile", slug="basile", trust_level=1))
    listing = make_listing(seller=basic, stores=[store])
    moderation_decide(
        moderator=moderator, entries_or_contents=[listing], action="approve"
    )
    listing.refresh_from_db()
    assert listing.is_public

    update(listing, basic, title="Sécateur, nouveau titre")

    listing.refresh_from_db()
    assert listing.state == ListingState.PUBLISHED
    assert listing.status == "pending"
    assert not listing.is_public


def test_only_the_seller_edits(listing, buyer):
    with pytest.raises(PermissionDenied):
        update(listing, buyer, title="Volé")


def test_a_reserved_listing_can_no_longer_be_changed(listing, seller, buyer, store):
    from marketplace.resale.services import listing_reserve

    from .fixtures import HANDOFF_DAY

    listing_reserve(listing=listing, buyer=buyer, store=store, day=HANDOFF_DAY, now=NOW)

    with pytest.raises(ValidationError, match="“Reserved” can no longer be changed"):
        update(listing, seller, price_cents=100)


def test_lowering_the_price_voids_offers_at_or_above_it(listing, seller, buyer, store):
    from marketplace.resale.services import offer_make

    from .fixtures import HANDOFF_DAY

    offer = offer_make(
        listing=listing,
        buyer=buyer,
        amount_cents=4000,
        store=store,
        day=HANDOFF_DAY,
        now=NOW,
    )

    update(listing, seller, price_cents=3500)

    offer.refresh_from_db()
    assert offer.status == "lapsed"


# --- Withdraw and relist ----------------------------------------------------------


def test_withdraw_then_relist(listing, seller):
    listing_withdraw(listing=listing, by=seller, now=NOW)
    assert listing.state == ListingState.WITHDRAWN
    assert not listing.is_public

    # withdrawing again changes nothing
    listing_withdraw(listing=listing, by=seller, now=NOW)
    assert listing.history.count() == 2

    later = NOW + dt.timedelta(days=3)
    listing_relist(listing=listing, by=seller, now=later)

    assert listing.state == ListingState.PUBLISHED
    assert listing.expires_at == later + dt.timedelta(days=60)
    assert history(listing) == [
        ("draft", "published"),
        ("published", "withdrawn"),
        ("withdrawn", "draft"),
        ("draft", "published"),
    ]


def test_a_pending_listing_is_withdrawn_and_leaves_the_queue(newcomer, store):
    listing = make_listing(seller=newcomer, stores=[store])

    listing_withdraw(listing=listing, by=newcomer, now=NOW)

    assert listing.state == ListingState.WITHDRAWN
    assert not QueueEntry.objects.filter(
        object_id=listing.pk, closed_at__isnull=True
    ).exists()


def test_only_the_seller_withdraws(listing, buyer):
    with pytest.raises(PermissionDenied):
        listing_withdraw(listing=listing, by=buyer, now=NOW)


def test_a_listing_on_sale_cannot_be_relisted(listing, seller):
    with pytest.raises(ValidationError, match="Only an expired or withdrawn listing"):
        listing_relist(listing=listing, by=seller, now=NOW)


def test_a_newcomer_relisting_waits_for_a_moderator(newcomer, store):
    listing = make_listing(seller=newcomer, stores=[store], submit=False)
    listing_withdraw(listing=listing, by=newcomer, now=NOW)

    listing_relist(listing=listing, by=newcomer, now=NOW)

    assert listing.state == ListingState.PENDING


def test_listing_days_are_configurable(seller, store):
    rules = ResaleSettings.load()
    rules.listing_days = 30
    rules.save()

    listing = make_listing(seller=seller, stores=[store])

    assert listing.expires_at == NOW + dt.timedelta(days=30)


# --- Every move of ALLOWED_MOVES, and only those ----------------------------------

STATES = list(ListingState.values)


@pytest.mark.parametrize(("from_state", "to_state"), list(pairs(STATES, STATES)))
def test_the_state_moves_only_along_allowed_moves(seller, store, from_state, to_state):
    listing = make_listing(seller=seller, stores=[store], submit=False)
    Listing.objects.filter(pk=listing.pk).update(state=from_state)
    listing.refresh_from_db()

    if (from_state, to_state) in ALLOWED_MOVES:
        listing_state_move(listing, to_state, by=seller, now=NOW)
        listing.refresh_from_db()
        assert listing.state == to_state
        assert history(listing)[-1] == (from_state, to_state)
    else:
        with pytest.raises(ValidationError) as refused:
            listing_state_move(listing, to_state, by=seller, now=NOW)
        assert refused.value.messages == [
            f"A listing that is “{ListingState(from_state).label}” cannot become "
            f"“{ListingState(to_state).label}”."
        ]
        listing.refresh_from_db()
        assert listing.state == from_state


def test_a_sold_listing_cannot_be_withdrawn(seller, store):
    listing = make_listing(seller=seller, stores=[store])
    Listing.objects.filter(pk=listing.pk).update(state=ListingState.SOLD)

    with pytest.raises(ValidationError, match="“Sold” cannot be withdrawn"):
        listing_withdraw(listing=listing, by=seller, now=NOW)
