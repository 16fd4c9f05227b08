"""Writes of resale: listings, offers, reservations and hand-offs, the daily pass.

The only writers of `Listing.state` (every move checked against
models.ALLOWED_MOVES and kept in `ListingStateChange`), `Offer.status` and
`Handoff.status`. One transaction each; refusals are ValidationError (by field
where a form field is concerned: title, description, price_cents, condition,
store_ids, tags, photos, product, purchase, amount_cents, store, day, code,
paid_cents) or PermissionDenied, in words a person can act on. Moderation
(pending or published) is decided by `content_submit` after the posting policy's
`member_posting_check`, as for every member content.

Locks, so that rules hold when people act at once: the listing row first, then
its offer or hand-off. Two buyers reserving the same listing at once: the second
reads it reserved under the lock (and the one-open-hand-off constraint backs
that up) and is told so. On SQLite every transaction takes the write lock at
BEGIN (settings: IMMEDIATE), so writers run one at a time.

Cached pages (cached_pages.py): `LISTINGS_TAG` (every list of listings),
`listing_tag(id)` (one listing's page), `seller_tag(id)` (a seller's ratings and
sales count on their listings' pages) and the catalog's `product_tag(id)` for a
listing of a product are forgotten whenever what they show changes.

The seller's payment through the ledger is payments.py's (called by
`handoff_confirm`); buy-back, ratings and DAC7 live in their own modules.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community.moderation.models import ModerationStatus
from community.moderation.posting import (
    member_posting_check,
    member_posting_record,
    member_suspension_check,
)
from community.moderation.registry import moderated_type_of
from community.moderation.services import content_submit, content_withdraw
from comptoir.money import format_cents
from comptoir.page_cache import page_cache_invalidate
from marketplace.catalog.cached_pages import product_tag
from marketplace.catalog.desk import store_staffed_by
from marketplace.catalog.models import Product, Store
from marketplace.sales.models import SaleEvent

from . import notify
from .models import (
    ALLOWED_MOVES,
    DESCRIPTION_MAX_LENGTH,
    HANDOFF_CODE_LENGTH,
    PUBLIC_STATES,
    TITLE_MAX_LENGTH,
    Buyback,
    BuybackStatus,
    Condition,
    Conversation,
    Handoff,
    HandoffStatus,
    Listing,
    ListingState,
    ListingStateChange,
    Offer,
    OfferStatus,
    Payout,
    ResaleSettings,
)
from .moderation import LISTING_POSTING_KIND
from .payments import handoff_payment_post
from .photos import (
    listing_photos_attach,
    listing_photos_clean,
    listing_photos_delete,
    listing_photos_keep,
    listing_photos_place,
)
from .ratings import ratings_publish_due

TITLE_MIN = 3
DESCRIPTION_MIN = 10
MAX_TAGS = 10
TAG_MAX = 50
PRICE_MAX_CENTS = 10_000_000  # €100,000: beyond, a typing mistake
HANDOFF_DAYS_AHEAD = 14
# Hand-off codes: no 0/O or 1/I, which read alike on a phone held up at the desk.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_NOT_CODE = re.compile(r"[\s\-]+")

LISTINGS_TAG = "resale"

# The states a seller may still edit their listing in.
EDITABLE_STATES = frozenset(
    {
        ListingState.DRAFT,
        ListingState.PENDING,
        ListingState.PUBLISHED,
        ListingState.EXPIRED,
        ListingState.WITHDRAWN,
        ListingState.REJECTED,
    }
)
WITHDRAWABLE_STATES = frozenset(
    {
        ListingState.DRAFT,
        ListingState.PENDING,
        ListingState.PUBLISHED,
        ListingState.RESERVED,
    }
)


def listing_tag(listing_id: int) -> str:
    """The cache tag of one listing's page."""
    return f"resale:{listing_id}"


def seller_tag(member_id: int) -> str:
    """The cache tag of what every listing page of a seller shows of them: their
    published ratings and their sales count (ratings.py, a sale's listing_changed)."""
    return f"resale-seller:{member_id}"


def handoff_code_clean(code: str | None) -> str:
    """A code as stored: upper case, without spaces or dashes."""
    return _NOT_CODE.sub("", str(code or "")).upper()


handoff_code_display = notify.handoff_code_display


# --- Helpers ---------------------------------------------------------------------


def _day(value: dt.date) -> str:
    return date_format(value, "l j F Y")


def _require_member(member, message: str) -> None:
    if member is None or not getattr(member, "is_authenticated", False):
        raise PermissionDenied(message)


def _locked(listing: Listing) -> Listing:
    """The listing read again under a lock on its row (it may have moved on since
    the caller read it)."""
    return (
        Listing.objects.select_for_update(of=("self",))
        .select_related("seller", "product")
        .get(pk=listing.pk)
    )


def _copy_back(original: Listing, fresh: Listing) -> Listing:
    """The caller's instance brought up to date, so views holding it see the move."""
    if original is not fresh:
        original.refresh_from_db()
    return original


def listing_state_move(
    listing: Listing, to: str, *, by, now: dt.datetime, reason: str = "", **fields
) -> Listing:
    """Move a listing along ALLOWED_MOVES only, keeping the step in its history and
    saving just what changed. For this module and moderation.py."""
    if (listing.state, to) not in ALLOWED_MOVES:
        raise ValidationError(
            _("A listing that is “%(state)s” cannot become “%(to)s”.")
            % {
                "state": ListingState(listing.state).label,
                "to": ListingState(to).label,
            }
        )
    ListingStateChange.objects.create(
        listing=listing,
        from_state=listing.state,
        to_state=to,
        by=by if getattr(by, "pk", None) else None,
        at=now,
        reason=str(reason)[:300],
    )
    listing.state = to
    listing.state_changed_at = now
    for name, value in fields.items():
        setattr(listing, name, value)
    listing.save(update_fields=["state", "state_changed_at", *fields, "updated_at"])
    return listing


