"""Public pages of second-hand sales: the list, put on sale, edit, one listing and
its actions (offer, reserve, withdraw…), photos, my listings and hand-off codes.

Who may do what: anyone reads public listings (published by moderation: on sale,
reserved or sold); a signed-in member sells, makes offers and reserves; only the
seller (and moderators) see a listing that is not public — anyone else gets 404,
so its existence stays private; only the seller edits or withdraws it. Actions
are POST only and answer with a redirect and a message; a refusal is the
service's, in its words, shown on the form that sent it.
"""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from comptoir.form_errors import form_errors_add, refusal_words
from comptoir.markup import markdown_to_plain_text
from comptoir.money import format_cents
from comptoir.uploads import image_thumbnail

from . import buyback, dac7, ratings, selectors, services
from .forms import (
    CounterForm,
    ListingFilterForm,
    ListingForm,
    OfferForm,
    RatingForm,
    ReserveForm,
    cents_to_euros,
)
from .models import (
    CONDITION_DEFINITIONS,
    Buyback,
    BuybackStatus,
    HandoffStatus,
    ListingState,
    OfferStatus,
    ResaleSettings,
)

LISTINGS_PER_PAGE = 24
PHOTO_THUMB_SIZE = (160, 120)
# Modules of 8 px: read at arm's length from a phone held up to the desk's scanner.
QR_SCALE = 8
# The services' own: what the pages offer is what the services allow.
EDITABLE_STATES = services.EDITABLE_STATES
WITHDRAWABLE_STATES = services.WITHDRAWABLE_STATES
RELISTABLE_STATES = frozenset({ListingState.EXPIRED, ListingState.WITHDRAWN})
# The seller's recent published ratings on their listings' pages.
RATINGS_SHOWN = 5
OFFER_ACTIONS = ("accept", "decline", "counter", "withdraw")


# The services name a few fields as the model does; the forms as people type them.
FIELD_NAMES = {
    "price_cents": "price",
    "product": "product_sku",
    "store": "slot",
    "day": "slot",
    "amount_cents": "amount",
    # A hidden field: its refusal is said at the top of the form.
    "purchase": "__all__",
}


def _errors_add(form, error: ValidationError) -> None:
    """A service's refusal on the form, on the field it is about."""
    form_errors_add(form, error, renamed=FIELD_NAMES)


def _saved_message(listing) -> str:
    if listing.state == ListingState.DRAFT:
        return _(
            "Your draft is saved. Publish it when it is ready: nobody else sees it "
            "until then."
        )
    if listing.state == ListingState.PENDING:
        return _(
            "Thank you! Your listing will be on sale once a moderator has checked "
            "it; follow it on “My listings”."
        )
    return _("Your listing is on sale.")


def _login_url(request: HttpRequest, anchor: str = "") -> str:
    return (
        reverse("account_login")
        + "?"
        + urlencode({"next": request.get_full_path() + anchor})
    )


def _my_listings_url(anchor: str = "") -> str:
    return reverse("resale:my_listings") + anchor


# --- The list ----------------------------------------------------------------------


@require_safe
def listing_list(request: HttpRequest) -> HttpResponse:
    """/resale/: listings on sale, searched, filtered and sorted, by keyset."""
    stores = selectors.store_options()
    form = ListingFilterForm(
        request.GET or None, tags=selectors.listing_tags(), stores=stores
    )
    filters = form.filters()
    product_sku = filters.pop("product_sku")
    product = selectors.filter_product(sku=product_sku) if product_sku else None
    if product_sku and product is None:
        form.add_error("product", _("No product of our catalog has this reference."))
    page = selectors.listing_list_page(
        params=request.GET, per_page=LISTINGS_PER_PAGE, product=product, **filters
    )
    nearest_asked = filters["sort"] == selectors.NEAREST_SORT
    filtered = any(
        (
            filters["query"],
            filters["tag"],
            filters["condition"],
            filters["min_cents"] is not None,
            filters["max_cents"] is not None,
            filters["store"],
            filters["with_product"],
            product,
        )
    )
    return render(
        request,
        "resale/listing_list.html",
        {
            "form": form,
            "filters": filters,
            "product": product,
            "page_obj": page,
            "filtered": filtered,
            "nearest_missing": nearest_asked and filters["near"] is None,
        },
    )


# --- Put on sale, edit ---------------------------------------------------------------


