"""Forms of the second-hand pages; the rules themselves live in services.py.

A form checks what a field can tell on its own (a price in euros to the cent, a
store and a day from the list); whether the listing may be sold, offered on or
reserved is the services' to say, in words, on the field it is about.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptoir import money

from .models import (
    CONDITION_DEFINITIONS,
    DESCRIPTION_MAX_LENGTH,
    MAX_PHOTOS,
    TITLE_MAX_LENGTH,
    Condition,
)
from .ratings import COMMENT_MAX_LENGTH
from .selectors import DEFAULT_LISTING_SORT, LISTING_SORTS, NEAREST_SORT
from .services import MAX_TAGS, PRICE_MAX_CENTS, TAG_MAX

# Each way a typed price is not one (comptoir.money), in a seller's words.
PRICE_NOT_UNDERSTOOD = {
    "empty": _("Give the price in euros, e.g. 12.50."),
    "negative": _("A price cannot be negative."),
    "format": _("Write the price in euros with digits only, e.g. 12.50 or 12,50."),
    "decimals": _("Prices go to the cent: at most two decimals, e.g. 12.50."),
}


def euros_to_cents(text: str) -> int:
    """A price typed in euros ("12,50", "12.50", "12 €") as integer cents.

    Raises ValidationError in words: not a number, negative, more than two
    decimals, zero, too large. Never a float on the way.
    """
    try:
        cents = money.euros_to_cents(text)
    except money.AmountNotUnderstood as error:
        raise forms.ValidationError(PRICE_NOT_UNDERSTOOD[error.reason]) from None
    if cents <= 0:
        raise forms.ValidationError(_("A price is at least €0.01."))
    if cents > PRICE_MAX_CENTS:
        raise forms.ValidationError(
            _("A second-hand price is at most €100,000: check the amount.")
        )
    return cents


def cents_to_euros(cents: int | None) -> str:
    """Cents as a form shows them back, in the active language ("12,50" in
    French); either separator is accepted back."""
    return money.cents_as_typed(cents)


class EurosField(forms.CharField):
    """An amount in euros, cleaned to integer cents."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "size": 10})
        )
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        if text in self.empty_values:
            return None
        return euros_to_cents(text)

    def prepare_value(self, value):
        if isinstance(value, int):
            return cents_to_euros(value)
        return value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files in one input; each is checked (type, size, pixels) by the
    services, which refuse them all if one is refused."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


def tags_parse(text: str) -> list[str]:
    """Comma-separated tags, trimmed, lower-cased, without repeats, in order."""
    seen: list[str] = []
    for part in (text or "").split(","):
        tag = " ".join(part.split()).lower()
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def condition_choices() -> list[tuple[str, str]]:
    return list(Condition.choices)


