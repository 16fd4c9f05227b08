"""The wallet offers a payout only from the minimum, and says how far away it is."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from rewards.models import Payout, Programme
from rewards.services import period_close, product_originators_set, rewards_release
from rewards.views import payout_shortfall_cents
from tests.factories import MemberFactory, ProductFactory

from .conftest import at, ingest, member_joined, sale_row

pytestmark = pytest.mark.django_db

PAYOUT_FORM = 'action="/me/wallet/payout/"'


def _earn(member, *, net_cents, release=True):
    """The member originated a product that sold `net_cents` in October 2026: at
    the default 1 % they earn a hundredth of it, available once released."""
    product = ProductFactory()
    product_originators_set(product=product, shares={member: 10_000})
    ingest([sale_row(product.sku, net_cents, at(2026, 10, 5))])
    period_close(month=dt.date(2026, 10, 1))
    if release:
        rewards_release(now=timezone.now() + dt.timedelta(days=31))


def _wallet(client, member) -> str:
    client.force_login(member)
    response = client.get("/me/wallet/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def _get_paid(page: str) -> str:
    return re.search(
        r'<section class="card" aria-labelledby="payout-title">.*?</section>',
        page,
        re.S,
    ).group(0)


def test_below_the_minimum_the_wallet_says_how_far_away_it_is(client):
    # given €6.80 available and the default €10.00 minimum
    member = member_joined()
    _earn(member, net_cents=68_000)

    # when the member opens their wallet
    section = _get_paid(_wallet(client, member))

    # then there is no form, but the amount still to earn and the minimum
    assert PAYOUT_FORM not in section
    assert "€3.20 more to request a payout; the minimum is €10.00." in section


def test_from_the_minimum_the_form_is_offered(client):
    member = member_joined()
    _earn(member, net_cents=100_000)

    section = _get_paid(_wallet(client, member))

    assert PAYOUT_FORM in section
    assert "From €10.00 of available money." in section
    assert "more to request a payout" not in section


def test_the_programme_sets_the_minimum(client):
    Programme.objects.create(in_force_from=dt.date(2026, 1, 1), min_payout_cents=500)
    member = member_joined()
    _earn(member, net_cents=68_000)

    section = _get_paid(_wallet(client, member))

    assert PAYOUT_FORM in section
    assert "From €5.00 of available money." in section


def test_money_still_pending_is_named_with_the_hold_period(client):
    # given €12.00 earned but still in the hold period
    member = member_joined()
    _earn(member, net_cents=120_000, release=False)

    section = _get_paid(_wallet(client, member))

    assert PAYOUT_FORM not in section
    assert "€10.00 more to request a payout; the minimum is €10.00." in section
    assert (
        "€12.00 is pending: it becomes available 30 days after the monthly close "
        "that counted it." in section
    )


def test_a_minimum_of_zero_offers_no_form_for_an_empty_wallet(client):
    Programme.objects.create(in_force_from=dt.date(2026, 1, 1), min_payout_cents=0)
    member = member_joined()

    section = _get_paid(_wallet(client, member))

    assert PAYOUT_FORM not in section
    assert "Nothing is available to pay out yet." in section


def test_a_request_below_the_minimum_is_refused_with_its_reason(client):
    # given a member whose wallet holds less than the minimum, posting anyway
    # (an old tab, or a form sent by hand)
    member = member_joined()
    _earn(member, net_cents=68_000)
    client.force_login(member)

    response = client.post(
        "/me/wallet/payout/",
        {"method": "voucher", "amount": "6.80", "request_key": "old-tab"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    # then nothing is paid, and the page says why and how far away the minimum is
    page = response.content.decode()
    assert response.status_code == 400
    assert "The minimum payout is €10.00." in page
    assert "€3.20 more to request a payout; the minimum is €10.00." in page
    assert Payout.objects.count() == 0


def test_a_visitor_outside_the_programme_sees_no_payout_part(client):
    page = _wallet(client, MemberFactory())

    assert "Join the rewards programme" in page
    assert PAYOUT_FORM not in page
    assert "more to request a payout" not in page


@pytest.mark.parametrize(
    ("available", "minimum", "shortfall"),
    [(680, 1000, 320), (1000, 1000, 0), (2500, 1000, 0), (0, 1000, 1000), (-50, 0, 50)],
)
def test_the_shortfall_is_what_the_minimum_lacks(available, minimum, shortfall):
    assert (
        payout_shortfall_cents(available_cents=available, minimum_cents=minimum)
        == shortfall
    )