def _new_listing_initial(request: HttpRequest) -> dict:
    """ "Resell this" (?purchase=<id>, the member's own purchase) or a product page
    (?product=<reference>) starts the form from the catalog product."""
    from marketplace.catalog.models import Product
    from marketplace.sales.models import SaleEvent

    initial: dict = {}
    member = request.user
    if member.home_store_id:
        initial["store_ids"] = [member.home_store_id]
    product = None
    purchase_id = request.GET.get("purchase", "")
    if purchase_id.isdigit():
        purchase = (
            SaleEvent.objects.filter(
                pk=int(purchase_id), member_id=member.pk, product__isnull=False
            )
            .select_related("product")
            .first()
        )
        if purchase is not None:
            product = purchase.product
            initial["purchase"] = purchase.pk
    sku = request.GET.get("product", "").strip()
    if product is None and sku:
        product = Product.objects.filter(active=True, sku=sku[:64]).first()
    if product is not None:
        initial["title"] = product.name[:120]
        initial["product_sku"] = product.sku
    return initial


def _purchase_from(form, member):
    """The purchase id the form carried, as a SaleEvent; a form error if unknown
    (the service says whether it is the member's)."""
    from marketplace.sales.models import SaleEvent

    purchase_id = form.cleaned_data.get("purchase")
    if not purchase_id:
        return None, True
    purchase = (
        SaleEvent.objects.filter(pk=purchase_id).select_related("product").first()
    )
    if purchase is None:
        form.add_error(None, _("This purchase is not yours."))
        return None, False
    return purchase, True


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def listing_create(request: HttpRequest) -> HttpResponse:
    """/resale/new/: put something on sale, saved as a draft or published."""
    stores = selectors.store_options()
    status = 200
    if request.method == "POST":
        form = ListingForm(request.POST, request.FILES, stores=stores)
        if form.is_valid():
            data = form.cleaned_data
            purchase, found = _purchase_from(form, request.user)
            product = data.get("product_sku")
            if purchase is not None and product is None:
                product = purchase.product
            if found:
                try:
                    listing = services.listing_create(
                        seller=request.user,
                        title=data["title"],
                        description=data["description"],
                        price_cents=data["price"],
                        condition=data["condition"],
                        store_ids=data["store_ids"],
                        tags=data["tags"],
                        product=product,
                        purchase=purchase,
                        photos=data["photos"],
                        submit="draft" not in request.POST,
                    )
                except ValidationError as error:
                    _errors_add(form, error)
                except PermissionDenied as error:
                    form.add_error(None, refusal_words(error))
                    status = 403
                else:
                    messages.success(request, _saved_message(listing))
                    return redirect(listing.get_absolute_url())
        if form.errors and status == 200:
            status = 400
    else:
        form = ListingForm(stores=stores, initial=_new_listing_initial(request))
    return render(
        request,
        "resale/listing_form.html",
        {"form": form, "listing": None, "photos": []},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def listing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The seller edits their listing until it is reserved; anyone else gets 404."""
    listing = selectors.listing_for_seller(pk=pk, member=request.user)
    if listing.state not in EDITABLE_STATES:
        messages.error(
            request,
            _("This listing can no longer be edited: it is %(state)s.")
            % {"state": listing.get_state_display().lower()},
        )
        return redirect(listing.get_absolute_url())
    stores = selectors.store_options()
    photos = list(listing.photos.all())
    status = 200
    if request.method == "POST":
        form = ListingForm(
            request.POST, request.FILES, stores=stores, photos=photos, editing=True
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                listing = services.listing_update(
                    listing=listing,
                    editor=request.user,
                    title=data["title"],
                    description=data["description"],
                    price_cents=data["price"],
                    condition=data["condition"],
                    store_ids=data["store_ids"],
                    tags=data["tags"],
                    add_photos=data["photos"],
                    remove_photo_ids=data.get("remove_photos") or [],
                )
            except ValidationError as error:
                _errors_add(form, error)
            except PermissionDenied as error:
                form.add_error(None, refusal_words(error))
                status = 403
            else:
                if "publish" in request.POST and listing.state == ListingState.DRAFT:
                    # The edit is saved either way; a refused submission says why.
                    try:
                        listing = services.listing_submit(
                            listing=listing, by=request.user
                        )
                    except (ValidationError, PermissionDenied) as error:
                        messages.error(request, refusal_words(error))
                        return redirect(listing.get_absolute_url())
                messages.success(request, _saved_message(listing))
                return redirect(listing.get_absolute_url())
        if form.errors and status == 200:
            status = 400
    else:
        form = ListingForm(
            stores=stores,
            photos=photos,
            editing=True,
            initial={
                "title": listing.title,
                "description": listing.description,
                "price": cents_to_euros(listing.price_cents),
                "condition": listing.condition,
                "tags": ", ".join(tag.name for tag in listing.tags.all()),
                "store_ids": [store.pk for store in listing.handoff_stores.all()],
            },
        )
    return render(
        request,
        "resale/listing_form.html",
        {"form": form, "listing": listing, "photos": photos},
        status=status,
    )


# --- One listing ---------------------------------------------------------------------


def _relist_allowed(record) -> bool:
    """The seller's own "Put back on sale": a listing the shop is buying back (or
    bought) stays off the market; one it refused at inspection is put back from
    the buy-back's note (includes/buyback_status.html)."""
    return record is None