class ListingForm(forms.Form):
    """Put something on sale or edit it. Its two buttons say draft or publish.

    `stores` are the stores the seller may pick for the hand-off. On a new
    listing the catalog product may be named by its reference or its name
    (`product_sku`; the picker of catalog/product-picker.js puts the chosen
    product's reference there) and the seller's purchase of it carried along
    (`purchase`, from "Resell this"); once saved, neither changes.
    """

    # A question back to the seller names this many of the products matched.
    PRODUCT_MATCHES_NAMED = 5

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("What it is, in a few words, e.g. “Pruning shears, 20 cm”."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Its state, what comes with it, why you sell it. Markdown works: "
            "**bold**, *italics*, lists."
        ),
    )
    price = EurosField(
        label=_("Price (€)"),
        help_text=_("In euros, e.g. 12.50 or 12,50."),
        error_messages={"required": _("Give the price in euros, e.g. 12.50.")},
    )
    condition = forms.ChoiceField(
        label=_("Condition"),
        choices=condition_choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose its condition."),
            "invalid_choice": _("Choose a condition from the list."),
        },
    )
    photos = MultiplePhotoField(
        label=_("Photos"),
        help_text=_(
            "Up to %(max)s photos, JPEG, PNG or WEBP, 10 MB and 40 megapixels each. "
            "Location and camera details are removed."
        )
        % {"max": MAX_PHOTOS},
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=600,
        help_text=_("Up to %(max)s, separated by commas, e.g. “garden, tools”.")
        % {"max": MAX_TAGS},
    )
    store_ids = forms.TypedMultipleChoiceField(
        label=_("Stores where you can hand it over"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one store where you can hand it over."),
            "invalid_choice": _("Choose the stores from the list."),
        },
    )
    # Named for what the browser sends once a product is picked: its reference.
    product_sku = forms.CharField(
        label=_("Catalog product (optional)"),
        required=False,
        # A product's name has up to 200 characters, its reference 64.
        max_length=200,
        help_text=_(
            "If it is a product of our catalog, its name or its reference (on the "
            "label or the receipt): buyers then see the new one's price and stock."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "data-product-picker": "",
            }
        ),
    )
    purchase = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, stores=(), photos=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store_ids"].choices = [
            (store.pk, f"{store.name} ({store.city})" if store.city else store.name)
            for store in stores
        ]
        self.existing_photos = list(photos)
        self.editing = editing
        if editing:
            del self.fields["product_sku"]
            del self.fields["purchase"]
        if self.existing_photos:
            self.fields["remove_photos"] = forms.TypedMultipleChoiceField(
                label=_("Remove these photos"),
                choices=[(p.pk, str(p)) for p in self.existing_photos],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def condition_options(self) -> list[dict]:
        """The condition radios with the shop's definition of each."""
        current = self["condition"].value()
        return [
            {
                "value": value,
                "label": label,
                "definition": CONDITION_DEFINITIONS.get(value, ""),
                "checked": current == value,
                "id": f"id_condition_{index}",
            }
            for index, (value, label) in enumerate(Condition.choices)
        ]

    def clean_tags(self) -> list[str]:
        tags = tags_parse(self.cleaned_data.get("tags", ""))
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(
                _("At most %(max)s tags, please."), params={"max": MAX_TAGS}
            )
        if any(len(tag) > TAG_MAX for tag in tags):
            raise forms.ValidationError(
                _("A tag has at most %(max)s characters."), params={"max": TAG_MAX}
            )
        return tags

    def clean_product_sku(self):
        """The catalog product the seller named, or None when the field is empty.

        A reference, whatever its case, names its product; otherwise a product's
        whole name, if it is that product's alone; otherwise the one product
        whose name holds the words typed. Several such products are a question
        back to the seller, naming some of them with their references.
        """
        from marketplace.catalog import selectors as catalog

        text = catalog.product_choice_text(self.cleaned_data.get("product_sku"))
        if not text:
            return None
        product = catalog.product_by_reference(reference=text)
        if product is not None:
            return product
        named = catalog.product_named(name=text)
        if len(named) == 1:
            return named[0]
        matches = catalog.product_name_matches(
            query=text, limit=self.PRODUCT_MATCHES_NAMED + 1
        )
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise forms.ValidationError(
                _(
                    "No product of our catalog matches this name or reference: "
                    "check the spelling, or leave the field empty."
                ),
                code="no_product",
            )
        # Semicolons: a product's name may hold a comma ("Arrosoir, 10 L").
        named_products = "; ".join(
            f"{product.name} ({product.sku})"
            for product in matches[: self.PRODUCT_MATCHES_NAMED]
        )
        if len(matches) > self.PRODUCT_MATCHES_NAMED:
            named_products += "; …"
        raise forms.ValidationError(
            _(
                "Several products match: %(products)s. Pick one from the list or "
                "type its reference."
            ),
            code="several_products",
            params={"products": named_products},
        )

    def picked_product(self):
        """The catalog product the field holds, for the page to show it chosen:
        the one the form was sent with once it is cleaned, or the one it starts
        from (a reference in `initial`, from "Resell this" or a product page).
        None if there is none, or the field is not on the form (editing)."""
        if not hasattr(self, "_picked_product"):
            self._picked_product = self._product_held()
        return self._picked_product

    def _product_held(self):
        from marketplace.catalog.models import Product
        from marketplace.catalog.selectors import product_by_reference

        field = self.fields.get("product_sku")
        if field is None:
            return None
        if self.is_bound:
            product = getattr(self, "cleaned_data", {}).get("product_sku")
            return product if isinstance(product, Product) else None
        initial = self.get_initial_for_field(field, "product_sku")
        return product_by_reference(reference=str(initial or ""))

    def clean(self):
        data = super().clean()
        kept = len(self.existing_photos) - len(data.get("remove_photos") or [])
        if kept + len(data.get("photos") or []) > MAX_PHOTOS:
            self.add_error(
                "photos",
                _("A listing has at most %(max)s photos.") % {"max": MAX_PHOTOS},
            )
        return data


# --- Offers and reservations --------------------------------------------------------


def handoff_day_label(day: dt.date, *, today: dt.date) -> str:
    """A day in the menu: "Tomorrow, Tuesday 24 November", then the date alone."""
    named = date_format(day, "l j F")
    if day == today + dt.timedelta(days=1):
        return gettext("Tomorrow, %(day)s") % {"day": named}
    return named


def slot_choices(stores_days, *, today: dt.date) -> list:
    """(store name, [(value, day label)]) groups for a <select> with optgroups,
    from (store, [days]) pairs; the value is "<store id>:<YYYY-MM-DD>"."""
    groups = []
    for store, days in stores_days:
        options = [
            (f"{store.pk}:{day.isoformat()}", handoff_day_label(day, today=today))
            for day in days
        ]
        if options:
            groups.append((store.name, options))
    return groups


class SlotMixin:
    """A store and a day of the listing's hand-off stores, picked in one menu."""

    def _slot_setup(self, *, stores_days, today):
        self.stores = {store.pk: store for store, _days in stores_days}
        self.fields["slot"].choices = [("", _("Choose a store and a day"))] + (
            slot_choices(stores_days, today=today)
        )

    def clean_slot(self):
        value = self.cleaned_data.get("slot") or ""
        store_id, _sep, day = value.partition(":")
        try:
            store = self.stores[int(store_id)]
            day = dt.date.fromisoformat(day)
        except (KeyError, ValueError):
            raise forms.ValidationError(
                _("Choose a store and a day from the list.")
            ) from None
        self.cleaned_data["store"] = store
        self.cleaned_data["day"] = day
        return value


SLOT_ERRORS = {
    "required": _("Choose the store and the day of the hand-off."),
    "invalid_choice": _("Choose a store and a day from the list."),
}


class ReserveForm(SlotMixin, forms.Form):
    """Reserve at the full price: the store and day of the hand-off."""

    slot = forms.ChoiceField(
        label=_("Store and day of the hand-off"), error_messages=SLOT_ERRORS
    )

    def __init__(self, *args, stores_days=(), today, **kwargs):
        # Both forms are on one page: their ids must differ.
        kwargs.setdefault("auto_id", "reserve_%s")
        super().__init__(*args, **kwargs)
        self._slot_setup(stores_days=stores_days, today=today)


class OfferForm(SlotMixin, forms.Form):
    """A lower price, and where and when the buyer would take it."""

    amount = EurosField(
        label=_("Your offer (€)"),
        error_messages={"required": _("Give your offer in euros, e.g. 12.50.")},
    )
    slot = forms.ChoiceField(
        label=_("Store and day of the hand-off"), error_messages=SLOT_ERRORS
    )

    def __init__(self, *args, stores_days=(), today, **kwargs):
        # Both forms are on one page: their ids must differ.
        kwargs.setdefault("auto_id", "offer_%s")
        super().__init__(*args, **kwargs)
        self._slot_setup(stores_days=stores_days, today=today)


class CounterForm(forms.Form):
    amount = EurosField(
        label=_("Your counter-offer (€)"),
        error_messages={"required": _("Give your counter-offer in euros.")},
    )


STAR_CHOICES = [
    (1, _("1 star: bad")),
    (2, _("2 stars: disappointing")),
    (3, _("3 stars: all right")),
    (4, _("4 stars: good")),
    (5, _("5 stars: excellent")),
]


class RatingForm(forms.Form):
    """Rate the other side of a hand-off (ratings.rating_give says the rules):
    native radio buttons, so arrow keys choose the stars."""

    stars = forms.TypedChoiceField(
        label=_("Stars"),
        choices=STAR_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose from 1 to 5 stars."),
            "invalid_choice": _("Choose from 1 to 5 stars."),
        },
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _("Keep the comment under %(limit_value)s characters.")
        },
    )


