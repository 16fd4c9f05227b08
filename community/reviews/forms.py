"""Forms of the review pages; the rules themselves live in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import DEFAULT_REVIEW_SORT, REVIEW_SORTS
from .services import (
    BODY_MAX,
    MAX_PHOTOS,
    RESPONSE_MAX,
    TITLE_MAX,
)

RATING_CHOICES = [
    (5, _("5 stars · excellent")),
    (4, _("4 stars · good")),
    (3, _("3 stars · average")),
    (2, _("2 stars · poor")),
    (1, _("1 star · very poor")),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files in one input; each is checked by the review services."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Your review"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What did you use it for, what did you like or not? Markdown works: "
            "**bold**, *italics*, lists. The rating never changes any reward."
        ),
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

    def __init__(self, *args, photos=(), **kwargs):
        super().__init__(*args, **kwargs)
        if photos:
            self.fields["remove_photos"] = forms.TypedMultipleChoiceField(
                label=_("Remove these photos"),
                choices=[(p.pk, str(p)) for p in photos],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )


class ResponseForm(forms.Form):
    body = forms.CharField(
        label=_("Public answer from the shop"),
        max_length=RESPONSE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown works. The author is notified."),
    )


class ReviewFilterForm(forms.Form):
    """Sort and filters of a product's reviews; bad values fall back to defaults."""

    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("helpful", _("Most helpful")),
            ("newest", _("Newest")),
            ("highest", _("Highest rating")),
            ("lowest", _("Lowest rating")),
        ],
    )
    stars = forms.TypedChoiceField(
        label=_("Stars"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All ratings"))] + [(n, f"{n} ★") for n in range(5, 0, -1)],
    )
    photos = forms.BooleanField(label=_("With photos"), required=False)
    verified = forms.BooleanField(label=_("Verified purchases"), required=False)

    def filters(self) -> dict:
        if not self.is_valid():
            return {"sort": DEFAULT_REVIEW_SORT}
        data = self.cleaned_data
        sort = data.get("sort") or DEFAULT_REVIEW_SORT
        return {
            "sort": sort if sort in REVIEW_SORTS else DEFAULT_REVIEW_SORT,
            "stars": data.get("stars"),
            "with_photos": bool(data.get("photos")),
            "verified": bool(data.get("verified")),
        }
