"""The public product filters: what a visitor may ask of the product list."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import DEFAULT_PRODUCT_SORT

SORT_CHOICES = [
    ("name", _("Name (A to Z)")),
    ("price", _("Price, lowest first")),
    ("-price", _("Price, highest first")),
    ("newest", _("Newest first")),
]


class ProductFilterForm(forms.Form):
    """Tag, store and sort of the product list, read from the query string.

    A bad value never fails the page: the field shows why and its filter is left
    out (see `filters`), the rest still applies.
    """

    tag = forms.ChoiceField(label=_("Category"), required=False)
    store = forms.ChoiceField(label=_("In stock at"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, tags, stores, **kwargs):
        super().__init__(*args, **kwargs)
        self.stores_by_code = {store.code: store for store in stores}
        self.fields["tag"].choices = [("", _("All categories"))] + [
            (tag.slug, tag.name) for tag in tags
        ]
        self.fields["store"].choices = [("", _("Any store"))] + [
            (store.code, store.name) for store in stores
        ]
        self.fields["tag"].error_messages["invalid_choice"] = _(
            "There is no category “%(value)s”: showing every category."
        )
        self.fields["store"].error_messages["invalid_choice"] = _(
            "There is no store “%(value)s”: showing stock in every store."
        )
        self.fields["sort"].error_messages["invalid_choice"] = _(
            "“%(value)s” is not a way to sort: sorted by name."
        )

    def filters(self) -> dict:
        """Keyword arguments for `product_list`, from the fields that are valid."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "tag": data.get("tag") or None,
            "store": self.stores_by_code.get(data.get("store") or ""),
            "sort": data.get("sort") or DEFAULT_PRODUCT_SORT,
        }