def listing_changed(listing: Listing) -> None:
    """After a change of state, status or content: photos where they belong now,
    and the cached pages that show the listing forgotten once it commits."""
    listing_photos_place(listing=listing)
    tags = {LISTINGS_TAG, listing_tag(listing.pk)}
    if listing.state == ListingState.SOLD:
        # One more sale in the seller's count, on each of their listings' pages.
        tags.add(seller_tag(listing.seller_id))
    if listing.product_id:
        tags.add(product_tag(listing.product_id))
    page_cache_invalidate(*tags)


def listing_on_sale(*, listing: Listing, by, now: dt.datetime) -> Listing:
    """Put a listing on sale (from draft, pending or expired): published, on sale
    for ResaleSettings.listing_days from now, reminded afresh."""
    rules = ResaleSettings.load()
    return listing_state_move(
        listing,
        ListingState.PUBLISHED,
        by=by,
        now=now,
        expires_at=now + dt.timedelta(days=rules.listing_days),
        expiry_reminded_at=None,
    )


def listing_offers_lapse(*, listing: Listing, now: dt.datetime, keep=None) -> int:
    """Every open offer on the listing (but `keep`) is no longer valid."""
    offers = Offer.objects.filter(listing=listing, status=OfferStatus.OPEN)
    if keep is not None:
        offers = offers.exclude(pk=keep.pk)
    return offers.update(status=OfferStatus.LAPSED, decided_at=now)


def _interested_member_ids(listing: Listing, *, exclude=()) -> set[int]:
    """Members who showed interest (an offer or a conversation), not the seller."""
    ids = set(
        Offer.objects.filter(listing=listing).values_list("buyer_id", flat=True)
    ) | set(
        Conversation.objects.filter(listing=listing).values_list("buyer_id", flat=True)
    )
    ids.discard(listing.seller_id)
    return ids - {getattr(member, "pk", member) for member in exclude}


def _text_clean(value, *, field: str, low: int, high: int, errors: dict) -> str:
    # NUL characters are never text a person typed, and PostgreSQL refuses them.
    text = str(value or "").replace("\x00", "").strip()
    if len(text) < low:
        errors[field] = [
            ngettext(
                "Write at least %(min)s character.",
                "Write at least %(min)s characters.",
                low,
            )
            % {"min": low}
        ]
    elif len(text) > high:
        errors[field] = [
            _("This may have %(max)s characters at most (it has %(n)s).")
            % {"max": high, "n": len(text)}
        ]
    return text


def _cents_messages(kind: str) -> tuple[str, str, str]:
    """Whole sentences per kind of amount (not a word put into a sentence), so
    each language can say them its own way: not a number, not above zero, too
    high (with `%(max)s`)."""
    if kind == "price":
        return (
            _("Give the price in euros, with at most two decimals, e.g. 45 or 45.50."),
            _("The price must be above zero."),
            _("The price may be %(max)s at most."),
        )
    if kind == "offer":
        return (
            _("Give your offer in euros, with at most two decimals, e.g. 40 or 39.50."),
            _("Your offer must be above zero."),
            _("Your offer may be %(max)s at most."),
        )
    return (
        _("Give the amount in euros, with at most two decimals, e.g. 45 or 45.50."),
        _("The amount must be above zero."),
        _("The amount may be %(max)s at most."),
    )


def _cents_clean(value, *, field: str, errors: dict, kind: str) -> int | None:
    """An amount in cents: a whole number above zero and at most PRICE_MAX_CENTS.
    `kind` is "price", "offer" or "amount" (how the sentences name it)."""
    not_number, not_positive, too_high = _cents_messages(kind)
    if isinstance(value, bool) or not isinstance(value, int):
        errors[field] = [not_number]
        return None
    if value < 1:
        errors[field] = [not_positive]
        return None
    if value > PRICE_MAX_CENTS:
        errors[field] = [too_high % {"max": format_cents(PRICE_MAX_CENTS)}]
        return None
    return value


def _tags_clean(tags, errors: dict) -> list[str]:
    """Tags lower-cased, trimmed, without repeats; a string is split at commas."""
    if isinstance(tags, str):
        tags = tags.split(",")
    cleaned: list[str] = []
    for tag in tags or ():
        name = str(tag).replace("\x00", "").strip().lower()
        if name and name not in cleaned:
            cleaned.append(name)
    if any(len(name) > TAG_MAX for name in cleaned):
        errors["tags"] = [
            _("A tag may have %(max)s characters at most.") % {"max": TAG_MAX}
        ]
    elif len(cleaned) > MAX_TAGS:
        errors["tags"] = [
            _("A listing may have %(max)s tags at most (you gave %(n)s).")
            % {"max": MAX_TAGS, "n": len(cleaned)}
        ]
    return cleaned


def _stores_clean(store_ids, errors: dict) -> list[Store]:
    ids = set()
    for value in store_ids or ():
        pk = getattr(value, "pk", value)
        if isinstance(pk, int) and not isinstance(pk, bool):
            ids.add(pk)
        elif isinstance(pk, str) and pk.isdigit():
            ids.add(int(pk))
        else:
            ids.add(-1)
    stores = list(Store.objects.filter(pk__in=ids).order_by("name", "pk"))
    if not ids:
        errors["store_ids"] = [
            _("Choose at least one store where you can hand the item over.")
        ]
    elif len(stores) != len(ids):
        errors["store_ids"] = [_("Choose the stores from the list.")]
    return stores