def _buyback_offer(listing, record, rules=None) -> int | None:
    """The shop's buy-back price for the seller to accept, in cents, or None (no
    quote, already accepted, or promised to a buyer)."""
    if record is not None or listing.state not in buyback.BUYABLE_STATES:
        return None
    return buyback.buyback_quote(listing=listing, rules=rules)


def _stores_days(listing) -> list:
    """(store, the days a buyer may pick there) for each hand-off store."""
    stores = sorted(listing.handoff_stores.all(), key=lambda s: (s.name, s.pk))
    return [(store, services.handoff_days(store=store)) for store in stores]


def _detail_context(
    request: HttpRequest, listing, *, offer_form=None, reserve_form=None
) -> dict:
    user = request.user
    member = user if user.is_authenticated else None
    is_seller = member is not None and member.pk == listing.seller_id
    on_sale = listing.is_public and listing.state == ListingState.PUBLISHED
    context = {
        "listing": listing,
        "description": markdown_to_plain_text(listing.description),
        "condition_definition": CONDITION_DEFINITIONS.get(listing.condition, ""),
        "is_seller": is_seller,
        "on_sale": on_sale,
        "photos": selectors.listing_photos(listing=listing),
        "stores": selectors.listing_stores_stock(listing=listing),
        "reputation": selectors.seller_reputation(seller_id=listing.seller_id),
        "tags": list(listing.tags.all()),
        "login_url": _login_url(request, "#buy"),
        "can_edit": is_seller and listing.state in EDITABLE_STATES,
        "can_withdraw": is_seller and listing.state in WITHDRAWABLE_STATES,
        "can_relist": is_seller and listing.state in RELISTABLE_STATES,
        "can_submit": is_seller and listing.state == ListingState.DRAFT,
        "can_buy": member is not None and not is_seller and on_sale,
        "my_offer": None,
        "my_handoff": None,
        "ratings_shown": list(
            ratings.ratings_shown(member_id=listing.seller_id, limit=RATINGS_SHOWN)
        ),
        "buyback": None,
        "buyback_cents": None,
    }
    if is_seller:
        context["buyback"] = selectors.listing_buyback(listing=listing)
        context["can_relist"] = context["can_relist"] and _relist_allowed(
            context["buyback"]
        )
        context["buyback_cents"] = _buyback_offer(listing, context["buyback"])
    if member is not None and not is_seller:
        context["my_offer"] = selectors.buyer_open_offer(listing=listing, member=member)
        context["my_handoff"] = selectors.buyer_open_handoff(
            listing=listing, member=member
        )
        if context["my_handoff"] is not None:
            context["my_handoff"].code_display = selectors.handoff_code_display(
                context["my_handoff"].code
            )
    if context["can_buy"]:
        today = timezone.localdate()
        stores_days = _stores_days(listing)
        context["offer_form"] = offer_form or OfferForm(
            stores_days=stores_days, today=today
        )
        context["reserve_form"] = reserve_form or ReserveForm(
            stores_days=stores_days, today=today
        )
        context["counter_form"] = CounterForm()
        context["no_day"] = not any(days for _store, days in stores_days)
    return context


@require_safe
def listing_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """/resale/<id>-<slug>/: the listing, its seller, stores, offer and reserve."""
    listing = selectors.listing_for_viewer(pk=pk, viewer=request.user)
    if slug != listing.slug:
        target = listing.get_absolute_url()
        if request.META.get("QUERY_STRING"):
            target += "?" + request.META["QUERY_STRING"]
        return redirect(target, permanent=True)
    response = render(
        request, "resale/listing_detail.html", _detail_context(request, listing)
    )
    if not listing.is_public:
        # Only its seller and moderators see it: no shared cache may keep it.
        patch_cache_control(response, private=True)
    return response


