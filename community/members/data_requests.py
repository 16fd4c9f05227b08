"""Members exercise their data rights: a copy of their data, or erasure.

A copy is asked for on /me/data/ and built in the background (a Django task:
the immediate backend in development and tests, a database queue and workers in
production), one registered member-data section at a time, its progress written
on the request row as it goes. The archive is a ZIP of `data.json` (the
member-data export) and the original files the sections name; it is kept in
private storage and expires seven days after it is ready.

Erasure, asked for on /me/delete/ with the member's password, runs every
section's erasure at once and is recorded as a request row handled by the member.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import logging
import secrets
import tempfile
import zipfile

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from django_tasks import task

from community.notifications.email_categories import EmailCategory
from community.notifications.services import absolute_url, member_email_send

from .member_data import (
    member_data_erase,
    member_data_export,
    member_data_files,
    member_data_sections,
)
from .models import MemberDataRequest, User

logger = logging.getLogger(__name__)

ARCHIVE_DAYS = 7
# Steps of a build besides one per section: writing the ZIP.
EXTRA_STEPS = 1
ALREADY_ON_ITS_WAY = gettext_lazy(
    "A copy of your data is already on its way: wait until it is ready."
)


def one_month_after(moment: dt.datetime) -> dt.datetime:
    """The same day and time a month later, or the month's last day (31 Jan → 28 Feb).

    GDPR Article 12(3): a request is answered "within one month of receipt".
    """
    year, month = (
        (moment.year + 1, 1)
        if moment.month == 12
        else (
            moment.year,
            moment.month + 1,
        )
    )
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def data_export_request(*, member: User, now: dt.datetime | None = None):
    """Ask for a copy of a member's data; the archive is built in the background.

    One copy at a time: while one is being prepared, asking again is refused with a
    message (a unique constraint makes sure of it under concurrent clicks).
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            User.objects.select_for_update().filter(pk=member.pk).first()
            if MemberDataRequest.objects.filter(
                member=member,
                kind=MemberDataRequest.Kind.EXPORT,
                status__in=MemberDataRequest.IN_PROGRESS,
            ).exists():
                raise ValidationError(ALREADY_ON_ITS_WAY)
            request = MemberDataRequest.objects.create(
                member=member,
                kind=MemberDataRequest.Kind.EXPORT,
                requested_at=now,
                deadline=one_month_after(now),
                progress_total=len(member_data_sections()) + EXTRA_STEPS,
            )
            request_id = request.pk
            transaction.on_commit(
                lambda: data_export_build.enqueue(request_id), robust=True
            )
    except IntegrityError:
        raise ValidationError(ALREADY_ON_ITS_WAY) from None
    return request


@task()
def data_export_build(request_id: int) -> str:
    """Build the archive of one export request (a background task).

    Idempotent: a request already ready or failed is left as it is, and one found
    half-built (a worker died) is built again from the start; the row only points
    at an archive once it is complete. Returns the request's status.
    """
    request = (
        MemberDataRequest.objects.select_related("member")
        .filter(pk=request_id, kind=MemberDataRequest.Kind.EXPORT)
        .first()
    )
    if request is None or not request.in_progress:
        return request.status if request is not None else "missing"
    try:
        _archive_build(request)
    except Exception:
        logger.exception("Data export #%s failed.", request_id)
        MemberDataRequest.objects.filter(pk=request_id).update(
            status=MemberDataRequest.Status.FAILED,
            handled_at=timezone.now(),
            error=_("The copy could not be prepared: ask for a new one."),
        )
        return MemberDataRequest.Status.FAILED
    return MemberDataRequest.Status.READY


def _progress(request: MemberDataRequest, done: int) -> None:
    # One small write per step, outside any transaction, so the member's page
    # (and another process) sees it at once.
    request.progress_done = done
    MemberDataRequest.objects.filter(pk=request.pk).update(
        status=MemberDataRequest.Status.RUNNING, progress_done=done
    )