def _fields_clean(
    *, title, description, price_cents, condition, store_ids, tags
) -> tuple:
    """Every field checked together, so the seller sees every error at once."""
    errors: dict[str, list[str]] = {}
    title = _text_clean(
        title, field="title", low=TITLE_MIN, high=TITLE_MAX_LENGTH, errors=errors
    )
    description = _text_clean(
        description,
        field="description",
        low=DESCRIPTION_MIN,
        high=DESCRIPTION_MAX_LENGTH,
        errors=errors,
    )
    price = _cents_clean(price_cents, field="price_cents", errors=errors, kind="price")
    if condition not in Condition.values:
        errors["condition"] = [_("Choose the item's condition from the list.")]
    stores = _stores_clean(store_ids, errors)
    tags = _tags_clean(tags, errors)
    if errors:
        raise ValidationError(errors)
    return title, description, price, condition, stores, tags


def _product_and_purchase(*, seller, product, purchase) -> tuple:
    """The catalog product the item is, and the seller's own purchase of it (the
    "verified owner" mark); the product is the purchase's when only it is given."""
    if product is not None and not isinstance(product, Product):
        product = (
            Product.objects.filter(pk=product).first()
            if str(product).isdigit()
            else None
        )
        if product is None:
            raise ValidationError(
                {"product": _("Choose the product from the catalog.")}
            )
    if purchase is None:
        return product, None
    if not isinstance(purchase, SaleEvent):
        purchase = (
            SaleEvent.objects.filter(pk=purchase).first()
            if str(purchase).isdigit()
            else None
        )
    if (
        purchase is None
        or purchase.member_id != seller.pk
        or purchase.kind != SaleEvent.Kind.SALE
    ):
        raise ValidationError({"purchase": _("This purchase is not yours.")})
    if product is None:
        product = purchase.product
    elif purchase.product_id != product.pk:
        raise ValidationError(
            {"purchase": _("This purchase is of another product than the listing's.")}
        )
    return product, purchase


def handoff_days(*, store: Store, now: dt.datetime | None = None) -> list[dt.date]:
    """The days a buyer may pick for a hand-off at `store`: its open days from
    tomorrow, over the next HANDOFF_DAYS_AHEAD days."""
    today = timezone.localdate(now or timezone.now())
    days = (today + dt.timedelta(days=n) for n in range(1, HANDOFF_DAYS_AHEAD + 1))
    return [day for day in days if store.is_open_on(day)]


def _store_check(listing: Listing, store) -> Store:
    store_id = getattr(store, "pk", store)
    found = (
        listing.handoff_stores.filter(pk=store_id).first()
        if isinstance(store_id, int) and not isinstance(store_id, bool)
        else None
    )
    if found is None:
        raise ValidationError(
            {"store": _("Choose one of the stores where the seller hands it over.")}
        )
    return found


def _day_check(store: Store, day, *, now: dt.datetime) -> dt.date:
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise ValidationError({"day": _("Choose a day for the hand-off.")})
    today = timezone.localdate(now)
    if day <= today:
        raise ValidationError({"day": _("Choose a hand-off day from tomorrow on.")})
    if day > today + dt.timedelta(days=HANDOFF_DAYS_AHEAD):
        raise ValidationError(
            {
                "day": _("Choose a hand-off day within the next %(count)s days.")
                % {"count": HANDOFF_DAYS_AHEAD}
            }
        )
    if not store.is_open_on(day):
        raise ValidationError(
            {
                "day": _("%(store)s is closed on %(day)s: choose another day.")
                % {"store": store.name, "day": _day(day)}
            }
        )
    return day


def _for_sale_check(listing: Listing) -> None:
    """Under the lock: the listing can be bought now, or why not, in words."""
    if listing.state == ListingState.RESERVED:
        raise ValidationError(
            _(
                "This listing has just been reserved by another member. It comes "
                "back on sale if the hand-off does not happen."
            ),
            code="reserved",
        )
    if listing.state == ListingState.SOLD:
        raise ValidationError(_("This listing is sold."), code="sold")
    if not (listing.state == ListingState.PUBLISHED and listing.is_public):
        raise ValidationError(_("This listing is not on sale."), code="not_on_sale")


def _new_code() -> str:
    while True:
        code = "".join(
            secrets.choice(CODE_ALPHABET) for _ in range(HANDOFF_CODE_LENGTH)
        )
        if not Handoff.objects.filter(code=code).exists():
            return code


def _lapses_at(*, day: dt.date, now: dt.datetime, hours: int) -> dt.datetime:
    """ResaleSettings.reservation_hours after the reservation, and never before
    the end of the chosen hand-off day."""
    end_of_day = timezone.make_aware(
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    )
    return max(now + dt.timedelta(hours=hours), end_of_day)


def _reserve(
    listing: Listing, *, buyer, store, day, price_cents: int, offer, by, now
) -> Handoff:
    """In the caller's transaction, the listing locked and on sale: reserve it."""
    rules = ResaleSettings.load()
    try:
        # A savepoint: the constraint is the last word if two got past the lock.
        with transaction.atomic():
            handoff = Handoff.objects.create(
                listing=listing,
                buyer=buyer,
                seller=listing.seller,
                store=store,
                day=day,
                price_cents=price_cents,
                offer=offer,
                code=_new_code(),
                reserved_at=now,
                lapses_at=_lapses_at(day=day, now=now, hours=rules.reservation_hours),
            )
    except IntegrityError:
        raise ValidationError(
            _(
                "This listing has just been reserved by another member. It comes "
                "back on sale if the hand-off does not happen."
            ),
            code="reserved",
        ) from None
    listing_state_move(listing, ListingState.RESERVED, by=by, now=now)
    listing_offers_lapse(listing=listing, now=now, keep=offer)
    notify.handoff_reserved_notify(handoff)
    listing_changed(listing)
    return handoff


