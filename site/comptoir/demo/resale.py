"""The demo's second-hand market: about sixty listings in every state across the
stores, conversations, offers, hand-offs at the stores' desks, ratings, the money
in the sellers' wallets, buy-backs, and two sellers the EU's DAC7 rules concern.

Everything goes through the resale services (marketplace/resale), in the order it
happened, each call given its moment as `now=`, so the rules hold: who publishes
at once and who waits for a moderator, offers below the price, hand-off days the
store is open, the code confirmed once by the store's staff, the ledger posting of
each sale, double-blind ratings. The daily pass (`resale_refresh`, the ratings'
publication and the release of held money) runs every morning of the story, so
the listings nobody bought expire, the reservation nobody came for lapses and the
sellers' money leaves the hold period by itself. Verified owners are read from
the demo sales.

Some rows are stamped by the real clock below the services (notifications,
posting records, queue entries, moderation decisions, a listing's moderation
status): each call's rows are moved to its moment. What the services leave for
after the commit (e-mails, live pushes, cache forgetting) is dropped, as the
forum's demo does; the photos' sizes are asked for again and the pages showing
listings forgotten, once at the end. The ledger is never rewritten: a voucher
of store credit is dated when it is really written, so the sale taken in store
credit and the credited buy-back happen today.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from io import BytesIO

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from PIL import Image

from community.members.models import PostingRecord
from community.moderation.models import ModerationDecision, QueueEntry
from community.notifications.models import Notification
from comptoir.background import image_renditions_prepare, image_renditions_prepare_later
from comptoir.models import BackgroundJob, JobStatus
from comptoir.page_cache import page_cache_invalidate
from comptoir.progress import Progress
from marketplace.catalog.cached_pages import product_tag
from marketplace.catalog.models import Product, Store
from marketplace.resale.buyback import buyback_accept, buyback_inspect
from marketplace.resale.conversations import conversation_open, message_send
from marketplace.resale.models import (
    Handoff,
    Listing,
    ListingPhoto,
    ListingState,
    ListingStateChange,
    Payout,
    Rating,
)
from marketplace.resale.moderation import listing_reject
from marketplace.resale.photos import PHOTO_LARGE_SPEC, PHOTO_THUMB_SPEC
from marketplace.resale.ratings import rating_give, ratings_publish_due
from marketplace.resale.services import (
    LISTINGS_TAG,
    handoff_confirm,
    listing_create,
    listing_reserve,
    listing_withdraw,
    offer_accept,
    offer_counter,
    offer_decline,
    offer_make,
    offer_withdraw,
    resale_refresh,
)
from marketplace.sales.models import SaleEvent
from rewards.services import held_release

from . import resale_data as data
from .catalog_data import catalog_rows
from .errors import DemoError
from .forum import _after_commit_dropped, _daytime
from .members import MEMBERS, member_email
from .moderation import moderator_build
from .products import _photo, product_shots
from .reservations import _open_day, staff_build

# Rows the services stamp with the real clock, and the field that holds it.
STAMPED = {
    Notification: "created_at",
    PostingRecord: "created_at",
    QueueEntry: "opened_at",
    ModerationDecision: "decided_at",
}
# Notifications older than this were read; the newer ones wait in the header.
READ_BEFORE = dt.timedelta(days=10)
# The daily pass runs at this local hour.
PASS_HOUR = 6
# A listing's photos, as a phone takes them: small, a little tilted.
PHOTO_SIZE = (400, 300)
# Where each story leaves a listing.
FINAL_STATES = {
    data.DRAFT: ListingState.DRAFT,
    data.PENDING: ListingState.PENDING,
    data.PUBLISHED: ListingState.PUBLISHED,
    data.RESERVED: ListingState.RESERVED,
    data.TODAY: ListingState.RESERVED,
    data.SOLD: ListingState.SOLD,
    data.WITHDRAWN: ListingState.WITHDRAWN,
    data.EXPIRED: ListingState.EXPIRED,
    data.REJECTED: ListingState.REJECTED,
    data.LAPSED: ListingState.PUBLISHED,
    data.BUYBACK: ListingState.WITHDRAWN,
    data.CREDITED: ListingState.WITHDRAWN,
}
BUYBACK_LOWERED_BECAUSE = (
    "Deux lattes fendues et le couvercle voilé : état correct plutôt que très bon."
)


class DemoResaleError(DemoError):
    """The resale services refused the demo's timeline: a bug in the data."""


