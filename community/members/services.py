"""Writes to members' accounts and profiles."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from comptoir.page_cache import MEMBER_PROFILES, page_cache_invalidate
from comptoir.slugs import url_slug
from comptoir.uploads import image_upload_clean

from .models import User

DISPLAY_NAME_MIN = 3
DISPLAY_NAME_MAX = 40
AVATAR_SIZE = (512, 512)
_DISPLAY_NAME_RE = re.compile(r"^[\w\- ]+$")
_LOYALTY_RE = re.compile(r"^[A-Za-z0-9]{4,32}$")


def _taken_by_another(matching: QuerySet[User], member: User | None) -> bool:
    """Whether anyone but `member` matches (their own current value is theirs)."""
    if member is not None and member.pk:
        matching = matching.exclude(pk=member.pk)
    return matching.exists()


def display_name_clean(display_name: str, *, member: User | None = None) -> str:
    """Return the display name tidied up, or raise ValidationError.

    3 to 40 characters, letters, digits, spaces, hyphens and underscores only, and
    unique ignoring case (the member's own current name does not count).
    """
    name = " ".join((display_name or "").split())
    if len(name) < DISPLAY_NAME_MIN or len(name) > DISPLAY_NAME_MAX:
        raise ValidationError(
            _("A display name has between %(min)s and %(max)s characters.")
            % {"min": DISPLAY_NAME_MIN, "max": DISPLAY_NAME_MAX},
            code="display_name_length",
        )
    # \w accepts accented letters (Élodie) but also "_" and digits, which we allow.
    if not _DISPLAY_NAME_RE.match(name):
        raise ValidationError(
            _(
                "A display name may only contain letters, digits, spaces, "
                "hyphens (-) and underscores (_)."
            ),
            code="display_name_characters",
        )
    if _taken_by_another(User.objects.filter(display_name__iexact=name), member):
        raise ValidationError(
            _("The display name “%(name)s” is already taken; please choose another.")
            % {"name": name},
            code="display_name_taken",
        )
    return name


def loyalty_card_number_clean(number: str | None, *, member: User | None) -> str | None:
    """Return the card number normalised (no spaces, upper case), or None if empty.

    A card belongs to one account only.
    """
    number = "".join((number or "").split()).upper()
    if not number:
        return None
    if not _LOYALTY_RE.match(number):
        raise ValidationError(
            _("A loyalty card number has 4 to 32 letters or digits."),
            code="loyalty_card_number_format",
        )
    if _taken_by_another(User.objects.filter(loyalty_card_number=number), member):
        raise ValidationError(
            _(
                "This loyalty card is already linked to another account. If it is "
                "yours, please contact your store."
            ),
            code="loyalty_card_number_taken",
        )
    return number


def member_slug_make(*, display_name: str, member: User | None = None) -> str:
    """A free slug for a profile address, made from the display name.

    Unique: "marie-dupont", then "marie-dupont-2", "marie-dupont-3"…
    """
    base = url_slug(display_name, max_length=50, default="member")
    others = User.objects.all()
    if member is not None and member.pk:
        others = others.exclude(pk=member.pk)
    taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def avatar_clean(uploaded_file: File) -> File:
    """Check and re-encode an avatar: JPEG, PNG or WEBP, shrunk to 512 × 512 at most.

    The shared upload rules apply (see comptoir.uploads.image_upload_clean).
    """
    return image_upload_clean(uploaded_file, fit_within=AVATAR_SIZE)


def member_signup_profile_set(*, member: User, display_name: str) -> User:
    """Give a member who is signing up their display name and profile address.

    Called by the account adapter before the new account is first saved.
    """
    member.display_name = display_name_clean(display_name, member=member)
    member.slug = member_slug_make(display_name=member.display_name, member=member)
    return member


@transaction.atomic
def member_profile_update(
    *,
    member: User,
    display_name: str,
    bio: str,
    home_store,
    loyalty_card_number: str | None,
    avatar: File | None = None,
    avatar_remove: bool = False,
) -> User:
    """Update what a member shows on their public profile.

    The display name stays unique ignoring case and the profile address follows it;
    a loyalty card belongs to one account only; a new avatar is checked and
    re-encoded. Nothing is saved if any of it is refused, and the old avatar file
    is deleted only once the new profile is committed.
    """
    errors: dict[str, list[ValidationError]] = {}

    def collect(field, clean, *args, **kwargs):
        try:
            return clean(*args, **kwargs)
        except ValidationError as error:
            errors[field] = error.error_list
            return None

    member = User.objects.select_for_update().get(pk=member.pk)
    name = collect("display_name", display_name_clean, display_name, member=member)
    card = collect(
        "loyalty_card_number",
        loyalty_card_number_clean,
        loyalty_card_number,
        member=member,
    )
    bio = (bio or "").strip()
    if len(bio) > 500:
        errors["bio"] = [
            ValidationError(_("Your bio may be 500 characters at most."), code="bio")
        ]
    clean_avatar = collect("avatar", avatar_clean, avatar) if avatar else None
    if errors:
        raise ValidationError(errors)

    update_fields = ["display_name", "bio", "home_store", "loyalty_card_number"]
    if name != member.display_name:
        member.slug = member_slug_make(display_name=name, member=member)
        update_fields.append("slug")
    member.display_name = name
    member.bio = bio
    member.home_store = home_store
    member.loyalty_card_number = card

    old_avatar_name = member.avatar.name if member.avatar else ""
    if clean_avatar is not None:
        member.avatar.save(clean_avatar.name, clean_avatar, save=False)
        update_fields.append("avatar")
    elif avatar_remove and old_avatar_name:
        member.avatar = ""
        update_fields.append("avatar")

    try:
        with transaction.atomic():
            member.save(update_fields=update_fields)
    except IntegrityError:
        # Someone took the name or card between our check and the save.
        if clean_avatar is not None:
            member.avatar.storage.delete(member.avatar.name)
        raise ValidationError(
            _(
                "Your display name or loyalty card was just taken by someone else; "
                "please check them and save again."
            ),
            code="profile_conflict",
        ) from None

    if "slug" in update_fields or "avatar" in update_fields:
        # Cached pages showing their name or avatar (reviews…).
        page_cache_invalidate(MEMBER_PROFILES)
    if "avatar" in update_fields and old_avatar_name:
        storage = member.avatar.storage
        transaction.on_commit(lambda: storage.delete(old_avatar_name))
    return member
