"""Seller reporting (EU DAC7): counts and totals per calendar year, the thresholds at
their edges, the tax details asked before the next payout, the managers' report."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from marketplace.resale import dac7
from marketplace.resale.models import Handoff, HandoffStatus, Listing, ListingState
from rewards.services import payout_request, programme_join
from tests.factories import MemberFactory

from .fixtures import NOW

YEAR = NOW.year


def sold(seller, buyer, store, *, count, cents, when=None):
    """`count` hand-offs confirmed at `store`, each paid `cents`."""
    when = when or NOW - dt.timedelta(days=3)
    for number in range(count):
        listing = Listing.objects.create(
            seller=seller,
            title=f"Outil {number}",
            description="Bon état.",
            price_cents=cents,
            condition="good",
            state=ListingState.SOLD,
            status="published",
        )
        Handoff.objects.create(
            listing=listing,
            buyer=buyer,
            seller=seller,
            store=store,
            day=when.date(),
            price_cents=cents,
            paid_cents=cents,
            code=f"T{seller.pk:03d}{number:04d}",
            status=HandoffStatus.HANDED_OVER,
            reserved_at=when,
            lapses_at=when,
            ended_at=when,
        )


@pytest.mark.parametrize(
    ("count", "cents", "reportable", "warned"),
    [
        (29, 100, False, True),
        (30, 100, True, True),
        (24, 100, False, False),
        (25, 100, False, True),
        (1, 199_999, False, True),
        (1, 200_000, True, True),
        (1, 149_999, False, False),
        (1, 150_000, False, True),
    ],
)
def test_thresholds_at_their_edges(
    seller, buyer, store, count, cents, reportable, warned
):
    sold(seller, buyer, store, count=count, cents=cents)
    figure = dac7.seller_year(member=seller, year=YEAR)
    assert (figure.sales, figure.total_cents) == (count, count * cents)
    assert (figure.reportable, figure.warned) == (reportable, warned)


def test_a_sale_counts_in_the_year_of_the_shop_s_calendar(seller, buyer, store):
    # 00:30 on 1 January in Paris is still 31 December in UTC
    new_year = timezone.make_aware(dt.datetime(YEAR + 1, 1, 1, 0, 30))
    sold(seller, buyer, store, count=1, cents=5000, when=new_year)
    assert dac7.seller_year(member=seller, year=YEAR).sales == 0
    assert dac7.seller_year(member=seller, year=YEAR + 1).sales == 1


def test_a_reportable_seller_gives_details_before_the_next_payout(seller, buyer, store):
    sold(seller, buyer, store, count=30, cents=1000)
    programme_join(member=seller, accept_terms=True)
    from rewards.services import ledger_post

    ledger_post(
        key="test:credit",
        kind="resale_credit",
        lines=[("resale_till", None, -3000), ("available", seller, 3000)],
        details={"title": "Outil", "price": 3000},
    )
    with pytest.raises(ValidationError, match="DAC7"):
        payout_request(
            member=seller, method="voucher", amount_cents=2000, request_key="p1"
        )
    assert "give your tax details" in dac7.warning_sentence(seller)

    with pytest.raises(ValidationError) as refused:
        dac7.tax_details_save(
            member=seller,
            legal_name="S",
            birth_date=dt.date(2020, 1, 1),
            address="court",
            tax_number="12 34",
        )
    assert set(refused.value.message_dict) == {
        "legal_name",
        "birth_date",
        "address",
        "tax_number",
    }
    dac7.tax_details_save(
        member=seller,
        legal_name="Sacha Martin",
        birth_date=dt.date(1985, 4, 2),
        address="3 rue des Lilas\n69003 Lyon",
        tax_number="30 23 217 600 053",
    )
    payout = payout_request(
        member=seller, method="voucher", amount_cents=2000, request_key="p1"
    )
    assert payout.voucher_code


def test_the_tax_details_page_keeps_what_was_typed_on_a_mistake(client, seller):
    client.force_login(seller)
    url = reverse("resale:tax_details")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "legal_name": "Sacha Martin",
            "birth_date": "2020-01-01",
            "address": "3 rue des Lilas, 69003 Lyon",
            "tax_number": "3023217600053",
        },
    )
    assert response.status_code == 400
    assert "16 or over" in response.content.decode()
    assert "3 rue des Lilas" in response.content.decode()
    response = client.post(
        url,
        {
            "legal_name": "Sacha Martin",
            "birth_date": "1985-04-02",
            "address": "3 rue des Lilas, 69003 Lyon",
            "tax_number": "3023217600053",
        },
    )
    assert response.status_code == 302
    assert seller.resale_tax_details.tax_number == "3023217600053"


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("resale:tax_details"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_managers_download_the_year_s_report_of_reportable_sellers(
    client, seller, buyer, store
):
    sold(seller, buyer, store, count=30, cents=1000)
    sold(buyer, seller, store, count=3, cents=1000)
    dac7.tax_details_save(
        member=seller,
        legal_name="=HYPERLINK(evil)",
        birth_date=dt.date(1985, 4, 2),
        address="3 rue des Lilas\n69003 Lyon",
        tax_number="3023217600053",
    )
    manager = MemberFactory(email="gestion@example.com", is_staff=True)
    manager.groups.add(Group.objects.get(name="Rewards managers"))
    client.force_login(manager)
    page = client.get(reverse("resale_admin:sellers"), {"year": YEAR})
    assert page.status_code == 200
    assert "Reportable, details given" in page.content.decode()

    response = client.get(
        reverse("resale_admin:sellers"), {"year": YEAR, "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == dac7.REPORT_COLUMNS
    assert len(rows) == 2  # the buyer's 3 sales are below the thresholds
    assert rows[1][2] == "'=HYPERLINK(evil)"
    assert rows[1][6:] == ["30", "300.00", str(YEAR)]


def test_only_rewards_managers_see_the_figures(client, seller):
    client.force_login(seller)
    response = client.get(reverse("resale_admin:sellers"))
    assert response.status_code in (302, 403)