def _detail_with_errors(request, listing, **forms) -> HttpResponse:
    """The listing's page again with the refused form and its errors; when the
    page has no such form for this member (their own listing, no longer on
    sale), the errors as messages above the page."""
    context = _detail_context(request, listing, **forms)
    if not context["can_buy"]:
        for form in forms.values():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect(listing.get_absolute_url() + "#buy")
    return render(request, "resale/listing_detail.html", context, status=400)


@login_required
@require_POST
def listing_offer(request: HttpRequest, pk: int) -> HttpResponse:
    """Make an offer below the price: amount, store and day of the hand-off."""
    listing = selectors.listing_for_viewer(pk=pk, viewer=request.user)
    form = OfferForm(
        request.POST, stores_days=_stores_days(listing), today=timezone.localdate()
    )
    if not form.is_valid():
        return _detail_with_errors(request, listing, offer_form=form)
    data = form.cleaned_data
    try:
        offer = services.offer_make(
            listing=listing,
            buyer=request.user,
            amount_cents=data["amount"],
            store=data["store"],
            day=data["day"],
        )
    except ValidationError as error:
        _errors_add(form, error)
        return _detail_with_errors(request, listing, offer_form=form)
    except PermissionDenied as error:
        messages.error(request, refusal_words(error))
        return redirect(listing.get_absolute_url() + "#buy")
    messages.success(
        request,
        _("Your offer of %(amount)s is sent; the seller will answer it.")
        % {"amount": format_cents(offer.amount_cents)},
    )
    return redirect(listing.get_absolute_url() + "#buy")


@login_required
@require_POST
def listing_reserve(request: HttpRequest, pk: int) -> HttpResponse:
    """Reserve at the full price for a hand-off at one store on one day."""
    listing = selectors.listing_for_viewer(pk=pk, viewer=request.user)
    form = ReserveForm(
        request.POST, stores_days=_stores_days(listing), today=timezone.localdate()
    )
    if not form.is_valid():
        return _detail_with_errors(request, listing, reserve_form=form)
    data = form.cleaned_data
    try:
        handoff = services.listing_reserve(
            listing=listing, buyer=request.user, store=data["store"], day=data["day"]
        )
    except ValidationError as error:
        _errors_add(form, error)
        return _detail_with_errors(request, listing, reserve_form=form)
    except PermissionDenied as error:
        messages.error(request, refusal_words(error))
        return redirect(listing.get_absolute_url() + "#buy")
    messages.success(request, _handoff_message(handoff))
    return redirect(_my_listings_url(f"#handoff-{handoff.pk}"))


def _handoff_message(handoff) -> str:
    return _(
        "Reserved! Show the code %(code)s at the %(store)s desk on %(day)s, then "
        "pay %(price)s at the till."
    ) % {
        "code": selectors.handoff_code_display(handoff.code),
        "store": handoff.store.name,
        "day": date_format(handoff.day, "l j F"),
        "price": format_cents(handoff.price_cents),
    }


