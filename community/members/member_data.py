"""Member data: what every app holds about a member, exported and erased in one go.

The plug-in point (docs/architecture.md, point 5): each app registers one
`MemberDataSection` under `MEMBER_DATA_HOOK` in its `wagtail_hooks.py`, saying what
it holds about a member and how that is erased. Members imports no content app:
`member_data_export` and `member_data_erase` only read the registrations.

Erasure anonymises the account rather than deleting it: reviews, moderation
decisions and ledger rows point at it and must keep pointing somewhere. The
members' own section ("profile", below) does that, and is erased last.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import (
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks

from comptoir.page_cache import MEMBER_PROFILES, page_cache_invalidate

from .models import User

logger = logging.getLogger(__name__)

MEMBER_DATA_HOOK = "register_member_data"
EXPORT_FORMAT = 1
# The .invalid top-level domain is reserved (RFC 2606): nothing is ever delivered.
ERASED_EMAIL_DOMAIN = "erased.invalid"


@dataclass(frozen=True)
class MemberDataSection:
    """What one app holds about a member.

    `name` is the section's key in the export; `label` says it to a person;
    sections are exported in `order` (lower first) and erased in the reverse order,
    so the account itself, exported first, is anonymised after every other app has
    found what it needed by its e-mail address or card. `export(member)` returns
    JSON-serialisable data (dates may be date or datetime objects: they are written
    in ISO 8601; money is integer cents). `erase(member)` runs inside the erasure's
    transaction and returns how many rows it erased or anonymised; raising refuses
    the whole erasure.

    Optional capabilities, none by default:
    - `files(member)` lists the original files the export names (photos, the
      avatar), as `FieldFile`s or `(name in the archive, file)` pairs: the ZIP a
      member downloads carries them next to `data.json`;
    - `erase_summary(member)` says in a sentence or two what erasure will do to
      this section's data (what stays, signed "former member", what goes, where
      the money goes), shown before the member confirms;
    - `delete_public(member)`, with `delete_public_label`, lets the member choose
      to delete their public content of this kind instead of keeping it signed
      "former member"; it runs in the erasure's transaction, before `erase`, and
      returns how many items it deleted;
    - `farewell(member)` runs after the erasure, in its transaction, and returns
      what the member must still be told once their account is gone (a voucher
      code), shown on the goodbye page.
    """

    name: str
    label: str
    export: Callable[[User], Any]
    erase: Callable[[User], int]
    order: int = 100
    files: Callable[[User], list[Any]] | None = None
    erase_summary: Callable[[User], list[str]] | None = None
    delete_public: Callable[[User], int] | None = None
    delete_public_label: str = ""
    farewell: Callable[[User], list[str]] | None = None


def member_data_sections() -> list[MemberDataSection]:
    """The registered sections, in export order (then by name, so it is stable)."""
    sections = [register() for register in hooks.get_hooks(MEMBER_DATA_HOOK)]
    names = [section.name for section in sections]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ImproperlyConfigured(
            f"Member data sections registered twice: {', '.join(duplicates)}"
        )
    return sorted(sections, key=lambda section: (section.order, section.name))


def _json_ready(data: Any) -> Any:
    # One pass through Django's encoder: every date and time is written alike in
    # ISO 8601 (UTC, "Z"), lazy translations become plain strings, and anything
    # else unknown fails here, in the export, rather than in whoever writes it.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def member_data_export(
    *,
    member: User,
    sections: list[MemberDataSection] | None = None,
    on_section: Callable[[MemberDataSection], None] | None = None,
) -> dict[str, Any]:
    """Everything the registered apps hold about a member, as JSON-ready data.

    `{"format": 1, "exported_at": ISO time, "member": who, "sections": {name: data}}`,
    sections in their registered order. Reads only: no transaction, so an export
    never holds the database's write lock. `on_section` is called after each
    section, so a background build can record its progress as it goes.
    """
    exported = {}
    for section in member_data_sections() if sections is None else sections:
        exported[section.name] = section.export(member)
        if on_section is not None:
            on_section(section)
    export = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "member": {"id": member.pk, "email": member.email},
        "sections": exported,
    }
    return _json_ready(export)


def member_data_files(
    *, member: User, section: MemberDataSection
) -> list[tuple[str, Any]]:
    """The files one section's export names, as (name in the archive, file) pairs.

    A bare file is filed under `<section>/<its stored name>`, so two apps' files
    never collide and the name matches the one in `data.json`; missing or empty
    files are left out.
    """
    if section.files is None:
        return []
    pairs = []
    for item in section.files(member):
        name, file = item if isinstance(item, tuple) else (None, item)
        if not file or not getattr(file, "name", ""):
            continue
        pairs.append((name or f"{section.name}/{file.name}", file))
    return pairs


def member_data_erase_summary(*, member: User) -> list[dict[str, Any]]:
    """What erasure will do, per section that says so, for the confirmation page.

    `[{"name", "label", "lines": [sentences], "delete_label": "" or a choice}]`.
    """
    summary = []
    for section in member_data_sections():
        lines = list(section.erase_summary(member)) if section.erase_summary else []
        delete_label = section.delete_public_label if section.delete_public else ""
        if lines or delete_label:
            summary.append(
                {
                    "name": section.name,
                    "label": section.label,
                    "lines": lines,
                    "delete_label": delete_label,
                }
            )
    return summary


def member_data_erase(
    *,
    member: User,
    by: User | None = None,
    delete_public: Iterable[str] = (),
    farewell: list[str] | None = None,
) -> dict[str, int]:
    """Erase a member's data in every registered app; returns {section: rows}.

    All or nothing: every section erases in one transaction, and a section that
    refuses (or fails) leaves every app as it was. Only the member themself or
    staff may ask (`by`; None is an operator at the shell). Files (photos, avatar)
    leave storage once the transaction has committed. `delete_public` names the
    sections whose public content the member chose to delete rather than keep
    signed "former member"; what sections still have to tell the member (a
    voucher code) is appended to `farewell` when given.
    """
    if by is not None and by.pk != member.pk and not by.is_staff:
        raise PermissionDenied(_("Only the member or the staff may erase an account."))
    sections = member_data_sections()
    chosen = set(delete_public)
    unknown = chosen - {s.name for s in sections if s.delete_public is not None}
    if unknown:
        raise ValidationError(
            _("Nothing of this kind can be deleted: %(kinds)s.")
            % {"kinds": ", ".join(sorted(unknown))}
        )
    erased: dict[str, int] = {}
    with transaction.atomic():
        member = User.objects.select_for_update().get(pk=member.pk)
        for section in reversed(sections):
            deleted = 0
            if section.name in chosen:
                deleted = int(section.delete_public(member))
            erased[section.name] = deleted + int(section.erase(member))
        if farewell is not None:
            for section in sections:
                if section.farewell is not None:
                    farewell.extend(section.farewell(member))
    logger.info(
        "Member data of member #%s erased (asked by %s).",
        member.pk,
        f"member #{by.pk}" if by is not None else "an operator",
    )
    return {section.name: erased[section.name] for section in sections}


# --- The members' own section: the account and profile --------------------------


def erased_email(member: User) -> str:
    """The address an erased account keeps: unique, and never delivered."""
    return f"erased-{member.pk}@{ERASED_EMAIL_DOMAIN}"


def profile_export(member: User) -> dict[str, Any]:
    """The account, profile and sign-in addresses of a member."""
    profile = getattr(member, "wagtail_userprofile", None)
    store = member.home_store
    return {
        "email": member.email,
        "display_name": member.display_name,
        "profile_address": member.slug,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "bio": member.bio,
        "avatar": member.avatar.name or None,
        "home_store": {"code": store.code, "name": store.name} if store else None,
        "loyalty_card_number": member.loyalty_card_number,
        "trust_level": member.trust_level,
        "joined": member.date_joined,
        "last_login": member.last_login,
        "active": member.is_active,
        "staff": member.is_staff,
        "language": profile.preferred_language if profile else "",
        "time_zone": profile.current_time_zone if profile else "",
        "email_addresses": [
            {
                "email": address.email,
                "verified": address.verified,
                "primary": address.primary,
            }
            for address in member.emailaddress_set.order_by("id")
        ],
        "posts": [
            {"kind": record.kind, "at": record.created_at}
            for record in member.posting_records.order_by("created_at", "id")
        ],
    }


def _sessions_end_on_commit(member: User) -> None:
    # The unusable password already ends every session, whatever the engine: a
    # session's auth hash no longer matches. With database sessions the rows go
    # too, after commit, as finding them means decoding each one.
    engine = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    if not issubclass(engine, DatabaseSessionStore):
        return
    member_id = str(member.pk)

    def sessions_delete():
        model = engine.get_model_class()
        live = model.objects.filter(expire_date__gt=timezone.now())
        keys = [
            session.session_key
            for session in live.iterator(chunk_size=1000)
            if str(session.get_decoded().get("_auth_user_id")) == member_id
        ]
        model.objects.filter(session_key__in=keys).delete()

    transaction.on_commit(sessions_delete, robust=True)


def _files_delete_on_commit(files) -> None:
    for file in files:
        if file:
            storage, name = file.storage, file.name
            transaction.on_commit(lambda s=storage, n=name: s.delete(n), robust=True)


def profile_erase(member: User) -> int:
    """Anonymise the account in place; returns the rows erased or anonymised.

    The row stays, because reviews, decisions and ledger rows point at it: it
    gets an unusable password, an address that is never delivered, a "Former
    member #id" name with no public profile, no avatar, bio or card, and no
    rights. Its sign-in addresses, posting records and Wagtail profile go.
    """
    profile = getattr(member, "wagtail_userprofile", None)
    _files_delete_on_commit(
        [member.avatar, profile.avatar if profile is not None else None]
    )
    with translation.override(settings.LANGUAGE_CODE):
        # A name nobody can choose: display names may not contain "#".
        member.display_name = _("Former member #%(id)s") % {"id": member.pk}
    member.email = erased_email(member)
    member.set_unusable_password()
    member.slug = None
    member.first_name = member.last_name = member.bio = ""
    member.avatar = ""
    member.home_store = None
    member.loyalty_card_number = None
    member.is_active = member.is_staff = member.is_superuser = False
    member.save(
        update_fields=[
            "display_name",
            "email",
            "password",
            "slug",
            "first_name",
            "last_name",
            "bio",
            "avatar",
            "home_store",
            "loyalty_card_number",
            "is_active",
            "is_staff",
            "is_superuser",
        ]
    )
    member.groups.clear()
    member.user_permissions.clear()
    addresses, _by_model = member.emailaddress_set.all().delete()
    records, _by_model = member.posting_records.all().delete()
    profiles = 0
    if profile is not None:
        profile.delete()
        profiles = 1
    _sessions_end_on_commit(member)
    # Cached pages that showed the member's name or avatar are forgotten.
    page_cache_invalidate(MEMBER_PROFILES)
    return 1 + addresses + records + profiles


def profile_files(member: User) -> list[Any]:
    """The member's avatar (and their admin avatar, for staff), as uploaded."""
    profile = getattr(member, "wagtail_userprofile", None)
    return [member.avatar, profile.avatar if profile is not None else None]


def profile_erase_summary(member: User) -> list[str]:
    return [
        _(
            "Your account is closed for good: your e-mail addresses, names, bio, "
            "avatar, home store and loyalty card are deleted, and you can no "
            "longer log in."
        )
    ]


def profile_section() -> MemberDataSection:
    return MemberDataSection(
        name="profile",
        label=gettext_lazy("Account and profile"),
        order=0,
        export=profile_export,
        erase=profile_erase,
        files=profile_files,
        erase_summary=profile_erase_summary,
    )
