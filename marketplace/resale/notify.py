"""Who is told what when a listing, an offer or a hand-off moves on.

- a new offer (`resale_offer_new`): the party it is made to (the seller, or the
  buyer for a counter-offer), app and e-mail;
- an offer answered (`resale_offer_answered`: accepted, declined, countered): the
  party who made it, app and e-mail; withdrawn: the other party, in the app;
- reserved (`resale_reserved`): buyer and seller, app and e-mail, with the store,
  the day, the price to pay at the till and the hand-off code;
- a hand-off cancelled (`resale_handoff_cancelled`): the other party;
- lapsed, not handed over in time (`resale_lapsed`): buyer and seller;
- sold (`resale_sold`): buyer and seller, in the app (both were at the store);
- the expiry reminder, days before (`resale_expiry_reminder`) and expired
  (`resale_expired`): the seller, app and e-mail;
- back on sale (`resale_back_on_sale`): the members who were interested (an offer
  or a conversation), app and e-mail.

E-mails are in the "trades" category. Everything here runs inside the service's
transaction: `notification_send` writes the row there and sends the live count
and the e-mail only once it commits, so a rolled-back change tells nobody.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from community.notifications.services import notification_send
from comptoir.money import format_cents

from .models import Handoff, Listing, Offer

EMAIL_CATEGORY = "trades"


def _url(listing: Listing) -> str:
    try:
        return listing.get_absolute_url()
    except NoReverseMatch:
        # A site without the resale pages: the message still says everything.
        return ""


def _my_listings_url() -> str:
    from django.urls import reverse

    try:
        return reverse("resale:my_listings")
    except NoReverseMatch:
        return ""


def _day(value) -> str:
    return date_format(value, "l j F Y")


def _moment(value) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _send(recipient, *, kind: str, title: str, lines, url: str, email=True) -> None:
    notification_send(
        recipient=recipient,
        kind=kind,
        title=title,
        body="\n".join(str(line) for line in lines if line),
        url=url,
        email=email,
        email_category=EMAIL_CATEGORY if email else None,
    )


def handoff_code_display(code: str) -> str:
    """A hand-off code as people read it: "ABCD-EFGH"."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}" if len(code) == 8 else code


def _where(store) -> list[str]:
    address = ", ".join(
        part
        for part in [
            store.address,
            " ".join(p for p in [store.postcode, store.city] if p),
        ]
        if part
    )
    lines = [
        _("Where: %(store)s, %(address)s") % {"store": store.name, "address": address}
        if address
        else _("Where: %(store)s") % {"store": store.name}
    ]
    if store.opening_hours:
        lines.append(
            _("Opening hours: %(hours)s")
            % {"hours": "; ".join(store.opening_hours.splitlines())}
        )
    return lines


def _offer_lines(offer: Offer) -> list[str]:
    return [
        _("Offer: %(amount)s for “%(title)s” (asking price %(price)s)")
        % {
            "amount": format_cents(offer.amount_cents),
            "title": offer.listing.title,
            "price": format_cents(offer.listing.price_cents),
        },
        _("Hand-off: %(store)s, %(day)s")
        % {"store": offer.store.name, "day": _day(offer.day)},
    ]


def offer_made_notify(offer: Offer) -> None:
    """A new offer, or a counter-offer: the party who may answer it."""
    listing = offer.listing
    counter = offer.made_by_id != offer.buyer_id
    recipient = offer.buyer if counter else listing.seller
    title = (
        _("%(name)s answers with %(amount)s for “%(title)s”")
        if counter
        else _("%(name)s offers %(amount)s for “%(title)s”")
    ) % {
        "name": offer.made_by.public_name,
        "amount": format_cents(offer.amount_cents),
        "title": listing.title,
    }
    _send(
        recipient,
        kind="resale_offer_new",
        title=title,
        lines=[
            *_offer_lines(offer),
            _("Accept it, decline it or answer with another price."),
        ],
        url=_url(listing) if counter else _my_listings_url() or _url(listing),
    )


def offer_answered_notify(offer: Offer, *, counter: Offer | None = None) -> None:
    """Accepted, declined or countered: the party who made the offer."""
    listing = offer.listing
    recipient = offer.made_by
    values = {
        "amount": format_cents(offer.amount_cents),
        "title": listing.title,
    }
    if counter is not None:
        title = _("Your offer of %(amount)s for “%(title)s” got an answer") % values
        lines = [
            _("%(name)s proposes %(counter)s instead.")
            % {
                "name": counter.made_by.public_name,
                "counter": format_cents(counter.amount_cents),
            },
            _("Accept it, decline it or answer with another price."),
        ]
    elif offer.status == "accepted":
        title = _("Your offer of %(amount)s for “%(title)s” is accepted") % values
        lines = [_("The listing is reserved for the hand-off.")]
    else:
        title = _("Your offer of %(amount)s for “%(title)s” was declined") % values
        lines = [_("You may make another offer while it is on sale.")]
    _send(
        recipient,
        kind="resale_offer_answered",
        title=title,
        lines=lines,
        url=_url(listing),
    )


def offer_withdrawn_notify(offer: Offer) -> None:
    """The party who made the offer took it back: the other one, in the app."""
    listing = offer.listing
    recipient = listing.seller if offer.made_by_id == offer.buyer_id else offer.buyer
    _send(
        recipient,
        kind="resale_offer_withdrawn",
        title=_("The offer of %(amount)s for “%(title)s” was withdrawn")
        % {"amount": format_cents(offer.amount_cents), "title": listing.title},
        lines=[],
        url=_url(listing),
        email=False,
    )