def _seller_action(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    listing = selectors.listing_for_seller(pk=pk, member=request.user)
    try:
        listing = action(listing=listing, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_words(error))
        return redirect(listing.get_absolute_url())
    messages.success(request, done)
    return redirect(_my_listings_url(f"#listing-{listing.pk}"))


@login_required
@require_POST
def listing_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The seller takes their listing off sale (a reservation is cancelled)."""
    return _seller_action(
        request, pk, services.listing_withdraw, _("Your listing is withdrawn.")
    )


@login_required
@require_POST
def listing_relist(request: HttpRequest, pk: int) -> HttpResponse:
    """The seller puts an expired or withdrawn listing back."""
    listing = selectors.listing_for_seller(pk=pk, member=request.user)
    try:
        listing = services.listing_relist(listing=listing, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_words(error))
        return redirect(listing.get_absolute_url())
    messages.success(request, _saved_message(listing))
    return redirect(_my_listings_url(f"#listing-{listing.pk}"))


@login_required
@require_POST
def listing_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The seller publishes a draft (or sends it to moderation)."""
    listing = selectors.listing_for_seller(pk=pk, member=request.user)
    try:
        listing = services.listing_submit(listing=listing, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_words(error))
        return redirect(listing.get_absolute_url())
    messages.success(request, _saved_message(listing))
    return redirect(listing.get_absolute_url())


# --- Buy-back -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def listing_buyback(request: HttpRequest, pk: int) -> HttpResponse:
    """The seller sells their listing to the shop for store credit: GET says what
    happens, POST accepts (buyback.buyback_accept). The seller's only (404 else)."""
    listing = selectors.listing_for_seller(pk=pk, member=request.user)
    if request.method == "POST":
        try:
            record = buyback.buyback_accept(listing=listing, member=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, refusal_words(error))
            return redirect(listing.get_absolute_url())
        messages.success(
            request,
            _(
                "The shop buys it back for %(amount)s in store credit. Bring it to "
                "one of our stores: the staff check its condition and credit you."
            )
            % {"amount": format_cents(record.offered_cents)},
        )
        return redirect(_my_listings_url(f"#listing-{listing.pk}"))
    offered = _buyback_offer(listing, selectors.listing_buyback(listing=listing))
    if offered is None:
        messages.error(
            request,
            _(
                "The shop does not buy this listing back: it is not a product of our "
                "catalog in a condition we take back, it is promised to a buyer, or "
                "its buy-back is already under way."
            ),
        )
        return redirect(listing.get_absolute_url())
    return render(
        request,
        "resale/buyback_confirm.html",
        {
            "listing": listing,
            "offered_cents": offered,
            "condition_definition": CONDITION_DEFINITIONS.get(listing.condition, ""),
            "stores_url": reverse("catalog:store_list"),
        },
    )


# --- Offers and hand-offs ------------------------------------------------------------


def _offer_done_message(action: str, result) -> str:
    if action == "accept":
        return _handoff_message(result)
    if action == "decline":
        return _("The offer is declined.")
    if action == "withdraw":
        return _("Your offer is withdrawn.")
    return _("Your counter-offer of %(amount)s is sent.") % {
        "amount": format_cents(result.amount_cents)
    }


@login_required
@require_POST
def offer_answer(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Accept, decline, counter or withdraw an offer; its buyer's or its listing's
    seller's only (404 for anyone else). The services say who may do which."""
    if action not in OFFER_ACTIONS:
        raise Http404("No such action.")
    offer = selectors.offer_for_party(pk=pk, member=request.user)
    is_seller = request.user.pk == offer.listing.seller_id
    back = (
        _my_listings_url(f"#listing-{offer.listing_id}")
        if is_seller
        else _my_listings_url("#my-offers")
    )
    try:
        if action == "accept":
            result = services.offer_accept(offer=offer, by=request.user)
            back = _my_listings_url(f"#handoff-{result.pk}")
        elif action == "decline":
            result = services.offer_decline(offer=offer, by=request.user)
        elif action == "withdraw":
            result = services.offer_withdraw(offer=offer, by=request.user)
        else:
            form = CounterForm(request.POST)
            if not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, error)
                return redirect(back)
            result = services.offer_counter(
                offer=offer, by=request.user, amount_cents=form.cleaned_data["amount"]
            )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_words(error))
        return redirect(back)
    messages.success(request, _offer_done_message(action, result))
    return redirect(back)


@login_required
@require_POST
def handoff_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """The buyer or the seller cancels a reservation not handed over yet."""
    handoff = selectors.handoff_for_party(pk=pk, member=request.user)
    try:
        services.handoff_cancel(handoff=handoff, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_words(error))
    else:
        messages.success(
            request, _("The reservation is cancelled; the listing is on sale again.")
        )
    return redirect(_my_listings_url(f"#handoff-{handoff.pk}"))


@login_required
@require_safe
def handoff_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The hand-off code as a QR code (SVG) for the desk's scanner; its buyer's and
    seller's only, while the reservation is open."""
    handoff = selectors.handoff_for_party(pk=pk, member=request.user)
    if handoff.status != HandoffStatus.RESERVED:
        raise Http404("This hand-off is over.")
    buffer = io.BytesIO()
    # The bare code: the desk's code field takes what a scanner types.
    segno.make(handoff.code, error="m").save(
        buffer, kind="svg", scale=QR_SCALE, border=2, title=_("Hand-off code")
    )
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    # Whoever holds it may take the thing: never kept by a shared cache or disk.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def handoff_rate(request: HttpRequest, pk: int) -> HttpResponse:
    """The buyer or the seller rates the other after the hand-off (ratings.py:
    once, within the window, double-blind). 404 for anyone else."""
    handoff = selectors.handoff_for_party(pk=pk, member=request.user)
    back = _my_listings_url(f"#handoff-{handoff.pk}")
    form = RatingForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        rating = ratings.rating_give(
            handoff=handoff,
            rater=request.user,
            stars=form.cleaned_data["stars"],
            comment=form.cleaned_data["comment"],
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_words(error))
        return redirect(back)
    if rating.published_at is not None:
        messages.success(
            request, _("Thank you! You have both rated: both ratings are published.")
        )
    else:
        messages.success(request, _rated_waiting_sentence(handoff))
    return redirect(back)


