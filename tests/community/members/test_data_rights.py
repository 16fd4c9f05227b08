"""Members' data rights (GDPR Articles 15, 17, 20): /me/data/, /me/delete/, the admin.

The last test is the issue's own: a member with something in every registered
app is exported, then erased, and afterwards no column of any model in the
database still carries their e-mail address, names or customer references, while
the ledger still sums to zero.
"""

import datetime as dt
import io
import json
import zipfile
from smtplib import SMTPException
from unittest import mock

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import models
from django.db.models import Sum
from django.utils import timezone
from wagtail import hooks

from community.members.data_requests import (
    data_export_build,
    data_export_request,
    one_month_after,
)
from community.members.member_data import (
    MEMBER_DATA_HOOK,
    MemberDataSection,
    member_data_sections,
)
from community.members.models import MemberDataRequest
from community.members.services import member_profile_update
from community.moderation.models import ModerationStatus
from community.moderation.services import report_create
from community.notifications.services import email_preferences_update
from community.reviews.models import Review, ReviewPhoto
from community.reviews.services import review_respond, review_submit, review_vote
from comptoir.background import email_send_later
from marketplace.sales.models import SaleEventConflict
from marketplace.sales.services import sale_events_ingest
from rewards.models import Entry, LedgerTransaction, Payout, Programme
from rewards.selectors import wallet_summary
from rewards.services import (
    batch_mark_paid,
    payout_approve,
    payout_request,
    payouts_export,
    period_close,
    product_originators_set,
    programme_join,
    rewards_release,
)
from tests.factories import MemberFactory, ProductFactory, StoreFactory

from .conftest import PASSWORD, image_upload

pytestmark = pytest.mark.django_db

EMAIL = "zoe.quillard@example.fr"
DISPLAY_NAME = "Zoé Jardin"
FIRST_NAME = "Zoéline"
LAST_NAME = "Quillard"
CARD = "CARTEZQ4242"
HOLDER = f"{FIRST_NAME} {LAST_NAME}"
IBAN = "FR76 3000 6000 0112 3456 7890 189"
OCTOBER = dt.date(2026, 10, 1)