class _Clock:
    """Moves the rows a service call stamped with the real clock to its moment."""

    def __init__(self) -> None:
        self.marks = {model: self._top(model) for model in STAMPED}

    @staticmethod
    def _top(model) -> int:
        return model.objects.aggregate(top=Max("pk"))["top"] or 0

    def at(self, moment: dt.datetime) -> None:
        for model, name in STAMPED.items():
            moved = model.objects.filter(pk__gt=self.marks[model]).update(
                **{name: moment}
            )
            if moved:
                self.marks[model] = self._top(model)


@dataclass
class _Story:
    """One listing being replayed: its spec, what the services returned."""

    item: data.Item
    created_at: dt.datetime
    listing: Listing | None = None
    handoff: Handoff | None = None


def _people() -> dict[str, object]:
    """The demo's members by display name, the moderator and the desks' staff."""
    User = get_user_model()
    emails = [member_email(first, last) for first, last, *_ in MEMBERS]
    people = {m.display_name: m for m in User.objects.filter(email__in=emails)}
    if len(people) < len(MEMBERS):
        return {}
    return people


# --- Photos ---------------------------------------------------------------------


@cache
def _catalog() -> tuple[list[dict], dict[str, list[int]], dict[str, int]]:
    """The demo catalog's rows, their numbers by category prefix and by SKU."""
    rows = catalog_rows()
    by_prefix: dict[str, list[int]] = {}
    for number, row in enumerate(rows):
        by_prefix.setdefault(row["category"]["prefix"], []).append(number)
    return rows, by_prefix, {row["sku"]: number for number, row in enumerate(rows)}