# --- The list's filters -------------------------------------------------------------


SORT_CHOICES = [
    ("newest", _("Newest")),
    ("price", _("Price, lowest first")),
    ("-price", _("Price, highest first")),
    (NEAREST_SORT, _("Nearest to a store")),
]


class ListingFilterForm(forms.Form):
    """Search, filters and sort of /resale/. A value that cannot be read is said
    on its field and left out of the filters; the others still apply."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    condition = forms.ChoiceField(label=_("Condition"), required=False)
    min_price = EurosField(label=_("Price from (€)"), required=False)
    max_price = EurosField(label=_("to (€)"), required=False)
    store = forms.ChoiceField(label=_("Hand-off store"), required=False)
    with_product = forms.BooleanField(
        label=_("Matches a catalog product"), required=False
    )
    # A product page's "n offers" link: /resale/?product=<its reference>.
    product = forms.CharField(
        label=_("Catalog reference"), required=False, max_length=64
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)
    near = forms.ChoiceField(label=_("Nearest to"), required=False)

    def __init__(self, *args, tags=(), stores=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.stores = {store.code: store for store in stores}
        self.fields["tag"].choices = [("", _("All tags"))] + list(tags)
        self.fields["condition"].choices = [("", _("Any condition"))] + list(
            Condition.choices
        )
        store_choices = [(store.code, store.name) for store in stores]
        self.fields["store"].choices = [("", _("Any store"))] + store_choices
        self.fields["near"].choices = [("", _("Choose a store"))] + [
            (store.code, store.name)
            for store in stores
            if store.latitude is not None and store.longitude is not None
        ]

    def filters(self) -> dict:
        """The search, filters and sort to apply: only the fields that are valid."""
        empty = {
            "query": "",
            "tag": "",
            "condition": "",
            "min_cents": None,
            "max_cents": None,
            "store": None,
            "with_product": False,
            "product_sku": "",
            "sort": DEFAULT_LISTING_SORT,
            "near": None,
        }
        if not self.is_bound:
            return empty
        self.is_valid()
        data = self.cleaned_data
        sort = data.get("sort") or DEFAULT_LISTING_SORT
        if sort not in LISTING_SORTS and sort != NEAREST_SORT:
            sort = DEFAULT_LISTING_SORT
        min_cents, max_cents = data.get("min_price"), data.get("max_price")
        if min_cents is not None and max_cents is not None and min_cents > max_cents:
            min_cents, max_cents = max_cents, min_cents
        return {
            "query": " ".join((data.get("q") or "").split()),
            "tag": data.get("tag") or "",
            "condition": data.get("condition") or "",
            "min_cents": min_cents,
            "max_cents": max_cents,
            "store": self.stores.get(data.get("store") or ""),
            "with_product": bool(data.get("with_product")),
            "product_sku": (data.get("product") or "").strip(),
            "sort": sort,
            "near": self.stores.get(data.get("near") or ""),
        }
