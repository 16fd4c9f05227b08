"""Six months of sales and refunds, sent through the real ingest service.

The rows have the shape the retailer's tills and web shop send to the API, so the
demo exercises the same validation, member linking and idempotency as production.
"""

import datetime as dt
import random

from django.utils import timezone

from comptoir.progress import Progress
from marketplace.integrations.models import ApiClient
from marketplace.integrations.services import api_client_create
from marketplace.sales.models import SaleEvent
from marketplace.sales.services import sale_events_ingest

from .catalog_data import catalog_rows
from .errors import DemoError
from .members import MEMBERS, home_store_codes, loyalty_numbers, member_email
from .stores import STORES

DEMO_CLIENT = "demo-caisses"
BATCH_SIZE = 1000
DAYS = 182
REFUND_SHARE = 0.05


class DemoSalesError(DemoError):
    """The service refused demo rows: a bug in the demo data, not in the data sent."""


def _demo_client() -> ApiClient:
    client = ApiClient.objects.filter(name=DEMO_CLIENT).first()
    if client is None:
        # The token is thrown away: the client only says where the events came from.
        client, _token = api_client_create(name=DEMO_CLIENT, scopes=["sales:write"])
    return client


def _moment(rng: random.Random, day: dt.date, channel: str) -> dt.datetime:
    if channel == "store":
        minutes = rng.randint(9 * 60, 19 * 60 + 29)
    else:
        minutes = rng.randint(0, 24 * 60 - 1)
    local = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60))
    return timezone.make_aware(local)


def sale_rows(count: int, *, today: dt.date | None = None) -> list[dict]:
    """`count` API-shaped events over the six months before today, oldest first.

    About one in twenty is a refund of an earlier sale in the list. Most carry a
    customer reference: a demo member's loyalty card in store, their e-mail online,
    and now and then a card or address that belongs to no member.
    """
    rng = random.Random(42)
    today = today or timezone.localdate()
    products = catalog_rows()
    # Cheap things sell more often than garden sheds.
    weights = [1_000_000 / (row["price_cents"] ** 0.8) for row in products]
    store_codes = [store["code"] for store in STORES]
    cards = loyalty_numbers()
    emails = [member_email(first, last) for first, last, *_ in MEMBERS]
    home_store = home_store_codes()

    sales: list[dict] = []
    refunds: list[dict] = []
    refund_target = round(count * REFUND_SHARE)
    sale_target = count - refund_target
    for number in range(1, sale_target + 1):
        product = rng.choices(products, weights)[0]
        channel = "store" if rng.random() < 0.7 else "online"
        day = today - dt.timedelta(days=rng.randint(1, DAYS))
        quantity = 1 if product["price_cents"] > 10000 else rng.choice([1, 1, 1, 2, 3])
        amount = product["price_cents"] * quantity
        if rng.random() < 0.1:
            amount -= amount // 10  # a 10 % promotion at the till
        member = rng.randrange(len(cards)) if rng.random() < 0.65 else None
        store = None
        if channel == "store":
            store = (
                home_store[member]
                if member is not None and rng.random() < 0.8
                else rng.choice(store_codes)
            )
            ref = cards[member] if member is not None else ""
            if member is None and rng.random() < 0.15:
                ref = f"2907{rng.randrange(10**8):08d}"  # a card with no account
            event_id = f"TK-{store}-{number:06d}"
        else:
            ref = emails[member] if member is not None else ""
            if member is not None and rng.random() < 0.2:
                ref = ref.upper()  # web shops do not normalise case
            elif member is None and rng.random() < 0.3:
                ref = f"client.{number}@exemple.fr"
            event_id = f"WEB-{number:06d}"
        row = {
            "id": event_id,
            "type": "sale",
            "sku": product["sku"],
            "quantity": quantity,
            "amount_cents": amount,
            "channel": channel,
            "occurred_at": _moment(rng, day, channel).isoformat(),
        }
        if store:
            row["store"] = store
        if ref:
            row["customer_ref"] = ref
        sales.append(row)

    refundable = [row for row in sales if row["amount_cents"] > 0]
    for number, sale in enumerate(rng.sample(refundable, refund_target), start=1):
        sold_at = dt.datetime.fromisoformat(sale["occurred_at"])
        days_left = (today - sold_at.date()).days - 1
        day = sold_at.date() + dt.timedelta(days=rng.randint(0, min(days_left, 30)))
        quantity = rng.randint(1, sale["quantity"])
        refund = {
            "id": f"RB-{number:06d}",
            "type": "refund",
            "refund_of": sale["id"],
            "sku": sale["sku"],
            "quantity": quantity,
            "amount_cents": sale["amount_cents"] * quantity // sale["quantity"],
            "channel": sale["channel"],
            "occurred_at": max(
                _moment(rng, day, sale["channel"]), sold_at + dt.timedelta(hours=1)
            ).isoformat(),
        }
        for key in ("store", "customer_ref"):
            if key in sale:
                refund[key] = sale[key]
        refunds.append(refund)
    return sorted(sales + refunds, key=lambda row: (row["occurred_at"], row["id"]))


def sales_build(*, count: int, progress: Progress) -> int:
    """Send the demo events to the ingest service in batches; returns how many new.

    Replaying is harmless: the service records each sender's id once.
    """
    rows = sale_rows(count)
    client = _demo_client()
    created = 0
    step = progress.step("Sales", len(rows))
    for start in range(0, len(rows), BATCH_SIZE):
        batch = rows[start : start + BATCH_SIZE]
        result = sale_events_ingest(client=client, rows=batch)
        if result.errors:
            raise DemoSalesError(f"Demo sales refused: {result.errors[:3]}")
        created += result.created
        step.advance(len(batch))
    # A till replaying a ticket after a price correction at the till: the API
    # answers a conflict, records nothing, and lists it in the admin (Snippets →
    # Conflicting resends) for the retailer. Replaying the demo keeps it once.
    ticket = next(row for row in rows if row["type"] == "sale")
    resend = {**ticket, "amount_cents": ticket["amount_cents"] + 100}
    result = sale_events_ingest(client=client, rows=[resend])
    if result.errors or not result.conflicts:
        raise DemoSalesError(f"The demo's conflicting resend was not one: {result}")
    step.done(f"({SaleEvent.objects.filter(client=client).count()} recorded)")
    return created