def _submit(listing: Listing, *, by, now: dt.datetime) -> Listing:
    """From draft or expired, in the caller's transaction: moderation decides
    (content_submit by the seller's trust), then on sale or waiting."""
    content_submit(content=listing)
    if listing.status == ModerationStatus.PUBLISHED:
        listing_on_sale(listing=listing, by=by, now=now)
    else:
        listing_state_move(listing, ListingState.PENDING, by=by, now=now)
    member_posting_record(member=listing.seller, kind=LISTING_POSTING_KIND)
    return listing


def _seller_check(listing: Listing, member, message: str) -> None:
    _require_member(member, message)
    if member.pk != listing.seller_id:
        raise PermissionDenied(message)


# --- Listings --------------------------------------------------------------------


def listing_create(
    *,
    seller,
    title: str,
    description: str,
    price_cents: int,
    condition: str,
    store_ids,
    tags=(),
    product=None,
    purchase=None,
    photos: Sequence = (),
    submit: bool = True,
    now: dt.datetime | None = None,
) -> Listing:
    """A member's listing of a second-hand item, kept as a draft or submitted.

    Every field is checked at once (price a whole number of cents above zero,
    at least one hand-off store, at most MAX_TAGS tags); photos are checked and
    re-encoded before anything is written (at most 10, 10 MB each), so one refused
    photo saves nothing. A purchase must be the seller's own sale event of that
    product ("verified owner"). The posting policy applies (suspension, links,
    first-day limits). Submitted, it is published at once or waits for a moderator
    by the seller's trust level.
    """
    now = now or timezone.now()
    _require_member(seller, _("Log in to sell something."))
    title, description, price, condition, stores, tags = _fields_clean(
        title=title,
        description=description,
        price_cents=price_cents,
        condition=condition,
        store_ids=store_ids,
        tags=tags,
    )
    product, purchase = _product_and_purchase(
        seller=seller, product=product, purchase=purchase
    )
    cleaned_photos = listing_photos_clean(photos)
    with transaction.atomic():
        # First: it locks the member, so two listings sent at once are checked
        # against the limits one after the other.
        member_posting_check(
            member=seller, kind=LISTING_POSTING_KIND, text=f"{title}\n{description}"
        )
        listing = Listing(
            seller=seller,
            title=title,
            description=description,
            price_cents=price,
            condition=condition,
            product=product,
            purchase=purchase,
            state=ListingState.DRAFT,
            state_changed_at=now,
            created_at=now,
        )
        listing.save()
        listing.tags.set(tags)
        listing.save()
        listing.handoff_stores.set(stores)
        if submit:
            _submit(listing, by=seller, now=now)
        listing_photos_attach(listing, cleaned_photos, start=0)
        listing_changed(listing)
    return listing


def listing_update(
    *,
    listing: Listing,
    editor,
    title: str,
    description: str,
    price_cents: int,
    condition: str,
    store_ids,
    tags=(),
    add_photos: Sequence = (),
    remove_photo_ids: Sequence = (),
    now: dt.datetime | None = None,
) -> Listing:
    """The seller changes their listing.

    Not once reserved or sold, nor when it was refused for a reason that cannot
    be fixed. A pending or published listing goes through moderation again (by
    the seller's trust level, as a new one); a refused one goes back to draft, to
    submit again; drafts, expired and withdrawn listings stay as they are. Open
    offers at or above a lowered price are no longer valid. Photos are checked
    before anything is written.
    """
    now = now or timezone.now()
    _seller_check(listing, editor, _("Only its seller may change a listing."))
    title, description, price, condition, stores, tags = _fields_clean(
        title=title,
        description=description,
        price_cents=price_cents,
        condition=condition,
        store_ids=store_ids,
        tags=tags,
    )
    remove = {int(pk) for pk in remove_photo_ids or () if str(pk).isdigit()}
    kept_count = listing.photos.exclude(pk__in=remove).count()
    cleaned_photos = listing_photos_clean(add_photos, already=kept_count)
    with transaction.atomic():
        member_posting_check(
            member=editor, kind=LISTING_POSTING_KIND, text=f"{title}\n{description}"
        )
        locked = _locked(listing)
        if locked.state not in EDITABLE_STATES:
            raise ValidationError(
                _("A listing that is “%(state)s” can no longer be changed.")
                % {"state": ListingState(locked.state).label}
            )
        if locked.state == ListingState.REJECTED and not moderated_type_of(
            locked
        ).can_fix(locked.rejection_reason):
            raise ValidationError(
                _("This listing was refused and cannot be changed or sold again.")
            )
        locked.title, locked.description = title, description
        locked.price_cents, locked.condition = price, condition
        locked.save(
            update_fields=[
                "title",
                "slug",
                "description",
                "price_cents",
                "condition",
                "updated_at",
            ]
        )
        locked.tags.set(tags)
        locked.save()
        locked.handoff_stores.set(stores)
        kept = listing_photos_keep(locked, remove_photo_ids=list(remove))
        Offer.objects.filter(
            listing=locked, status=OfferStatus.OPEN, amount_cents__gte=price
        ).update(status=OfferStatus.LAPSED, decided_at=now)
        if locked.state in (ListingState.PENDING, ListingState.PUBLISHED):
            content_submit(content=locked)
            member_posting_record(member=editor, kind=LISTING_POSTING_KIND)
        elif locked.state == ListingState.REJECTED:
            listing_state_move(
                locked, ListingState.DRAFT, by=editor, now=now, refusal_reasons=[]
            )
        listing_photos_attach(locked, cleaned_photos, start=len(kept))
        listing_changed(locked)
    return _copy_back(listing, locked)