def _handoff_lines(handoff: Handoff) -> list[str]:
    return [
        _("“%(title)s”, %(price)s to pay at the till")
        % {"title": handoff.listing.title, "price": format_cents(handoff.price_cents)},
        _("Hand-off day: %(day)s") % {"day": _day(handoff.day)},
        *_where(handoff.store),
        _("Hand-off code: %(code)s (show it, or its QR code, at the desk).")
        % {"code": handoff_code_display(handoff.code)},
        _("Not handed over by %(moment)s, the reservation lapses.")
        % {"moment": _moment(handoff.lapses_at)},
    ]


def handoff_reserved_notify(handoff: Handoff) -> None:
    """Reserved: both parties, with everything they need at the store."""
    listing = handoff.listing
    _send(
        handoff.buyer,
        kind="resale_reserved",
        title=_("You reserved “%(title)s”") % {"title": listing.title},
        lines=_handoff_lines(handoff),
        url=_url(listing),
    )
    _send(
        handoff.seller,
        kind="resale_reserved",
        title=_("%(name)s reserved “%(title)s”")
        % {"name": handoff.buyer.public_name, "title": listing.title},
        lines=[
            *_handoff_lines(handoff),
            _("Bring the item to the store's desk on that day."),
        ],
        url=_my_listings_url() or _url(listing),
    )


def handoff_cancelled_notify(handoff: Handoff, *, by) -> None:
    """One party cancelled the hand-off: the other one."""
    listing = handoff.listing
    recipient = handoff.seller if by.pk == handoff.buyer_id else handoff.buyer
    _send(
        recipient,
        kind="resale_handoff_cancelled",
        title=_("The hand-off of “%(title)s” is cancelled") % {"title": listing.title},
        lines=[
            _("%(name)s cancelled the hand-off planned at %(store)s on %(day)s.")
            % {
                "name": by.public_name,
                "store": handoff.store.name,
                "day": _day(handoff.day),
            },
            _("The listing is on sale again.") if listing.state == "published" else "",
        ],
        url=_url(listing),
    )


def handoff_lapsed_notify(handoff: Handoff) -> None:
    """Not handed over in time: both parties."""
    listing = handoff.listing
    line = _(
        "“%(title)s” was not handed over at %(store)s by %(moment)s: the reservation "
        "has lapsed."
    ) % {
        "title": listing.title,
        "store": handoff.store.name,
        "moment": _moment(handoff.lapses_at),
    }
    _send(
        handoff.buyer,
        kind="resale_lapsed",
        title=_("Your reservation of “%(title)s” has lapsed")
        % {"title": listing.title},
        lines=[line],
        url=_url(listing),
    )
    _send(
        handoff.seller,
        kind="resale_lapsed",
        title=_("The reservation of “%(title)s” has lapsed") % {"title": listing.title},
        lines=[line, _("Your listing is on sale again.")],
        url=_my_listings_url() or _url(listing),
    )


def handoff_sold_notify(handoff: Handoff) -> None:
    """Handed over and paid: both parties, in the app (both were there)."""
    listing = handoff.listing
    values = {"title": listing.title, "price": format_cents(handoff.paid_cents)}
    _send(
        handoff.buyer,
        kind="resale_sold",
        title=_("You bought “%(title)s” for %(price)s") % values,
        lines=[_("Thank you! You may now rate the seller.")],
        url=_url(listing),
        email=False,
    )
    _send(
        handoff.seller,
        kind="resale_sold",
        title=_("You sold “%(title)s” for %(price)s") % values,
        lines=[_("Thank you! You may now rate the buyer.")],
        url=_my_listings_url() or _url(listing),
        email=False,
    )


def listing_expiry_reminder_notify(listing: Listing) -> None:
    """Some days before it expires: the seller."""
    _send(
        listing.seller,
        kind="resale_expiry_reminder",
        title=_("“%(title)s” comes off sale on %(day)s")
        % {
            "title": listing.title,
            "day": _day(timezone.localdate(listing.expires_at)),
        },
        lines=[
            _(
                "Not sold by then, it expires; you may put it back on sale from your "
                "listings, or lower its price now."
            )
        ],
        url=_my_listings_url() or _url(listing),
    )


def listing_expired_notify(listing: Listing) -> None:
    """Not sold in time: the seller."""
    _send(
        listing.seller,
        kind="resale_expired",
        title=_("“%(title)s” has expired") % {"title": listing.title},
        lines=[
            _(
                "It was not sold in time and left the second-hand pages. You may put "
                "it back on sale from your listings."
            )
        ],
        url=_my_listings_url() or _url(listing),
    )


def listing_back_on_sale_notify(listing: Listing, *, member_ids) -> int:
    """The listing is on sale again (a reservation lapsed or was cancelled): the
    members who were interested in it. Returns how many were told."""
    members = get_user_model().objects.filter(pk__in=set(member_ids), is_active=True)
    told = 0
    for member in members.order_by("pk"):
        _send(
            member,
            kind="resale_back_on_sale",
            title=_("“%(title)s” is on sale again") % {"title": listing.title},
            lines=[
                _("Asking price: %(price)s")
                % {"price": format_cents(listing.price_cents)},
                _("The reservation of another member did not go through."),
            ],
            url=_url(listing),
        )
        told += 1
    return told
