"""Photos of second-hand listings, as review photos are kept.

Every upload is checked and re-encoded by `comptoir.uploads` before anything is
written (at most MAX_PHOTOS a listing, PHOTO_MAX_BYTES each): one refused photo
refuses them all. While a listing is public (`Listing.is_public`: published by
moderation and on sale, reserved or sold) its photos are Wagtail images under
MEDIA_URL; otherwise (draft, pending, withdrawn, expired, rejected, hidden) they are
private files that only the seller and moderators may open. The services call
`listing_photos_place` after every change of a listing's state or status.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.photos import PhotoShelf
from comptoir.uploads import image_uploads_clean

from .models import MAX_PHOTOS, Listing, ListingPhoto

PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
PHOTO_COLLECTION = "Second-hand photos"
# The sizes the listing card, its page and the moderation queue show.
PHOTO_THUMB_SPEC = "fill-320x320"
PHOTO_LARGE_SPEC = "max-1200x1200"


def listing_photos_clean(photos: Sequence, *, already: int = 0) -> list:
    """Each upload checked and re-encoded, before anything is written; a
    ValidationError on "photos" naming the file otherwise."""
    return image_uploads_clean(
        photos,
        already=already,
        max_count=MAX_PHOTOS,
        too_many=_("A listing may have %(max)s photos at most.") % {"max": MAX_PHOTOS},
        max_bytes=PHOTO_MAX_BYTES,
        max_pixels=PHOTO_MAX_PIXELS,
        allowed_formats=PHOTO_FORMATS,
    )


LISTING_PHOTOS = PhotoShelf(
    collection=PHOTO_COLLECTION, specs=(PHOTO_THUMB_SPEC, PHOTO_LARGE_SPEC)
)


def _title(listing_id: int, position: int) -> str:
    return f"Listing #{listing_id} · photo {position + 1}"


def listing_photos_attach(listing: Listing, cleaned: list, *, start: int) -> None:
    """New photos (already cleaned), public if the listing is, private otherwise."""
    for offset, content in enumerate(cleaned):
        position = start + offset
        LISTING_PHOTOS.attach(
            ListingPhoto(listing=listing, position=position),
            content,
            public=listing.is_public,
            title=_title(listing.pk, position),
        )


def listing_photos_place(*, listing: Listing) -> int:
    """Move a listing's photos where its state and status allow; returns how many
    moved. A public listing's photos are Wagtail images, the others' private
    files. A move gives a photo a new address, so `updated_at` moves too."""
    with transaction.atomic():
        moved = LISTING_PHOTOS.place(
            listing.photos.select_related("image").order_by("position", "id"),
            public=listing.is_public,
            title_of=lambda photo: _title(listing.pk, photo.position),
        )
        if moved:
            listing.save(update_fields=["updated_at"])
    return moved


def listing_photos_delete(*, photos) -> int:
    """Delete listing photos with their files, public or private; returns how
    many. The files leave storage once the transaction commits."""
    return LISTING_PHOTOS.delete(ListingPhoto, photos)


def listing_photos_keep(listing: Listing, *, remove_photo_ids: Sequence) -> list:
    """Delete the photos the seller removed (only this listing's) and number the
    others from 0 again; returns the photos kept, in order."""
    # Ids as a form sends them; anything else is not a photo of this listing.
    remove = {int(pk) for pk in remove_photo_ids or () if str(pk).isdigit()}
    if remove:
        listing_photos_delete(photos=listing.photos.filter(pk__in=remove))
    kept = list(listing.photos.order_by("position", "id"))
    for position, photo in enumerate(kept):
        if photo.position != position:
            photo.position = position
            photo.save(update_fields=["position"])
    return kept