def listing_submit(*, listing: Listing, by, now: dt.datetime | None = None) -> Listing:
    """The seller submits a draft (or a refused listing they fixed): published
    at once or waiting for a moderator, by their trust level. Not a listing
    refused for a reason that cannot be fixed."""
    now = now or timezone.now()
    _seller_check(listing, by, _("Only its seller may submit a listing."))
    with transaction.atomic():
        member_posting_check(
            member=by,
            kind=LISTING_POSTING_KIND,
            text=f"{listing.title}\n{listing.description}",
        )
        locked = _locked(listing)
        if locked.state == ListingState.REJECTED:
            if not moderated_type_of(locked).can_fix(locked.rejection_reason):
                raise ValidationError(
                    _("This listing was refused and cannot be submitted again.")
                )
            listing_state_move(
                locked, ListingState.DRAFT, by=by, now=now, refusal_reasons=[]
            )
        if locked.state != ListingState.DRAFT:
            raise ValidationError(
                _("Only a draft can be submitted; this listing is “%(state)s”.")
                % {"state": ListingState(locked.state).label}
            )
        _submit(locked, by=by, now=now)
        listing_changed(locked)
    return _copy_back(listing, locked)


def listing_withdraw(
    *, listing: Listing, by, now: dt.datetime | None = None
) -> Listing:
    """The seller takes their listing off sale (a draft, pending, on sale or
    reserved: the buyer is told the hand-off is cancelled). Its open offers are no
    longer valid and it leaves the queue. Withdrawing it again changes nothing;
    a sold, expired or refused listing is refused in words."""
    now = now or timezone.now()
    _seller_check(listing, by, _("Only its seller may withdraw a listing."))
    with transaction.atomic():
        locked = _locked(listing)
        if locked.state == ListingState.WITHDRAWN:
            return _copy_back(listing, locked)
        if locked.state not in WITHDRAWABLE_STATES:
            raise ValidationError(
                _("A listing that is “%(state)s” cannot be withdrawn.")
                % {"state": ListingState(locked.state).label}
            )
        listing_state_move(locked, ListingState.WITHDRAWN, by=by, now=now)
        for handoff in Handoff.objects.select_for_update().filter(
            listing=locked, status=HandoffStatus.RESERVED
        ):
            handoff.status = HandoffStatus.CANCELLED
            handoff.ended_at = now
            handoff.save(update_fields=["status", "ended_at"])
            notify.handoff_cancelled_notify(handoff, by=by)
        listing_offers_lapse(listing=locked, now=now)
        content_withdraw(content=locked)
        listing_changed(locked)
    return _copy_back(listing, locked)


def listing_relist(*, listing: Listing, by, now: dt.datetime | None = None) -> Listing:
    """The seller puts an expired or withdrawn listing back on sale: published
    for another ResaleSettings.listing_days, or waiting for a moderator by their
    trust level. Only its seller; the posting policy applies."""
    now = now or timezone.now()
    _seller_check(listing, by, _("Only its seller may put a listing back on sale."))
    with transaction.atomic():
        member_posting_check(
            member=by,
            kind=LISTING_POSTING_KIND,
            text=f"{listing.title}\n{listing.description}",
        )
        locked = _locked(listing)
        if locked.state not in (ListingState.EXPIRED, ListingState.WITHDRAWN):
            raise ValidationError(
                _(
                    "Only an expired or withdrawn listing can be put back on sale; "
                    "this one is “%(state)s”."
                )
                % {"state": ListingState(locked.state).label}
            )
        # The shop bought it (or is about to): a refused buy-back frees it again.
        if Buyback.objects.filter(
            listing=locked,
            status__in=[BuybackStatus.ACCEPTED, BuybackStatus.CREDITED],
        ).exists():
            raise ValidationError(
                _("The shop is buying this item back: it cannot go back on sale.")
            )
        if locked.state == ListingState.WITHDRAWN:
            listing_state_move(locked, ListingState.DRAFT, by=by, now=now)
        _submit(locked, by=by, now=now)
        listing_changed(locked)
    return _copy_back(listing, locked)


# --- Offers ----------------------------------------------------------------------


def _offer_locked(offer: Offer) -> Offer:
    return (
        Offer.objects.select_for_update(of=("self",))
        .select_related("buyer", "made_by", "store", "listing", "listing__seller")
        .get(pk=offer.pk)
    )


def _answer_check(offer: Offer, by) -> None:
    """Only the party the offer is made to may answer it, and only while open."""
    _require_member(by, _("Log in to answer an offer."))
    made_by_buyer = offer.made_by_id == offer.buyer_id
    answers = offer.listing.seller_id if made_by_buyer else offer.buyer_id
    if by.pk != answers:
        raise PermissionDenied(_("This offer is not yours to answer."))
    if offer.status != OfferStatus.OPEN:
        raise ValidationError(
            _("This offer is already “%(status)s”.")
            % {"status": OfferStatus(offer.status).label}
        )