def _archive_build(request: MemberDataRequest) -> None:
    member = request.member
    sections = member_data_sections()
    request.progress_total = len(sections) + EXTRA_STEPS
    MemberDataRequest.objects.filter(pk=request.pk).update(
        progress_total=request.progress_total
    )
    _progress(request, 0)
    done = 0

    def section_done(section):
        nonlocal done
        done += 1
        _progress(request, done)

    data = member_data_export(member=member, sections=sections, on_section=section_done)
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "data.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n"
            )
            written = {"data.json"}
            for section in sections:
                for name, file in member_data_files(member=member, section=section):
                    name = name.lstrip("/")
                    if name in written:
                        continue
                    try:
                        with file.open("rb") as source, archive.open(name, "w") as out:
                            for chunk in iter(lambda: source.read(1 << 16), b""):
                                out.write(chunk)
                    except FileNotFoundError:
                        # data.json still names it; its file is gone from storage.
                        logger.warning(
                            "Data export #%s: %s is missing.", request.pk, name
                        )
                        continue
                    written.add(name)
        spool.seek(0)
        now = timezone.now()
        # A random name: the storage never guesses one member's archive from another.
        stored = request.archive.storage.save(
            f"data_exports/{now:%Y/%m}/{secrets.token_hex(16)}.zip", File(spool)
        )
    with transaction.atomic():
        updated = MemberDataRequest.objects.filter(
            pk=request.pk, status__in=MemberDataRequest.IN_PROGRESS
        ).update(
            status=MemberDataRequest.Status.READY,
            archive=stored,
            progress_done=request.progress_total,
            handled_at=now,
            expires_at=now + dt.timedelta(days=ARCHIVE_DAYS),
        )
        if not updated:
            # Built twice at once, or the member was erased meanwhile: keep nothing.
            request.archive.storage.delete(stored)
            return
        transaction.on_commit(lambda: _ready_email(request.pk), robust=True)


def _ready_email(request_id: int) -> None:
    request = MemberDataRequest.objects.select_related("member").get(pk=request_id)
    member = request.member
    profile = getattr(member, "wagtail_userprofile", None)
    language = (profile.preferred_language if profile else "") or None
    with override(language):
        member_email_send(
            recipient=member,
            category=EmailCategory.DECISIONS,
            subject=_("Comptoir · Your copy of your data is ready"),
            lines=[
                _("Hello %(name)s,") % {"name": member.public_name},
                "",
                _(
                    "The copy of your data you asked for is ready. Download it "
                    "after logging in, until %(date)s:"
                )
                % {
                    "date": timezone.localtime(request.expires_at).strftime(
                        "%Y-%m-%d %H:%M"
                    )
                },
                absolute_url(reverse("members:data")),
            ],
        )


def data_exports_purge(
    *, now: dt.datetime | None = None, member: User | None = None
) -> int:
    """Delete the archives past their download date (or all of one member's).

    The rows stay, for the record of requests; returns how many files went. The
    files leave storage once the transaction commits.
    """
    now = now or timezone.now()
    requests = MemberDataRequest.objects.exclude(archive="")
    if member is not None:
        requests = requests.filter(member=member)
    else:
        requests = requests.filter(expires_at__lte=now)
    with transaction.atomic():
        found = list(requests.select_for_update())
        for request in found:
            storage, name = request.archive.storage, request.archive.name
            transaction.on_commit(lambda s=storage, n=name: s.delete(n), robust=True)
        MemberDataRequest.objects.filter(pk__in=[r.pk for r in found]).update(
            archive=""
        )
    return len(found)


def member_erasure_request(
    *,
    member: User,
    password: str,
    delete_public: list[str] | tuple[str, ...] = (),
    now: dt.datetime | None = None,
) -> list[str]:
    """Erase a member's account at their own request, after their password.

    A wrong password erases nothing. Returns what the member must still be told
    (a voucher code), for the goodbye page.
    """
    if not password or not member.check_password(password):
        raise ValidationError(
            {"password": _("This is not your password: nothing was erased.")}
        )
    _erased, farewell = member_erase_recorded(
        member=member, by=member, delete_public=delete_public, now=now
    )
    return farewell


def member_erase_recorded(
    *,
    member: User,
    by: User | None,
    delete_public: list[str] | tuple[str, ...] = (),
    now: dt.datetime | None = None,
) -> tuple[dict[str, int], list[str]]:
    """Erase a member's data and record it as a handled erasure request.

    All or nothing (every registered section in one transaction). `by` is who
    handled it: the member, a staff member, or None for an operator at the shell.
    Every archive of the member's earlier copies goes too. Returns the rows each
    section erased and what the member must still be told.
    """
    now = now or timezone.now()
    farewell: list[str] = []
    with transaction.atomic():
        erased = member_data_erase(
            member=member, by=by, delete_public=delete_public, farewell=farewell
        )
        data_exports_purge(member=member, now=now)
        # An export still being prepared would only build an archive of nothing.
        MemberDataRequest.objects.filter(
            member=member,
            kind=MemberDataRequest.Kind.EXPORT,
            status__in=MemberDataRequest.IN_PROGRESS,
        ).update(status=MemberDataRequest.Status.FAILED, handled_at=now)
        MemberDataRequest.objects.create(
            member=member,
            kind=MemberDataRequest.Kind.ERASURE,
            status=MemberDataRequest.Status.DONE,
            requested_at=now,
            deadline=one_month_after(now),
            handled_by=by,
            handled_at=now,
        )
    return erased, farewell