def export_ready(client, django_capture_on_commit_callbacks):
    """Ask for a copy on /me/data/; the immediate task backend builds it."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/me/data/")
    assert response.status_code == 302
    return MemberDataRequest.objects.filter(kind="export").latest("id")


def archive_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


# --- /me/data/ ------------------------------------------------------------------------


def test_the_data_page_needs_a_login(client):
    assert client.get("/me/data/").status_code == 302
    assert client.post("/me/data/").status_code == 302
    assert not MemberDataRequest.objects.exists()


def test_the_profile_page_links_to_both_rights(member_client):
    html = member_client.get("/me/").content.decode()
    assert 'href="/me/data/"' in html and 'href="/me/delete/"' in html


def test_asking_for_a_copy_builds_the_archive_and_emails_the_member(
    member, member_client, django_capture_on_commit_callbacks
):
    # given Marie with an avatar
    member = member_profile_update(
        member=member,
        display_name="Marie Dupont",
        bio="",
        home_store=None,
        loyalty_card_number=None,
        avatar=image_upload(),
    )
    # when she asks for a copy of her data
    request = export_ready(member_client, django_capture_on_commit_callbacks)
    # then it is ready, built section by section, due within a month
    assert request.status == MemberDataRequest.Status.READY
    assert (
        request.progress_done
        == request.progress_total
        == (len(member_data_sections()) + 1)
    )
    assert request.deadline == one_month_after(request.requested_at)
    assert request.expires_at == request.handled_at + dt.timedelta(days=7)
    assert request.handled_by is None
    # and stored in private storage, under a name that says nothing of her
    assert request.archive.storage.location.endswith("-private")
    assert "marie" not in request.archive.name.lower()
    # and she is told by e-mail, with the page's address
    [message] = mail.outbox
    assert message.to == [member.email]
    assert "http://" in message.body and "/me/data/" in message.body
    # and the page offers the download, which holds data.json and her avatar
    html = member_client.get("/me/data/").content.decode()
    download = f"/me/data/{request.pk}/download/"
    assert download in html and "<progress" not in html
    response = member_client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    archive = archive_of(response)
    data = json.loads(archive.read("data.json"))
    assert data["member"]["email"] == member.email
    assert f"profile/{data['sections']['profile']['avatar']}" in archive.namelist()


def test_a_second_copy_is_refused_while_one_is_on_its_way(member, member_client):
    # given a copy already being prepared (a worker has not picked it up yet)
    now = timezone.now()
    MemberDataRequest.objects.create(
        member=member, kind="export", deadline=one_month_after(now), progress_total=3
    )
    # when Marie asks again
    response = member_client.post("/me/data/", follow=True)
    # then she is told, and there is still one request
    assert "already on its way" in response.content.decode()
    assert MemberDataRequest.objects.count() == 1
    with pytest.raises(Exception, match="already on its way"):
        data_export_request(member=member)


def test_the_page_shows_progress_and_refreshes_only_while_running(
    member, member_client
):
    # given a copy half built
    request = MemberDataRequest.objects.create(
        member=member,
        kind="export",
        status="running",
        deadline=one_month_after(timezone.now()),
        progress_done=3,
        progress_total=8,
    )
    # when Marie looks at the page
    html = member_client.get("/me/data/").content.decode()
    # then she sees how far it is, and the page refreshes itself
    assert '<progress id="data-progress" max="8" value="3">' in html
    assert 'http-equiv="refresh"' in html
    assert "Ask for a copy of my data" not in html
    # and once it is ready, the page stops refreshing
    MemberDataRequest.objects.filter(pk=request.pk).update(status="failed")
    html = member_client.get("/me/data/").content.decode()
    assert 'http-equiv="refresh"' not in html
    assert "could not be prepared" in html and "Ask for a copy of my data" in html


def test_progress_is_recorded_on_the_row_section_by_section(
    member, django_capture_on_commit_callbacks
):
    # given a section that looks at the row while it is exported
    seen = []

    def spy_export(spied):
        seen.append(
            MemberDataRequest.objects.get(member=spied, kind="export").progress_done
        )
        return []

    def spy():
        return MemberDataSection(
            name="spy", label="Spy", order=35, export=spy_export, erase=lambda m: 0
        )

    with hooks.register_temporarily(MEMBER_DATA_HOOK, spy):
        names = [section.name for section in member_data_sections()]
        with django_capture_on_commit_callbacks(execute=True):
            request = data_export_request(member=member)
    # then the steps before it were written before it ran
    assert seen == [names.index("spy")]
    request.refresh_from_db()
    assert request.status == "ready"
    assert request.progress_done == len(names) + 1


def test_building_again_changes_nothing(member, django_capture_on_commit_callbacks):
    # given a ready copy
    with django_capture_on_commit_callbacks(execute=True):
        request = data_export_request(member=member)
    request.refresh_from_db()
    archive = request.archive.name
    # when a worker runs the task again (a retried job)
    data_export_build.call(request.pk)
    # then the same archive stays, and no second e-mail leaves
    request.refresh_from_db()
    assert request.archive.name == archive
    assert len(mail.outbox) == 1


def test_a_failing_section_fails_the_request_and_a_new_one_may_be_asked(
    member, member_client, django_capture_on_commit_callbacks
):
    def broken():
        def export(member):
            raise RuntimeError("disk on fire")

        return MemberDataSection(
            name="broken", label="Broken", export=export, erase=lambda m: 0
        )

    with hooks.register_temporarily(MEMBER_DATA_HOOK, broken):
        request = export_ready(member_client, django_capture_on_commit_callbacks)
    assert request.status == "failed" and not request.archive
    assert not mail.outbox
    # and the next request works
    request = export_ready(member_client, django_capture_on_commit_callbacks)
    assert request.status == "ready"


def test_only_the_member_can_download_their_copy(
    member, member_client, client, django_capture_on_commit_callbacks
):
    # given Marie's ready copy
    request = export_ready(member_client, django_capture_on_commit_callbacks)
    url = f"/me/data/{request.pk}/download/"
    member_client.logout()
    # then nobody else opens it: a visitor is sent to log in, another member and
    # even staff get a 404, and an unknown number is a 404 too
    assert client.get(url).status_code == 302
    client.force_login(MemberFactory())
    assert client.get(url).status_code == 404
    client.force_login(MemberFactory(is_staff=True, is_superuser=True))
    assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get(f"/me/data/{request.pk + 1}/download/").status_code == 404
    assert client.get(url).status_code == 200


def test_a_copy_expires_after_seven_days(
    member, member_client, django_capture_on_commit_callbacks
):
    # given Marie's ready copy
    request = export_ready(member_client, django_capture_on_commit_callbacks)
    url = f"/me/data/{request.pk}/download/"
    storage, name = request.archive.storage, request.archive.name
    # a minute before the seventh day ends, it still downloads
    with time_machine.travel(request.expires_at - dt.timedelta(minutes=1)):
        assert member_client.get(url).status_code == 200
    # when she comes back a minute after
    with time_machine.travel(request.expires_at + dt.timedelta(minutes=1)):
        response = member_client.get(url, follow=True)
        # then she is told it expired, and may ask for a new one
        html = response.content.decode()
        assert response.redirect_chain[-1][0] == "/me/data/"
        assert "has expired" in html
        assert "Ask for a copy of my data" in html
        again = export_ready(member_client, django_capture_on_commit_callbacks)
        assert again.pk != request.pk and again.status == "ready"
    # and the purge removes the expired file from storage
    from community.members.data_requests import data_exports_purge

    with django_capture_on_commit_callbacks(execute=True):
        purged = data_exports_purge(now=request.expires_at + dt.timedelta(minutes=1))
    assert purged == 1
    assert not storage.exists(name)


# --- /me/delete/ ----------------------------------------------------------------------


def _programme_join_in_january(member):
    membership = programme_join(member=member, accept_terms=True)
    membership.opted_in_at = timezone.make_aware(dt.datetime(2026, 1, 1))
    membership.save(update_fields=["opted_in_at"])


@pytest.fixture
def reviewer(member):
    """Marie, trusted, in the programme, with a published review with a photo."""
    member.trust_level = 2
    member.date_joined = timezone.now() - dt.timedelta(days=400)
    member.save(update_fields=["trust_level", "date_joined"])
    _programme_join_in_january(member)
    review = review_submit(
        author=member,
        product=ProductFactory(sku="SEC-001"),
        rating=4,
        title="Coupe net",
        body="Une lame qui tient, un ressort solide, je recommande.",
        photos=[image_upload()],
    )
    assert review.status == ModerationStatus.PUBLISHED
    return member


def test_the_erasure_page_says_what_will_happen_first(reviewer, member_client):
    html = member_client.get("/me/delete/").content.decode()
    assert "Your 1 published review stays on its product page" in html
    assert "Your 1 review photo is deleted." in html
    assert "Delete my reviews as well" in html
    assert 'type="password"' in html
    assert "Your account is closed for good" in html


def test_the_erasure_page_needs_a_login(client):
    assert client.get("/me/delete/").status_code == 302


def test_a_wrong_password_erases_nothing(reviewer, member_client):
    # when Marie confirms with a wrong password
    response = member_client.post("/me/delete/", {"password": "not it"})
    # then she is told, and nothing is erased
    assert response.status_code == 400
    assert "This is not your password: nothing was erased." in response.content.decode()
    reviewer.refresh_from_db()
    assert reviewer.is_active and reviewer.display_name == "Marie Dupont"
    assert reviewer.has_usable_password()
    assert ReviewPhoto.objects.filter(review__author=reviewer).exists()
    assert not MemberDataRequest.objects.exists()
    assert member_client.get("/me/").status_code == 200


def test_erasing_logs_out_says_goodbye_and_is_recorded(
    reviewer, member_client, django_capture_on_commit_callbacks
):
    # when Marie confirms with her password
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post("/me/delete/", {"password": PASSWORD})
    # then she lands on the goodbye page, logged out
    assert response.status_code == 302 and response["Location"] == "/me/goodbye/"
    assert (
        "Your account is erased" in member_client.get("/me/goodbye/").content.decode()
    )
    assert member_client.get("/me/").status_code == 302
    # and her review stays, signed "former member", without its photo
    review = Review.objects.get(author=reviewer)
    assert review.status == ModerationStatus.PUBLISHED and review.title == "Coupe net"
    assert not ReviewPhoto.objects.filter(review=review).exists()
    # and the erasure is recorded as handled by her, at once
    [request] = MemberDataRequest.objects.all()
    assert (request.kind, request.status) == ("erasure", "done")
    assert request.handled_by_id == reviewer.pk
    assert request.handled_at == request.requested_at
    reviewer.refresh_from_db()
    assert reviewer.display_name == f"Former member #{reviewer.pk}"


def test_a_member_may_choose_to_delete_their_reviews(
    reviewer, member_client, django_capture_on_commit_callbacks
):
    # when Marie ticks "delete my reviews" and confirms
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(
            "/me/delete/", {"password": PASSWORD, "delete_reviews": "on"}
        )
    # then her review is withdrawn and nothing she wrote is left in it
    review = Review.objects.get(author=reviewer)
    assert review.status == ModerationStatus.REMOVED
    assert (review.title, review.body) == ("", "")


def test_an_erasure_with_an_earlier_copy_deletes_the_copy(
    reviewer, member_client, django_capture_on_commit_callbacks
):
    request = export_ready(member_client, django_capture_on_commit_callbacks)
    storage, name = request.archive.storage, request.archive.name
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post("/me/delete/", {"password": PASSWORD})
    request.refresh_from_db()
    assert not request.archive and not storage.exists(name)


@pytest.fixture
def earner(reviewer):
    """Marie earned €30.00 as the originator of a product, now available."""
    product = ProductFactory(sku="PLANTER-1")
    product_originators_set(product=product, shares={reviewer: 10_000})
    result = sale_events_ingest(
        client=None,
        rows=[
            {
                "id": "EV-1",
                "type": "sale",
                "sku": "PLANTER-1",
                "quantity": 1,
                "amount_cents": 300_000,
                "channel": "online",
                "occurred_at": "2026-10-05T10:00:00+02:00",
            }
        ],
    )
    assert not result.errors
    period_close(month=OCTOBER)
    rewards_release(now=timezone.now() + dt.timedelta(days=31))
    assert wallet_summary(member_id=reviewer.pk).available_cents == 3_000
    return reviewer


def test_the_balance_is_paid_as_a_voucher_when_the_programme_says_so(
    earner, member_client, django_capture_on_commit_callbacks
):
    # given the programme's default rule, stated before confirming
    html = member_client.get("/me/delete/").content.decode()
    assert "Your rewards balance of €30.00" in html
    assert "paid out as a store-credit voucher" in html
    # when Marie erases her account
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post("/me/delete/", {"password": PASSWORD})
    # then the voucher's code is on the goodbye page, and the ledger balances
    voucher = Payout.objects.get(member=earner, method="voucher")
    assert voucher.amount_cents == 3_000
    html = member_client.get("/me/goodbye/").content.decode()
    assert voucher.voucher_code in html
    assert Entry.objects.aggregate(total=Sum("amount_cents"))["total"] == 0
    wallet = wallet_summary(member_id=earner.pk)
    assert (wallet.pending_cents, wallet.available_cents) == (0, 0)


def test_the_balance_is_forfeited_when_the_programme_says_so(
    earner, member_client, django_capture_on_commit_callbacks
):
    # given a programme version that forfeits the balance of erased accounts
    Programme.objects.create(
        in_force_from=dt.date(2026, 11, 1),
        balance_on_erasure=Programme.BalanceOnErasure.FORFEIT,
    )
    html = member_client.get("/me/delete/").content.decode()
    assert "is forfeited, as the programme" in html
    # when Marie erases her account
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post("/me/delete/", {"password": PASSWORD})
    # then one balanced transaction gives it back to the programme, no voucher
    forfeit = LedgerTransaction.objects.get(kind="forfeit")
    assert sorted(forfeit.entries.values_list("amount_cents", flat=True)) == [
        -3_000,
        3_000,
    ]
    assert not Payout.objects.filter(member=earner, method="voucher").exists()
    assert Entry.objects.aggregate(total=Sum("amount_cents"))["total"] == 0
    assert wallet_summary(member_id=earner.pk).available_cents == 0


def test_a_transfer_under_way_is_told_and_refuses_the_erasure(earner, member_client):
    payout_request(
        member=earner,
        method="transfer",
        amount_cents=2_000,
        request_key="t",
        iban=IBAN,
        account_holder=HOLDER,
    )
    html = member_client.get("/me/delete/").content.decode()
    assert "A bank transfer of €20.00 to you is still under way" in html
    response = member_client.post("/me/delete/", {"password": PASSWORD})
    assert response.status_code == 400
    assert "still under way" in response.content.decode()
    earner.refresh_from_db()
    assert earner.is_active
    assert not MemberDataRequest.objects.exists()


# --- The admin ------------------------------------------------------------------------


def _staff(client, *, permission: bool):
    staff = MemberFactory(is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(
            codename="access_admin", content_type__app_label="wagtailadmin"
        )
    )
    if permission:
        staff.user_permissions.add(
            Permission.objects.get(codename="handle_data_requests")
        )
    client.force_login(staff)
    return staff


def test_the_admin_lists_requests_with_deadlines_overdue_marked(client, member):
    # given a request answered in time and one left open past its deadline
    now = timezone.now()
    late = now - dt.timedelta(days=40)
    MemberDataRequest.objects.create(
        member=member,
        kind="erasure",
        status="done",
        requested_at=now,
        deadline=one_month_after(now),
        handled_by=member,
        handled_at=now,
    )
    overdue = MemberDataRequest.objects.create(
        member=member, kind="export", requested_at=late, deadline=one_month_after(late)
    )
    _staff(client, permission=True)
    # when staff open the list
    response = client.get("/admin/members/data-requests/")
    # then both are there, with who handled them, the late one highlighted
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="data-request-overdue"') == 1
    assert f"<td>{overdue.pk}</td>" in html
    assert "overdue" in html and "Marie Dupont" in html
    # and the menu shows the item
    assert "/admin/members/data-requests/" in client.get("/admin/").content.decode()


def test_the_admin_list_pages(client, member):
    now = timezone.now()
    MemberDataRequest.objects.bulk_create(
        MemberDataRequest(
            member=member,
            kind="erasure",
            status="done",
            requested_at=now - dt.timedelta(minutes=i),
            deadline=one_month_after(now),
        )
        for i in range(55)
    )
    _staff(client, permission=True)
    first = client.get("/admin/members/data-requests/").content.decode()
    assert "Page 1 of 2" in first
    second = client.get("/admin/members/data-requests/?p=2").content.decode()
    assert "Page 2 of 2" in second
    body = second.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr") == 5


def test_staff_without_the_permission_do_not_see_the_requests(client, member):
    _staff(client, permission=False)
    response = client.get("/admin/members/data-requests/")
    assert response.status_code in (302, 403)
    assert "data-request" not in response.content.decode()
    assert "/admin/members/data-requests/" not in client.get("/admin/").content.decode()


def test_an_erasure_at_the_shell_is_recorded_too(client, member):
    # when an operator erases Marie's account with the command
    call_command("member_data", "erase", member.email, "--yes", stdout=io.StringIO())
    # then the request is recorded, handled by nobody on the site
    [request] = MemberDataRequest.objects.all()
    assert (request.kind, request.status, request.handled_by) == (
        "erasure",
        "done",
        None,
    )
    _staff(client, permission=True)
    html = client.get("/admin/members/data-requests/").content.decode()
    assert "an operator, at the shell" in html


def test_one_month_after_keeps_the_day_or_takes_the_months_last():
    at = dt.datetime(2027, 1, 31, 9, tzinfo=dt.UTC)
    assert one_month_after(at) == dt.datetime(2027, 2, 28, 9, tzinfo=dt.UTC)
    at = dt.datetime(2026, 12, 15, 9, tzinfo=dt.UTC)
    assert one_month_after(at) == dt.datetime(2027, 1, 15, 9, tzinfo=dt.UTC)


# --- The end-to-end test ------------------------------------------------------

SCANNED_TYPES = {
    "CharField",
    "TextField",
    "EmailField",
    "SlugField",
    "URLField",
    "JSONField",
    "FileField",
    "ImageField",
    "FilePathField",
    "GenericIPAddressField",
}


def rows_carrying(needles: list[str]) -> list[str]:
    """Every (model, column, row) of the whole database whose text holds a needle.

    Generic on purpose: every model of every installed app, every text, character,
    e-mail, slug, file and JSON column, so an app added later that keeps a
    member's e-mail address fails this test without anyone editing it.
    """
    lowered = [needle.lower() for needle in needles]
    found, scanned = [], set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue
        fields = [
            field
            for field in model._meta.concrete_fields
            if field.get_internal_type() in SCANNED_TYPES
            or isinstance(field, models.JSONField)
        ]
        if not fields:
            continue
        scanned.add(model._meta.label)
        names = [field.attname for field in fields]
        for row in model._base_manager.values_list("pk", *names).iterator():
            for name, value in zip(names, row[1:], strict=True):
                if value in (None, ""):
                    continue
                text = (
                    value
                    if isinstance(value, str)
                    else json.dumps(value, ensure_ascii=False, default=str)
                ).lower()
                for needle in lowered:
                    if needle in text:
                        found.append(f"{model._meta.label}.{name} #{row[0]}: {needle}")
    # The scan saw the apps that hold member data, not an empty list of models.
    assert {
        "members.User",
        "account.EmailAddress",
        "sales.SaleEvent",
        "sales.SaleEventConflict",
        "rewards.Payout",
        "moderation.Report",
        "notifications.Notification",
        "sessions.Session",
    } <= scanned
    return found


def sale(event_id, sku, amount, customer_ref, day):
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


@pytest.fixture
def everywhere(django_capture_on_commit_callbacks):
    """Zoé, with something in every registered app, and Paul, who stays."""
    store = StoreFactory(code="lyon-1", name="Comptoir Lyon")
    staff = MemberFactory(
        email="equipe@comptoir.example", is_staff=True, is_superuser=True
    )
    shears = ProductFactory(sku="SEC-001", name="Sécateur Pro", slug="secateur")
    ProductFactory(sku="TUY-002", name="Tuyau 20 m", slug="tuyau")
    paul = MemberFactory(email="paul@example.fr", display_name="Paul Beche")
    paul.trust_level = 2
    paul.save(update_fields=["trust_level"])
    zoe = MemberFactory(
        email=EMAIL,
        display_name=DISPLAY_NAME,
        first_name=FIRST_NAME,
        last_name=LAST_NAME,
        trust_level=2,
        date_joined=timezone.now() - dt.timedelta(days=400),
    )
    # e-mail address, profile, avatar, home store, loyalty card
    EmailAddress.objects.create(user=zoe, email=EMAIL, verified=True, primary=True)
    zoe = member_profile_update(
        member=zoe,
        display_name=DISPLAY_NAME,
        bio=f"{FIRST_NAME}, jardinière à Lyon.",
        home_store=store,
        loyalty_card_number=CARD,
        avatar=image_upload(name=f"{FIRST_NAME}-{LAST_NAME}.jpg"),
    )
    # e-mail choices
    email_preferences_update(member=zoe, choices={"digests": False})
    # purchases linked by e-mail (another case) and by card; a resend that
    # disagrees on the customer, kept as a conflict for the retailer
    rows = [
        sale("EV-Z1", "SEC-001", 300_000, EMAIL.upper(), 5),
        sale("EV-Z2", "TUY-002", 3_990, CARD, 6),
        sale("EV-P1", "SEC-001", 2_500, "paul@example.fr", 7),
    ]
    assert not sale_events_ingest(client=None, rows=rows).errors
    resend = sale_events_ingest(
        client=None, rows=[sale("EV-Z2", "TUY-002", 3_990, EMAIL, 6)]
    )
    assert resend.conflicts
    # reviews with photos (both published), the shop's answer (a notification)
    with django_capture_on_commit_callbacks(execute=True):
        zoe_review = review_submit(
            author=zoe,
            product=shears,
            rating=5,
            title="Coupe net",
            body="Je taille mes rosiers depuis un mois sans effort.",
            photos=[image_upload(name=f"jardin-{LAST_NAME}.jpg")],
        )
        paul_review = review_submit(
            author=paul,
            product=shears,
            rating=2,
            title="Achetez ailleurs",
            body="Visitez mon site pour des promotions.",
        )
        review_respond(review=zoe_review, staff_member=staff, body="Merci !")
    # a vote and a report on Paul's review
    review_vote(review=paul_review, voter=zoe, helpful=False)
    report_create(
        reporter=zoe,
        content=paul_review,
        reason="spam",
        note=f"Signalé par {DISPLAY_NAME} ({EMAIL}).",
    )
    # programme membership, earnings, a voucher and a paid bank transfer
    _programme_join_in_january(zoe)
    product_originators_set(product=shears, shares={zoe: 10_000})
    period_close(month=OCTOBER)
    rewards_release(now=timezone.now() + dt.timedelta(days=31))
    with django_capture_on_commit_callbacks(execute=True):
        payout_request(
            member=zoe, method="voucher", amount_cents=1_000, request_key="v"
        )
        transfer = payout_request(
            member=zoe,
            method="transfer",
            amount_cents=1_000,
            request_key="t",
            iban=IBAN,
            account_holder=HOLDER,
        )
        payout_approve(payout=transfer, by=staff)
        batch_mark_paid(batch=payouts_export(by=staff), by=staff)
    # an e-mail to her that the mail server refused every time, kept for the admins
    refused = mock.patch.object(
        EmailMessage, "send", side_effect=SMTPException("550 refused")
    )
    with refused:
        email_send_later(
            EmailMessage(
                subject="Votre avis est publié",
                body=f"Bonjour {FIRST_NAME},",
                to=[EMAIL],
            )
        )
    return {"zoe": zoe, "paul": paul, "zoe_review": zoe_review}


def test_a_member_in_every_app_is_exported_whole_then_erased_without_a_trace(
    everywhere, client, django_capture_on_commit_callbacks
):
    zoe = everywhere["zoe"]
    photo = everywhere["zoe_review"].photos.get().stored_file.name
    client.force_login(zoe)

    # when Zoé asks for a copy of her data and downloads it
    request = export_ready(client, django_capture_on_commit_callbacks)
    archive = archive_of(client.get(f"/me/data/{request.pk}/download/"))
    data = json.loads(archive.read("data.json"))
    # then every registered section is in it, each holding something of hers
    names = [section.name for section in member_data_sections()]
    assert list(data["sections"]) == names
    for name in names:
        assert data["sections"][name], f"section {name!r} exported nothing"
    sections = data["sections"]
    assert sections["profile"]["email"] == EMAIL
    assert [r["title"] for r in sections["reviews"]["reviews"]] == ["Coupe net"]
    assert [v["helpful"] for v in sections["reviews"]["votes"]] == [False]
    assert [r["reason"] for r in sections["moderation"]["reports_made"]] == ["spam"]
    assert sections["notifications"]
    assert sections["rewards"]["membership"] is not None
    assert {p["method"] for p in sections["rewards"]["payouts"]} == {
        "voucher",
        "transfer",
    }
    assert {p["id"] for p in sections["purchases"]} == {"EV-Z1", "EV-Z2"}
    assert sections["email_preferences"]["digests"] is False
    assert [e["subject"] for e in sections["emails_waiting"]] == [
        "Votre avis est publié"
    ]
    # and the original photo and avatar are in the ZIP, next to data.json
    assert f"reviews/{photo}" in archive.namelist()
    assert f"profile/{sections['profile']['avatar']}" in archive.namelist()

    # when she erases her account
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/me/delete/", {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]

    # then no column of any model still carries her e-mail, names or references
    assert (
        rows_carrying([EMAIL, DISPLAY_NAME, FIRST_NAME, LAST_NAME, CARD, "zoe-jardin"])
        == []
    )
    # while the ledger still sums to zero, transaction by transaction
    assert Entry.objects.aggregate(total=Sum("amount_cents"))["total"] == 0
    unbalanced = (
        Entry.objects.order_by()
        .values("transaction_id")
        .annotate(total=Sum("amount_cents"))
        .exclude(total=0)
    )
    assert not unbalanced.exists()
    # and Paul keeps everything of his
    paul = everywhere["paul"]
    paul.refresh_from_db()
    assert paul.email == "paul@example.fr" and paul.display_name == "Paul Beche"
    assert SaleEventConflict.objects.get(external_id="EV-Z2").fields == ["customer_ref"]