def _snapshot(jpeg: bytes, rng: random.Random) -> bytes:
    """The product-style picture as a member's phone takes it: smaller, tilted a
    little, cropped off-centre, less saturated."""
    with Image.open(BytesIO(jpeg)) as img:
        # JPEGs decode at a reduced scale: a quarter of the pixels, a fraction
        # of the time.
        img.draft("RGB", PHOTO_SIZE)
        picture = img.convert("RGB")
    # Within ±2.5° the corners left black stay inside the 9 % cropped off.
    picture = picture.rotate(rng.uniform(-2.5, 2.5), Image.Resampling.BILINEAR)
    width, height = picture.size
    margin_x, margin_y = int(width * 0.09), int(height * 0.09)
    dx = rng.randint(-margin_x // 4, margin_x // 4)
    dy = rng.randint(-margin_y // 4, margin_y // 4)
    picture = picture.crop(
        (margin_x + dx, margin_y + dy, width - margin_x + dx, height - margin_y + dy)
    ).resize(PHOTO_SIZE, Image.Resampling.BILINEAR)
    grey = picture.convert("L").convert("RGB")
    picture = Image.blend(picture, grey, rng.uniform(0.1, 0.25))
    out = BytesIO()
    picture.save(out, format="JPEG", quality=78)
    return out.getvalue()


def _photos(key: str, *, sku: str, look: str, count: int) -> list:
    """`count` photos of the listing `key`, from the drawing of its catalog
    product or of a product of the `look` category."""
    rows, by_prefix, by_sku = _catalog()
    if sku:
        number = by_sku[sku]
    else:
        numbers = by_prefix[look]
        number = numbers[zlib.crc32(key.encode()) % len(numbers)]
    row = rows[number]
    rng = random.Random(zlib.crc32(key.encode()))
    shots = list(product_shots(number))
    uploads = []
    for index in range(count):
        shot = shots[index % len(shots)]
        jpeg = _snapshot(_photo(row, number, shot), rng)
        uploads.append(SimpleUploadedFile(f"{key}-{index + 1}.jpg", jpeg, "image/jpeg"))
    return uploads


# --- The timeline -----------------------------------------------------------------


class _Timeline:
    """Every call of the story as (moment, order, label, call), run oldest first,
    each given its moment; the clock moves what it stamped there."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.latest = now - dt.timedelta(minutes=2)
        self.events: list[tuple] = []

    def add(self, moment, label: str, call: Callable[[dt.datetime], object]):
        self.events.append((min(moment, self.latest), len(self.events), label, call))

    def run(self, *, step=None) -> None:
        clock = _Clock()
        for moment, _order, label, call in sorted(
            self.events, key=lambda event: (event[0], event[1])
        ):
            try:
                call(moment)
            except (ValidationError, PermissionDenied) as refused:
                messages = getattr(refused, "messages", None) or [str(refused)]
                raise DemoResaleError(f"“{label}” at {moment}: {messages}") from None
            clock.at(moment)
            if step is not None and label.startswith("create "):
                step.advance()


def _joined_check(member, moment: dt.datetime, label: str) -> None:
    if not member.is_staff and moment < member.date_joined:
        raise DemoResaleError(f"{member.display_name} joined after “{label}”.")


def _at_hour(day: dt.date, hour: float, now: dt.datetime) -> dt.datetime:
    """That day at that local hour, never later than a few minutes ago."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time.min)) + (
        dt.timedelta(hours=hour)
    )
    return min(moment, now - dt.timedelta(minutes=5))


def _ago(now: dt.datetime, days: float, rng: random.Random) -> dt.datetime:
    """`days` before now; whole days fall at an hour people are up."""
    moment = now - dt.timedelta(days=days)
    if days >= 1:
        moment = min(_daytime(rng, moment), now - dt.timedelta(minutes=30))
    return moment


class _Replay:
    """The demo's resale story, built then run."""

    def __init__(self, people, now, rng) -> None:
        self.people = people
        self.now = now
        self.today = timezone.localdate(now)
        self.rng = rng
        self.timeline = _Timeline(now)
        self.stores = {store.code: store for store in Store.objects.all()}
        self.staff = staff_build()
        self.moderator = moderator_build()
        self.products = Product.objects.in_bulk(
            {item.sku for item in data.ITEMS if item.sku}
            | {small.sku for *_x, items, _n in data.SMALL_SALES for small in items}
            - {""},
            field_name="sku",
        )
        self.stories: dict[str, _Story] = {}
        self.small: list[_Story] = []
        self.sales = 0
        self.ratings = 0

    # --- helpers -------------------------------------------------------------

    def member(self, name: str):
        return self.people[name]

    def purchase(self, seller, product):
        """The seller's earliest matched purchase of the product, if any."""
        return (
            SaleEvent.objects.filter(
                member=seller, product=product, kind=SaleEvent.Kind.SALE
            )
            .order_by("occurred_at", "pk")
            .first()
        )

    def hand_off_day(self, store: Store, after: dt.date, lead: int) -> dt.date:
        """An open day of the store `lead` days or more after `after`."""
        return _open_day(store, after + dt.timedelta(days=lead), 1)

    def office_hours(self, moment: dt.datetime) -> dt.datetime:
        """`moment`, or the next morning if the moderators have left by then."""
        local = timezone.localtime(moment)
        if 9 <= local.hour < 18:
            return moment
        day = local.date() + dt.timedelta(days=1 if local.hour >= 18 else 0)
        return max(_at_hour(day, self.rng.uniform(9, 11), self.now), moment)

    def sold_day(self, item: data.Item) -> dt.date:
        """The open day of the item's store `handoff` days ago, or just before."""
        store = self.stores[item.store]
        return _open_day(store, self.today - dt.timedelta(days=int(item.handoff)), -1)

    def create(self, story: _Story, *, photos: int) -> None:
        item = story.item
        seller = self.member(item.seller)
        _joined_check(seller, story.created_at, item.title)
        product = self.products.get(item.sku) if item.sku else None
        purchase = None
        if item.owned and product is not None:
            bought = self.purchase(seller, product)
            # Listed after it was bought, or not a verified owner after all.
            if bought is not None and bought.occurred_at < story.created_at:
                purchase = bought
        uploads = _photos(item.key, sku=item.sku, look=item.look, count=photos)
        store_ids = [self.stores[code].pk for code in item.stores]

        def call(at, story=story, seller=seller, product=product, purchase=purchase):
            story.listing = listing_create(
                seller=seller,
                title=item.title,
                description=item.description,
                price_cents=item.price,
                condition=item.condition,
                store_ids=store_ids,
                tags=list(item.tags),
                product=product,
                purchase=purchase,
                photos=uploads,
                submit=item.story != data.DRAFT,
                now=at,
            )

        self.timeline.add(story.created_at, f"create {item.title}", call)

    def reserve(self, story: _Story, *, buyer, store, day, at) -> None:
        _joined_check(buyer, at, story.item.title)

        def call(moment, story=story):
            story.handoff = listing_reserve(
                listing=story.listing, buyer=buyer, store=store, day=day, now=moment
            )

        self.timeline.add(at, f"reserve {story.item.title}", call)

    def confirm(self, story: _Story, *, store, at, store_credit=False) -> None:
        staff = self.staff[store.code]

        def call(moment, story=story):
            story.handoff = handoff_confirm(
                store=store,
                code=story.handoff.code,
                by=staff,
                paid_cents=story.handoff.price_cents,
                payout=Payout.STORE_CREDIT if store_credit else Payout.CASH,
                now=moment,
            )
            self.sales += 1

        self.timeline.add(at, f"hand over {story.item.title}", call)

    def rate(self, story: _Story, *, sold_at, sides: str) -> None:
        """Each side rates the other a few hours or days after the hand-off,
        unless that is still to come."""
        if not sides:
            return
        raters = ["buyer", "seller"] if sides == "both" else ["buyer"]
        for side in raters:
            moment = sold_at + dt.timedelta(hours=self.rng.uniform(3, 80))
            if moment > self.now - dt.timedelta(minutes=5):
                continue
            stars, comment = self.rng.choice(
                data.BUYER_SAYS if side == "buyer" else data.SELLER_SAYS
            )

            def call(at, story=story, side=side, stars=stars, comment=comment):
                handoff = story.handoff
                rater = handoff.buyer if side == "buyer" else handoff.seller
                rating_give(
                    handoff=handoff, rater=rater, stars=stars, comment=comment, now=at
                )
                self.ratings += 1

            self.timeline.add(moment, f"rate {story.item.title}", call)

    # --- the stories ----------------------------------------------------------

    def items(self) -> None:
        for item in data.ITEMS:
            created_at = _ago(self.now, item.days, self.rng)
            story = _Story(item, created_at)
            self.stories[item.key] = story
            self.create(story, photos=item.photos)
            self.story(story)

    def story(self, story: _Story) -> None:
        item, add = story.item, self.timeline.add
        seller = self.member(item.seller)
        accepted = any(
            bid.listing == item.key and bid.outcome == "accepted" for bid in data.BIDS
        )
        if item.story in (data.SOLD, data.LAPSED, data.RESERVED) and not accepted:
            store = self.stores[item.store]
            buyer = self.member(item.buyer)
            if item.story == data.RESERVED:
                at = self.now - dt.timedelta(hours=self.rng.uniform(3, 20))
                day = self.hand_off_day(
                    store, timezone.localdate(at), max(int(item.handoff), 1)
                )
            elif item.story == data.LAPSED:
                at = self.now - dt.timedelta(days=7.8)
                day = self.hand_off_day(store, timezone.localdate(at), 2)
            else:
                day = self.sold_day(item)
                lead = self.rng.randint(1, 3)
                at = _at_hour(day - dt.timedelta(days=lead), 19.5, self.now)
            self.reserve(story, buyer=buyer, store=store, day=day, at=at)
        if item.story == data.SOLD:
            store = self.stores[item.store]
            day = self.sold_day(item)
            if item.handoff == 0:
                sold_at = self.now - dt.timedelta(hours=3)
            else:
                sold_at = _at_hour(day, self.rng.uniform(10, 18.5), self.now)
            self.confirm(story, store=store, at=sold_at, store_credit=item.store_credit)
            self.rate(story, sold_at=sold_at, sides=item.ratings)
        elif item.story == data.WITHDRAWN:
            add(
                story.created_at + dt.timedelta(days=5, hours=3),
                f"withdraw {item.title}",
                lambda at, story=story, seller=seller: listing_withdraw(
                    listing=story.listing, by=seller, now=at
                ),
            )
        elif item.story == data.REJECTED:
            decided = self.office_hours(story.created_at + dt.timedelta(hours=2))

            def reject(at, story=story):
                listing_reject(
                    moderator=self.moderator,
                    listing=story.listing,
                    reasons=list(item.reasons),
                )
                self.decision_moved(story.listing, at)

            add(decided, f"reject {item.title}", reject)
        elif item.story in (data.BUYBACK, data.CREDITED):
            add(
                story.created_at + dt.timedelta(days=2, hours=5),
                f"buy back {item.title}",
                lambda at, story=story, seller=seller: buyback_accept(
                    listing=story.listing, member=seller, now=at
                ),
            )
            if item.story == data.CREDITED:
                store = self.stores[data.LYON]

                def inspect(at, story=story, store=store):
                    buyback_inspect(
                        buyback=story.listing.buyback,
                        store=store,
                        by=self.staff[store.code],
                        condition="good",
                        reason=BUYBACK_LOWERED_BECAUSE,
                        now=at,
                    )

                add(self.now - dt.timedelta(hours=2), f"inspect {item.title}", inspect)

    def decision_moved(self, listing: Listing, moment: dt.datetime) -> None:
        """Moderation decided with the real clock: the refusal moved to its moment
        (the decision row and notification move with the clock)."""
        ListingStateChange.objects.filter(
            listing=listing, to_state=ListingState.REJECTED
        ).update(at=moment)
        Listing.objects.filter(pk=listing.pk).update(
            state_changed_at=moment, status_changed_at=moment
        )
        QueueEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Listing),
            object_id=listing.pk,
        ).update(closed_at=moment)

    def bids(self) -> None:
        for bid in data.BIDS:
            story = self.stories[bid.listing]
            item = story.item
            buyer = self.member(bid.buyer)
            seller = self.member(item.seller)
            made = _ago(self.now, bid.days, self.rng)
            _joined_check(buyer, made, item.title)
            if bid.outcome == "accepted":
                store = self.stores[item.store]
                day = self.today if item.story == data.TODAY else self.sold_day(item)
            else:
                store = self.stores[item.stores[0]]
                day = self.hand_off_day(
                    store, timezone.localdate(made), self.rng.randint(2, 5)
                )
            holder: dict = {}

            def make(at, story=story, buyer=buyer, bid=bid, store=store, day=day,
                     holder=holder):  # fmt: skip
                holder["offer"] = offer_make(
                    listing=story.listing,
                    buyer=buyer,
                    amount_cents=bid.amount,
                    store=store,
                    day=day,
                    now=at,
                )

            self.timeline.add(made, f"offer on {item.title}", make)
            answered = made + dt.timedelta(hours=bid.hours)
            if bid.outcome == "declined":
                answer = lambda at, h=holder, s=seller: offer_decline(  # noqa: E731
                    offer=h["offer"], by=s, now=at
                )
            elif bid.outcome == "countered":
                answer = lambda at, h=holder, s=seller, b=bid: offer_counter(  # noqa: E731
                    offer=h["offer"], by=s, amount_cents=b.counter, now=at
                )
            elif bid.outcome == "withdrawn":
                answer = lambda at, h=holder, b=buyer: offer_withdraw(  # noqa: E731
                    offer=h["offer"], by=b, now=at
                )
            elif bid.outcome == "accepted":

                def answer(at, h=holder, s=seller, story=story):
                    story.handoff = offer_accept(offer=h["offer"], by=s, now=at)

            else:
                continue
            self.timeline.add(answered, f"answer on {item.title}", answer)

    def talks(self) -> None:
        for talk in data.TALKS:
            story = self.stories[talk.listing]
            buyer = self.member(talk.buyer)
            seller = self.member(story.item.seller)
            # People start talking in the morning, and answer through the day.
            moment = _at_hour(
                timezone.localdate(self.now - dt.timedelta(days=talk.days)),
                self.rng.uniform(9, 12),
                self.now,
            )
            _joined_check(buyer, moment, story.item.title)
            holder: dict = {}
            for number, (who, text, hours) in enumerate(talk.messages):
                moment += dt.timedelta(hours=hours)
                sender = buyer if who == "b" else seller

                def send(at, story=story, buyer=buyer, sender=sender, text=text,
                         holder=holder, first=number == 0):  # fmt: skip
                    if first:
                        holder["talk"] = conversation_open(
                            listing=story.listing, member=buyer, now=at
                        )
                    message_send(
                        conversation=holder["talk"], sender=sender, body=text, now=at
                    )

                self.timeline.add(moment, f"talk about {story.item.title}", send)

    def small_sales(self) -> None:
        """The cheap things two sellers sold in their stores this year: one past
        the DAC7 threshold of sales, one nearing it."""
        year_start = timezone.make_aware(dt.datetime(self.today.year, 1, 1))
        buyers = [
            person
            for name, person in sorted(self.people.items())
            if not person.is_staff
        ]
        for name, smalls, count in data.SMALL_SALES:
            seller = self.member(name)
            store_code = data.LYON if name == data.LOU else data.BORDEAUX
            store = self.stores[store_code]
            stores = (store_code,) if name == data.LOU else (store_code, data.TOULOUSE)
            first_day = timezone.localdate(
                max(
                    year_start,
                    seller.date_joined + dt.timedelta(days=20),
                    self.now - dt.timedelta(days=240),
                )
            )
            last_day = max(self.today - dt.timedelta(days=1), first_day)
            span = (last_day - first_day).days
            variants = [
                (small, variant) for small in smalls for variant in small.variants
            ]
            for number in range(count):
                small, variant = variants[number % len(variants)]
                day = first_day + dt.timedelta(days=span * number // max(count - 1, 1))
                sold_at = max(
                    _at_hour(day, self.rng.uniform(10, 18.5), self.now),
                    timezone.make_aware(dt.datetime.combine(day, dt.time(0, 1))),
                )
                reserved_at = _at_hour(
                    day - dt.timedelta(days=self.rng.randint(1, 3)), 19, self.now
                )
                created_at = reserved_at - dt.timedelta(days=self.rng.uniform(1, 12))
                created_at = max(created_at, seller.date_joined + dt.timedelta(hours=1))
                title = small.title.format(variant).replace("  ", " ").strip()
                item = data.Item(
                    key=f"{seller.slug}-{number}",
                    seller=name,
                    title=title,
                    description=small.description,
                    price=small.price + 100 * (number % 3),
                    condition=small.condition,
                    stores=stores,
                    tags=small.tags,
                    story=data.SOLD,
                    days=0,
                    sku=small.sku,
                    look=small.look,
                    buyer="",
                    store=store_code,
                )
                story = _Story(item, created_at)
                self.small.append(story)
                self.create(story, photos=1)
                candidates = [
                    person
                    for person in buyers
                    if person.pk != seller.pk
                    and person.date_joined < created_at - dt.timedelta(days=1)
                ]
                buyer = self.rng.choice(candidates)
                self.reserve(story, buyer=buyer, store=store, day=day, at=reserved_at)
                self.confirm(story, store=store, at=sold_at)
                self.rate(
                    story,
                    sold_at=sold_at,
                    sides="both" if self.rng.random() < 0.75 else "buyer",
                )

    def daily_passes(self) -> None:
        """The morning pass of every day of the story, as cron runs it."""
        first = min(event[0] for event in self.timeline.events)
        day = timezone.localdate(first) + dt.timedelta(days=1)
        while day <= self.today:

            def run(at):
                resale_refresh(now=at)
                ratings_publish_due(now=at)
                held_release(now=at)

            moment = _at_hour(day, PASS_HOUR, self.now)
            self.timeline.add(moment, f"daily pass {day}", run)
            day += dt.timedelta(days=1)

    # --- after the story ------------------------------------------------------

    def stamps_fix(self, listings: list[Listing]) -> None:
        """Moderation stamped the listings' status with the real clock: published
        when first on sale, refused when refused, otherwise when written."""
        moves = {}
        for change in ListingStateChange.objects.filter(
            listing__in=listings, to_state=ListingState.PUBLISHED
        ).order_by("-at"):
            moves[change.listing_id] = change.at  # the earliest last
        for listing in listings:
            listing.refresh_from_db()
            first_on_sale = moves.get(listing.pk)
            if first_on_sale is not None:
                listing.published_at = first_on_sale
            if listing.state == ListingState.REJECTED:
                listing.status_changed_at = listing.state_changed_at
            else:
                listing.status_changed_at = first_on_sale or listing.created_at
            listing.updated_at = listing.state_changed_at
        Listing.objects.bulk_update(
            listings, ["published_at", "status_changed_at", "updated_at"]
        )

    def check(self) -> None:
        wrong = [
            f"{story.item.key}: {story.listing.state if story.listing else None}"
            for story in [*self.stories.values(), *self.small]
            if story.listing is None
            or Listing.objects.get(pk=story.listing.pk).state
            != FINAL_STATES[story.item.story]
        ]
        if wrong:
            raise DemoResaleError(f"Demo listings not in their state: {wrong}")


def _rendition_jobs():
    """Jobs asking for an image's sizes that were never handed over."""
    return BackgroundJob.objects.filter(
        task_path=image_renditions_prepare.path,
        status=JobStatus.QUEUED,
        task_result_id="",
    )


def _renditions_asked_again(listings: list[Listing], *, before: set) -> int:
    """The photos' sizes were asked for in the block whose after-commit work was
    dropped, so those jobs would never be handed over: they are asked for again,
    for the photos public now, and the orphans go."""
    _rendition_jobs().exclude(pk__in=before).delete()
    photos = ListingPhoto.objects.filter(
        listing__in=listings, image__isnull=False
    ).select_related("image")
    for photo in photos:
        image_renditions_prepare_later(
            photo.image, specs=[PHOTO_THUMB_SPEC, PHOTO_LARGE_SPEC]
        )
    return len(photos)


def resale_build(*, progress: Progress) -> int:
    """The demo's second-hand market; nothing if any listing is already there.
    Returns how many listings were made.

    Runs after the sales (verified owners), the trust levels (who is moderated),
    the reservations (the desks' staff) and the rewards (the wallets).
    """
    if Listing.objects.exists():
        return 0
    people = _people()
    if not people:
        return 0
    small_total = sum(count for *_x, count in data.SMALL_SALES)
    step = progress.step("Second-hand", len(data.ITEMS) + small_total)
    rng = random.Random(9)
    now = timezone.now()
    with translation.override("fr"), transaction.atomic():
        replay = _Replay(people, now, rng)
        replay.items()
        replay.bids()
        replay.talks()
        replay.small_sales()
        replay.daily_passes()
        notifications_before = _Clock._top(Notification)
        jobs_before = set(_rendition_jobs().values_list("pk", flat=True))
        with _after_commit_dropped():
            replay.timeline.run(step=step)
            listings = [
                story.listing for story in [*replay.stories.values(), *replay.small]
            ]
            replay.stamps_fix(listings)
            Notification.objects.filter(
                pk__gt=notifications_before, created_at__lt=now - READ_BEFORE
            ).update(read_at=F("created_at") + dt.timedelta(hours=8))
        replay.check()
        _renditions_asked_again(listings, before=jobs_before)
        product_ids = {listing.product_id for listing in listings if listing.product_id}
        page_cache_invalidate(
            LISTINGS_TAG, *(product_tag(product_id) for product_id in product_ids)
        )
    published = Rating.objects.filter(published_at__isnull=False).count()
    step.done(
        f"{replay.sales} sold in stores, {replay.ratings} ratings ({published} "
        f"published), {len(data.TALKS)} conversations, {len(data.BIDS)} offers"
    )
    return len(listings)