def _rated_waiting_sentence(handoff) -> str:
    if handoff.rating_closes_at is None:
        return _("Rated, waiting for the other side.")
    return _(
        "Rated, waiting for the other side: both ratings are shown once you have "
        "both rated, or on %(day)s."
    ) % {"day": date_format(timezone.localdate(handoff.rating_closes_at), "j F Y")}


def _ratings_note(handoff, member, now) -> None:
    """What the member sees of a handed-over hand-off's ratings: theirs, the other
    side's once published, and a "Rate" form while they owe one."""
    given = getattr(handoff, "rating_list", [])
    handoff.my_rating = next((r for r in given if r.rater_id == member.pk), None)
    theirs = next((r for r in given if r.rater_id != member.pk), None)
    handoff.their_rating = theirs if theirs and theirs.published_at else None
    handoff.rating_owed = handoff.my_rating is None and ratings.rating_owed(
        handoff=handoff, member=member, now=now
    )
    if handoff.rating_owed:
        handoff.rating_form = RatingForm(auto_id=f"id_rate{handoff.pk}_%s")


# --- Photos, my listings -------------------------------------------------------------


@require_safe
def listing_photo(request: HttpRequest, pk: int, thumbnail: bool = False):
    """A listing photo: public ones redirect to their rendition; a private one (the
    listing is not public) is streamed to its seller and moderators only."""
    photo = selectors.listing_photo_for_viewer(photo_id=pk, viewer=request.user)
    if photo.is_public:
        spec = selectors.THUMB_IMAGE_SPEC if thumbnail else selectors.ZOOM_IMAGE_SPEC
        return redirect(photo.image.get_rendition(spec).url)
    if thumbnail:
        with photo.private_file.open("rb") as private:
            response = HttpResponse(
                image_thumbnail(private, size=PHOTO_THUMB_SIZE),
                content_type="image/jpeg",
            )
    else:
        response = FileResponse(photo.private_file.open("rb"))
    patch_cache_control(response, private=True, max_age=600)
    return response


@login_required
@require_safe
def my_listings(request: HttpRequest) -> HttpResponse:
    """/me/listings/: my listings by state with their offers and hand-offs, my
    offers on others' listings and what I reserved."""
    member = request.user
    now = timezone.now()
    rules = ResaleSettings.load(request_or_site=request)
    sections = selectors.member_listings_by_state(member=member)
    bought = selectors.member_handoffs_as_buyer(member=member)
    for _state, _label, listings in sections:
        for listing in listings:
            for handoff in listing.handoff_list:
                handoff.code_display = selectors.handoff_code_display(handoff.code)
                _ratings_note(handoff, member, now)
            listing.open_handoff = next(
                (h for h in listing.handoff_list if h.status == HandoffStatus.RESERVED),
                None,
            )
            try:
                listing.buyback_record = listing.buyback
            except Buyback.DoesNotExist:
                listing.buyback_record = None
            listing.buyback_cents = _buyback_offer(
                listing, listing.buyback_record, rules
            )
            listing.can_relist = listing.state in RELISTABLE_STATES and (
                _relist_allowed(listing.buyback_record)
            )
    for handoff in bought:
        handoff.code_display = selectors.handoff_code_display(handoff.code)
        _ratings_note(handoff, member, now)
    return render(
        request,
        "resale/my_listings.html",
        {
            "sections": sections,
            "offers_made": selectors.member_offers_made(member=member),
            "bought": bought,
            "counter_form": CounterForm(),
            "dac7_warning": dac7.warning_sentence(member),
            "buyback_statuses": BuybackStatus,
            "statuses": HandoffStatus,
            "offer_statuses": OfferStatus,
            "states": ListingState,
            "editable_states": [state.value for state in EDITABLE_STATES],
            "withdrawable_states": [state.value for state in WITHDRAWABLE_STATES],
            "relistable_states": [state.value for state in RELISTABLE_STATES],
        },
    )