def offer_make(
    *,
    listing: Listing,
    buyer,
    amount_cents: int,
    store,
    day,
    now: dt.datetime | None = None,
) -> Offer:
    """A buyer offers a lower price for a listing on sale, with the store and day
    of the hand-off they ask for; the seller is told.

    Refused: one's own listing; an amount not below the asking price (reserve it
    at its price instead); a store that is not one of the listing's or a day it is
    closed, in the past or too far; a second open offer on the same listing.
    """
    now = now or timezone.now()
    _require_member(buyer, _("Log in to make an offer."))
    if buyer.pk == listing.seller_id:
        raise ValidationError(_("This is your own listing: you cannot make an offer."))
    member_suspension_check(member=buyer)
    errors: dict[str, list[str]] = {}
    amount = _cents_clean(
        amount_cents, field="amount_cents", errors=errors, kind="offer"
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(listing)
        _for_sale_check(locked)
        if amount >= locked.price_cents:
            raise ValidationError(
                {
                    "amount_cents": _(
                        "An offer is below the asking price of %(price)s: reserve it "
                        "at its price instead."
                    )
                    % {"price": format_cents(locked.price_cents)}
                }
            )
        store = _store_check(locked, store)
        day = _day_check(store, day, now=now)
        if Offer.objects.filter(
            listing=locked, buyer=buyer, status=OfferStatus.OPEN
        ).exists():
            raise ValidationError(
                _(
                    "You already have an offer open on this listing: wait for the "
                    "answer, or withdraw it to make another."
                ),
                code="offer_open",
            )
        try:
            with transaction.atomic():
                offer = Offer.objects.create(
                    listing=locked,
                    buyer=buyer,
                    made_by=buyer,
                    amount_cents=amount,
                    store=store,
                    day=day,
                    created_at=now,
                )
        except IntegrityError:
            raise ValidationError(
                _(
                    "You already have an offer open on this listing: wait for the "
                    "answer, or withdraw it to make another."
                ),
                code="offer_open",
            ) from None
        notify.offer_made_notify(offer)
    return offer


def offer_accept(*, offer: Offer, by, now: dt.datetime | None = None) -> Handoff:
    """The party the offer is made to accepts it: the listing is reserved for the
    buyer at the offer's amount, at its store and day (both told, with the code).
    Refused when the listing is no longer on sale or the day has passed."""
    now = now or timezone.now()
    with transaction.atomic():
        listing = _locked(offer.listing)
        locked = _offer_locked(offer)
        _answer_check(locked, by)
        _for_sale_check(listing)
        if (
            locked.day < timezone.localdate(now)
            or not listing.handoff_stores.filter(pk=locked.store_id).exists()
        ):
            raise ValidationError(
                _(
                    "This offer was for a hand-off at %(store)s on %(day)s, which can "
                    "no longer be: answer with another offer instead."
                )
                % {"store": locked.store.name, "day": _day(locked.day)}
            )
        locked.status = OfferStatus.ACCEPTED
        locked.decided_at = now
        locked.save(update_fields=["status", "decided_at"])
        handoff = _reserve(
            listing,
            buyer=locked.buyer,
            store=locked.store,
            day=locked.day,
            price_cents=min(locked.amount_cents, listing.price_cents),
            offer=locked,
            by=by,
            now=now,
        )
        notify.offer_answered_notify(locked)
    offer.refresh_from_db()
    return handoff


def offer_decline(*, offer: Offer, by, now: dt.datetime | None = None) -> Offer:
    """The party the offer is made to declines it; who made it is told."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _offer_locked(offer)
        _answer_check(locked, by)
        locked.status = OfferStatus.DECLINED
        locked.decided_at = now
        locked.save(update_fields=["status", "decided_at"])
        notify.offer_answered_notify(locked)
    offer.refresh_from_db()
    return locked


def offer_counter(
    *, offer: Offer, by, amount_cents: int, now: dt.datetime | None = None
) -> Offer:
    """The party the offer is made to answers with another amount, below the
    asking price and other than the offer's: a new open offer, for the same store
    and day, that the other party may accept, decline or counter in turn."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    amount = _cents_clean(
        amount_cents, field="amount_cents", errors=errors, kind="offer"
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        listing = _locked(offer.listing)
        locked = _offer_locked(offer)
        _answer_check(locked, by)
        _for_sale_check(listing)
        if amount >= listing.price_cents:
            raise ValidationError(
                {
                    "amount_cents": _(
                        "Answer with an amount below the asking price of %(price)s."
                    )
                    % {"price": format_cents(listing.price_cents)}
                }
            )
        if amount == locked.amount_cents:
            raise ValidationError(
                {
                    "amount_cents": _(
                        "That is the amount offered: accept the offer instead."
                    )
                }
            )
        locked.status = OfferStatus.COUNTERED
        locked.decided_at = now
        locked.save(update_fields=["status", "decided_at"])
        counter = Offer.objects.create(
            listing=listing,
            buyer=locked.buyer,
            made_by=by,
            amount_cents=amount,
            store=locked.store,
            day=locked.day,
            counter_of=locked,
            created_at=now,
        )
        notify.offer_answered_notify(locked, counter=counter)
        notify.offer_made_notify(counter)
    offer.refresh_from_db()
    return counter


def offer_withdraw(*, offer: Offer, by, now: dt.datetime | None = None) -> Offer:
    """Who made an open offer takes it back; the other party is told in the app.
    Withdrawing it again changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _offer_locked(offer)
        _require_member(by, _("Log in to withdraw your offer."))
        if by.pk != locked.made_by_id:
            raise PermissionDenied(_("Only who made an offer may withdraw it."))
        if locked.status == OfferStatus.WITHDRAWN:
            return locked
        if locked.status != OfferStatus.OPEN:
            raise ValidationError(
                _("This offer is already “%(status)s”.")
                % {"status": OfferStatus(locked.status).label}
            )
        locked.status = OfferStatus.WITHDRAWN
        locked.decided_at = now
        locked.save(update_fields=["status", "decided_at"])
        notify.offer_withdrawn_notify(locked)
    offer.refresh_from_db()
    return locked


# --- Reservations and hand-offs --------------------------------------------------


def listing_reserve(
    *, listing: Listing, buyer, store, day, now: dt.datetime | None = None
) -> Handoff:
    """A buyer reserves a listing on sale at its full price, for a hand-off at one
    of the seller's stores on one of its open days (`handoff_days`); both get the
    hand-off code. Not one's own listing. Two buyers at once: one gets it, the
    other is told it has just been reserved."""
    now = now or timezone.now()
    _require_member(buyer, _("Log in to reserve this listing."))
    if buyer.pk == listing.seller_id:
        raise ValidationError(_("This is your own listing: you cannot reserve it."))
    member_suspension_check(member=buyer)
    with transaction.atomic():
        locked = _locked(listing)
        _for_sale_check(locked)
        store = _store_check(locked, store)
        day = _day_check(store, day, now=now)
        handoff = _reserve(
            locked,
            buyer=buyer,
            store=store,
            day=day,
            price_cents=locked.price_cents,
            offer=None,
            by=buyer,
            now=now,
        )
    _copy_back(listing, locked)
    return handoff


def _handoff_ended_sentence(handoff: Handoff) -> str:
    day = _day(timezone.localdate(handoff.ended_at)) if handoff.ended_at else ""
    sentences = {
        HandoffStatus.HANDED_OVER: _(
            "This code was already used on %(day)s: the item is handed over and paid."
        ),
        HandoffStatus.LAPSED: _(
            "This reservation lapsed on %(day)s, as it was not handed over in time."
        ),
        HandoffStatus.CANCELLED: _("This reservation was cancelled on %(day)s."),
    }
    return sentences[handoff.status] % {"day": day}


def _back_on_sale(listing: Listing, *, by, now: dt.datetime, reason: str, exclude):
    """A reservation ended without a sale: the listing is on sale again (for at
    least the reminder days more) and the interested members are told."""
    rules = ResaleSettings.load()
    floor = now + dt.timedelta(days=rules.expiry_reminder_days)
    expires_at = max(listing.expires_at or floor, floor)
    listing_state_move(
        listing,
        ListingState.PUBLISHED,
        by=by,
        now=now,
        reason=reason,
        expires_at=expires_at,
    )
    notify.listing_back_on_sale_notify(
        listing, member_ids=_interested_member_ids(listing, exclude=exclude)
    )
    listing_changed(listing)


def handoff_cancel(*, handoff: Handoff, by, now: dt.datetime | None = None) -> Handoff:
    """The buyer or the seller cancels a reserved hand-off: the listing is on sale
    again, the other party and the interested members are told. Cancelling it
    again changes nothing; one handed over or lapsed is refused in words."""
    now = now or timezone.now()
    _require_member(by, _("Log in to cancel this hand-off."))
    if by.pk not in (handoff.buyer_id, handoff.seller_id):
        raise PermissionDenied(_("This hand-off is not yours."))
    with transaction.atomic():
        listing = _locked(handoff.listing)
        locked = (
            Handoff.objects.select_for_update(of=("self",))
            .select_related("listing", "buyer", "seller", "store")
            .get(pk=handoff.pk)
        )
        if locked.status == HandoffStatus.CANCELLED:
            return locked
        if locked.status != HandoffStatus.RESERVED:
            raise ValidationError(_handoff_ended_sentence(locked))
        locked.status = HandoffStatus.CANCELLED
        locked.ended_at = now
        locked.save(update_fields=["status", "ended_at"])
        if listing.state == ListingState.RESERVED:
            _back_on_sale(
                listing,
                by=by,
                now=now,
                reason=_("The hand-off was cancelled."),
                exclude=[locked.buyer_id],
            )
        locked.listing = listing
        notify.handoff_cancelled_notify(locked, by=by)
    handoff.refresh_from_db()
    return locked


def handoff_confirm(
    *,
    store: Store,
    code: str,
    by,
    paid_cents: int,
    payout: str = Payout.CASH,
    now: dt.datetime | None = None,
) -> Handoff:
    """Store staff confirm a hand-off at their store with the buyer's code and
    record what the buyer paid at the till: the listing is sold.

    Only the staff of that store (PermissionDenied). The code is single use: a
    wrong code, another store's, a used, lapsed or cancelled one is refused in
    words. `paid_cents` must be exactly the agreed price. A reservation past its
    `lapses_at` that the daily pass has not lapsed yet may still be confirmed: the
    buyer and the item are at the desk. The seller is paid
    through the ledger in the same transaction (payments.py), once.
    """
    now = now or timezone.now()
    if by is None or store_staffed_by(by, store.code) is None:
        raise PermissionDenied(
            _("Only the staff of %(store)s may do this.") % {"store": store.name}
        )
    typed = handoff_code_clean(code)
    if not typed:
        raise ValidationError({"code": _("Type the buyer's hand-off code.")})
    found = Handoff.objects.filter(code=typed, store=store).first()
    if found is None:
        # Never tell a store about another store's hand-offs.
        raise ValidationError(
            {
                "code": _(
                    "No hand-off at %(store)s has the code %(code)s: check it with "
                    "the buyer."
                )
                % {"store": store.name, "code": handoff_code_display(typed)}
            }
        )
    if payout not in Payout.values:
        raise ValidationError({"payout": _("Choose how the seller is paid.")})
    errors: dict[str, list[str]] = {}
    paid = _cents_clean(paid_cents, field="paid_cents", errors=errors, kind="amount")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        listing = _locked(found.listing)
        handoff = (
            Handoff.objects.select_for_update(of=("self",))
            .select_related("buyer", "seller", "store")
            .get(pk=found.pk)
        )
        if handoff.status != HandoffStatus.RESERVED:
            raise ValidationError({"code": _handoff_ended_sentence(handoff)})
        if paid != handoff.price_cents:
            raise ValidationError(
                {
                    "paid_cents": _(
                        "The agreed price is %(price)s; %(paid)s was recorded. The "
                        "buyer pays exactly the agreed price at the till."
                    )
                    % {
                        "price": format_cents(handoff.price_cents),
                        "paid": format_cents(paid),
                    }
                }
            )
        handoff.status = HandoffStatus.HANDED_OVER
        handoff.ended_at = now
        handoff.confirmed_by = by
        handoff.paid_cents = paid
        handoff.payout = payout
        handoff.rating_closes_at = now + dt.timedelta(
            days=ResaleSettings.load().rating_days
        )
        handoff.save(
            update_fields=[
                "status",
                "ended_at",
                "confirmed_by",
                "paid_cents",
                "payout",
                "rating_closes_at",
            ]
        )
        listing_state_move(
            listing,
            ListingState.SOLD,
            by=by,
            now=now,
            sold_at=now,
            sold_price_cents=paid,
        )
        listing_offers_lapse(listing=listing, now=now)
        handoff.listing = listing
        handoff.ledger_key = handoff_payment_post(handoff, now=now)
        Handoff.objects.filter(pk=handoff.pk).update(ledger_key=handoff.ledger_key)
        notify.handoff_sold_notify(handoff)
        listing_changed(listing)
    return handoff


# --- The daily pass --------------------------------------------------------------


def _lapse_due(*, now: dt.datetime) -> int:
    lapsed = 0
    due = Handoff.objects.filter(
        status=HandoffStatus.RESERVED, lapses_at__lte=now
    ).order_by("pk")
    for handoff_id, listing_id in list(due.values_list("pk", "listing_id")):
        with transaction.atomic():
            listing = (
                Listing.objects.select_for_update(of=("self",))
                .select_related("seller", "product")
                .get(pk=listing_id)
            )
            # Still reserved and due: a run at the same time, or a confirmation at
            # the desk, may have ended it since it was read.
            handoff = (
                Handoff.objects.select_for_update(of=("self",))
                .select_related("buyer", "seller", "store")
                .filter(
                    pk=handoff_id, status=HandoffStatus.RESERVED, lapses_at__lte=now
                )
                .first()
            )
            if handoff is None:
                continue
            handoff.status = HandoffStatus.LAPSED
            handoff.ended_at = now
            handoff.save(update_fields=["status", "ended_at"])
            handoff.listing = listing
            notify.handoff_lapsed_notify(handoff)
            if listing.state == ListingState.RESERVED:
                _back_on_sale(
                    listing,
                    by=None,
                    now=now,
                    reason=_("The reservation lapsed: not handed over in time."),
                    exclude=[handoff.buyer_id],
                )
            lapsed += 1
    return lapsed


def _expire_due(*, now: dt.datetime) -> int:
    expired = 0
    due = Listing.objects.filter(
        state=ListingState.PUBLISHED, expires_at__lte=now
    ).order_by("pk")
    for listing_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            listing = (
                Listing.objects.select_for_update(of=("self",))
                .select_related("seller", "product")
                .filter(
                    pk=listing_id, state=ListingState.PUBLISHED, expires_at__lte=now
                )
                .first()
            )
            if listing is None:
                continue
            listing_state_move(
                listing,
                ListingState.EXPIRED,
                by=None,
                now=now,
                reason=_("Not sold in time."),
            )
            listing_offers_lapse(listing=listing, now=now)
            notify.listing_expired_notify(listing)
            listing_changed(listing)
            expired += 1
    return expired


def _remind_due(*, now: dt.datetime, days: int) -> int:
    reminded = 0
    due = Listing.objects.filter(
        state=ListingState.PUBLISHED,
        expires_at__gt=now,
        expires_at__lte=now + dt.timedelta(days=days),
        expiry_reminded_at__isnull=True,
    ).order_by("pk")
    for listing_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            # Once each, whoever sets `expiry_reminded_at` first.
            marked = Listing.objects.filter(
                pk=listing_id,
                state=ListingState.PUBLISHED,
                expiry_reminded_at__isnull=True,
            ).update(expiry_reminded_at=now)
            if not marked:
                continue
            listing = Listing.objects.select_related("seller").get(pk=listing_id)
            notify.listing_expiry_reminder_notify(listing)
            reminded += 1
    return reminded


def resale_refresh(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The daily pass: reservations not handed over in time lapse (both parties
    told, the listing on sale again and the interested members told); listings
    on sale past their `expires_at` expire (the seller told); those expiring
    within ResaleSettings.expiry_reminder_days are reminded, once; ratings whose
    window closed without the other side's are published. Idempotent.
    Returns counts {"lapsed": n, "expired": n, "reminded": n, "ratings": n}."""
    now = now or timezone.now()
    rules = ResaleSettings.load()
    lapsed = _lapse_due(now=now)
    expired = _expire_due(now=now)
    reminded = _remind_due(now=now, days=rules.expiry_reminder_days)
    published = ratings_publish_due(now=now)
    return {
        "lapsed": lapsed,
        "expired": expired,
        "reminded": reminded,
        "ratings": published,
    }


__all__ = [
    "CODE_ALPHABET",
    "LISTINGS_TAG",
    "PUBLIC_STATES",
    "handoff_cancel",
    "handoff_code_clean",
    "handoff_code_display",
    "handoff_confirm",
    "handoff_days",
    "listing_changed",
    "listing_create",
    "listing_on_sale",
    "listing_offers_lapse",
    "listing_photos_delete",
    "listing_relist",
    "listing_reserve",
    "listing_state_move",
    "listing_submit",
    "listing_tag",
    "listing_update",
    "listing_withdraw",
    "offer_accept",
    "offer_counter",
    "offer_decline",
    "offer_make",
    "offer_withdraw",
    "resale_refresh",
]
