import datetime as dt

import pytest
from django.utils import timezone

from rewards.models import Payout, ProgrammeMembership
from rewards.services import (
    payout_request,
    period_close,
    product_originators_set,
    rewards_release,
)
from tests.factories import MemberFactory, ProductFactory

from .conftest import at, ingest, member_joined, sale_row

pytestmark = pytest.mark.django_db

IBAN = "FR7630006000011234567890189"


def _earn(member, *, products=1, month=dt.date(2026, 10, 1)):
    for n in range(products):
        product = ProductFactory(name=f'Sécateur, modèle "{n}"')
        product_originators_set(product=product, shares={member: 10_000})
        ingest([sale_row(product.sku, 300_000, at(month.year, month.month, 5))])
    period_close(month=month)
    rewards_release(now=timezone.now() + dt.timedelta(days=31))


def test_anonymous_visitors_are_sent_to_log_in(client):
    for url in ("/me/wallet/", "/me/wallet/statement.csv", "/me/wallet/payouts/1/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_member_opts_in_by_accepting_the_terms(client):
    member = MemberFactory()
    client.force_login(member)
    page = client.get("/me/wallet/")
    assert b"Join the rewards programme" in page.content
    refused = client.post("/me/wallet/join/", {})
    assert refused.status_code == 400
    assert b"Accept the programme" in refused.content
    assert not ProgrammeMembership.objects.filter(member=member).exists()
    joined = client.post("/me/wallet/join/", {"accept_terms": "on"})
    assert joined.status_code == 302
    assert ProgrammeMembership.objects.filter(member=member).exists()


def test_wallet_shows_balances_and_explained_lines(client):
    member = member_joined()
    _earn(member)
    client.force_login(member)
    page = client.get("/me/wallet/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert "net sales of Sécateur, modèle &quot;0&quot; in October 2026" in text
    assert "released after the hold period" in text
    assert 'id="wallet-available">€30.00' in text


def test_statement_csv_quotes_text_and_writes_decimal_amounts(client):
    member = member_joined()
    _earn(member)
    client.force_login(member)
    response = client.get("/me/wallet/statement.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = response.content.decode().splitlines()
    assert rows[0] == "date,description,pending,available"
    assert rows[-1].endswith(",30.00,0.00")
    assert '"1\xa0% of €3,000.00 net sales of Sécateur, modèle ""0"" in' in rows[-1]


def test_wallet_query_count_does_not_grow_with_lines(client, django_assert_num_queries):
    small, large = member_joined(), member_joined()
    product_sets = {small: 1, large: 8}
    for member, count in product_sets.items():
        for n in range(count):
            product = ProductFactory()
            product_originators_set(product=product, shares={member: 10_000})
            ingest([sale_row(product.sku, 100_000 + n, at(2026, 10, 5))])
    period_close(month=dt.date(2026, 10, 1))
    counts = []
    for member in (small, large):
        client.force_login(member)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get("/me/wallet/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_payout_form_takes_a_voucher_once_even_if_sent_twice(client):
    member = member_joined()
    _earn(member)
    client.force_login(member)
    form = {"method": "voucher", "amount": "12,50", "request_key": "abc123"}
    first = client.post("/me/wallet/payout/", form)
    second = client.post("/me/wallet/payout/", form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    payout = Payout.objects.get()
    assert payout.amount_cents == 1250
    detail = client.get(first["Location"])
    assert payout.voucher_code.encode() in detail.content


def test_payout_form_errors_are_shown_not_raised(client):
    member = member_joined()
    _earn(member)
    client.force_login(member)
    for form, message in [
        ({"method": "voucher", "amount": "abc"}, b"Write an amount in euros"),
        ({"method": "voucher", "amount": "5"}, b"minimum payout"),
        ({"method": "voucher", "amount": "999"}, b"available"),
        ({"method": "voucher", "amount": "10.001"}, b"to the cent"),
        (
            {"method": "transfer", "amount": "10", "iban": "FR76 1234"},
            b"IBAN",
        ),
        ({"method": "cheque", "amount": "10"}, b"Select a valid choice"),
    ]:
        response = client.post("/me/wallet/payout/", {**form, "request_key": "k"})
        assert response.status_code == 400, form
        assert message in response.content, form
    assert Payout.objects.count() == 0


def test_members_see_only_their_own_vouchers(client):
    owner = member_joined()
    _earn(owner)
    payout = payout_request(
        member=owner, method="voucher", amount_cents=1000, request_key="x"
    )
    client.force_login(member_joined())
    response = client.get(f"/me/wallet/payouts/{payout.pk}/")
    assert response.status_code == 404
    assert payout.voucher_code.encode() not in client.get("/me/wallet/").content


def test_transfer_request_through_the_form(client):
    member = member_joined()
    _earn(member)
    client.force_login(member)
    response = client.post(
        "/me/wallet/payout/",
        {
            "method": "transfer",
            "amount": "30",
            "iban": "fr76 3000 6000 0112 3456 7890 189",
            "account_holder": "Alice Martin",
            "request_key": "t1",
        },
    )
    assert response.status_code == 302
    payout = Payout.objects.get()
    assert (payout.status, payout.iban) == (Payout.Status.REQUESTED, IBAN)


# --- Rewards managers' admin views ----------------------------------------------

ADMIN_PAGES = [
    "/admin/rewards/",
    "/admin/rewards/payouts/",
    "/admin/rewards/members/",
    "/admin/rewards/report/",
    "/admin/rewards/report/?year=2026&format=csv",
    "/admin/rewards/orphan-refunds/",
    "/admin/rewards/orphan-refunds/?all=1",
    "/admin/snippets/rewards/programme/",
    "/admin/snippets/rewards/productorigin/",
    "/admin/snippets/rewards/ledgertransaction/",
]


def test_admin_pages_load_for_a_rewards_manager(client, manager):
    member = member_joined()
    _earn(member)
    client.force_login(manager)
    for url in ADMIN_PAGES + [f"/admin/rewards/members/{member.pk}/"]:
        assert client.get(url).status_code == 200, url
    report = client.get("/admin/rewards/report/?year=2026&format=csv")
    assert "30.00" in report.content.decode()


def test_admin_pages_are_refused_to_a_plain_member(client):
    member = member_joined()
    client.force_login(member)
    for url in ADMIN_PAGES:
        response = client.get(url)
        assert response.status_code in (302, 403), url
    staff = MemberFactory(is_staff=True)
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(staff)
    assert client.get("/admin/rewards/").status_code in (302, 403)
    assert client.post("/admin/rewards/", {"month": "2026-10"}).status_code in (
        302,
        403,
    )


def test_manager_closes_a_month_with_the_button(client, manager):
    member = member_joined()
    product = ProductFactory()
    product_originators_set(product=product, shares={member: 10_000})
    ingest([sale_row(product.sku, 100_000, at(2026, 10, 5))])
    client.force_login(manager)
    response = client.post("/admin/rewards/", {"month": "2026-10"})
    assert response.status_code == 302
    again = client.post("/admin/rewards/", {"month": "2026-10"}, follow=True)
    assert b"already closed" in again.content
    wrong = client.post("/admin/rewards/", {"month": "2026-08"})
    assert wrong.status_code == 400
    assert b"next one to close is 2026-11" in wrong.content


def test_manager_leaves_a_close_to_a_background_worker(
    client, manager, django_capture_on_commit_callbacks
):
    from comptoir.models import BackgroundJob
    from rewards.models import Period

    member = member_joined()
    product = ProductFactory()
    product_originators_set(product=product, shares={member: 10_000})
    ingest([sale_row(product.sku, 100_000, at(2026, 10, 5))])
    client.force_login(manager)
    wrong = client.post("/admin/rewards/", {"month": "2026-13", "background": "1"})
    assert wrong.status_code == 400
    assert not BackgroundJob.objects.exists()
    # The test settings run jobs as soon as the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/rewards/", {"month": "2026-10", "background": "1"}, follow=True
        )
    assert b"is queued" in response.content
    job = BackgroundJob.objects.get()
    assert job.summary == "2026-10"
    assert Period.objects.get().month.isoformat() == "2026-10-01"
    # Asking again for the same month starts no second job.
    client.post("/admin/rewards/", {"month": "2026-10", "background": "1"})
    assert BackgroundJob.objects.count() == 1


def test_manager_works_the_payout_queue(client, manager):
    member = member_joined()
    _earn(member)
    payout = payout_request(
        member=member,
        method="transfer",
        amount_cents=2000,
        request_key="t",
        iban=IBAN,
        account_holder="Alice",
    )
    client.force_login(manager)
    assert IBAN.encode() in client.get("/admin/rewards/payouts/").content
    client.post(f"/admin/rewards/payouts/{payout.pk}/", {"action": "approve"})
    client.post("/admin/rewards/batches/export/")
    payout.refresh_from_db()
    assert payout.status == Payout.Status.EXPORTED
    csv_text = client.get(f"/admin/rewards/batches/{payout.batch_id}.csv").content
    assert b"20.00" in csv_text
    client.post(f"/admin/rewards/batches/{payout.batch_id}/paid/")
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID


def test_originator_shares_must_add_up_in_the_admin_form(client, manager):
    product = ProductFactory()
    alice, bob = member_joined(), member_joined()
    client.force_login(manager)
    data = {
        "product": product.pk,
        "note": "",
        "originators-TOTAL_FORMS": "2",
        "originators-INITIAL_FORMS": "0",
        "originators-MIN_NUM_FORMS": "0",
        "originators-MAX_NUM_FORMS": "1000",
        "originators-0-member": alice.pk,
        "originators-0-share_bp": "5000",
        "originators-0-ORDER": "1",
        "originators-1-member": bob.pk,
        "originators-1-share_bp": "4000",
        "originators-1-ORDER": "2",
    }
    url = "/admin/snippets/rewards/productorigin/add/"
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert b"must add up to" in refused.content
    data["originators-1-share_bp"] = "5000"
    accepted = client.post(url, data)
    assert accepted.status_code == 302
    assert product.origin.originators.count() == 2
