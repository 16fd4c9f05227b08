"""Forms of the ideas pages; the rules themselves live in services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .discussion import BODY_MAX
from .models import IdeaState
from .selectors import DEFAULT_IDEA_SORT, IDEA_SORTS, LISTED_STATES
from .services import (
    MAX_PHOTOS,
    MAX_TAGS,
    PROBLEM_MAX,
    PROPOSAL_MAX,
    TAG_MAX,
    TITLE_MAX,
)

COMMENT_MAX = BODY_MAX


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files in one input; each is checked (type, size, pixels) by the
    ideas services."""

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


class IdeaForm(forms.Form):
    """Propose or edit an idea. The two buttons say draft or submit."""

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        help_text=_("The product in a few words, e.g. “Ventilated tool chest”."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "data-similar-ideas": "similar-ideas"}
        ),
    )
    problem = forms.CharField(
        label=_("The problem"),
        max_length=PROBLEM_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What goes wrong today, for whom, and when? Markdown works: **bold**, "
            "*italics*, lists."
        ),
    )
    proposal = forms.CharField(
        label=_("The proposal"),
        max_length=PROPOSAL_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "The product you imagine: what it does, its materials, its size, its "
            "price. Markdown works."
        ),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=600,
        help_text=_("Up to %(max)s, separated by commas, e.g. “garden, storage”.")
        % {"max": MAX_TAGS},
    )
    photos = MultiplePhotoField(
        label=_("Photos or sketches"),
        help_text=_(
            "Up to %(max)s photos, JPEG, PNG or WEBP, 10 MB and 40 megapixels each. "
            "Location and camera details are removed."
        )
        % {"max": MAX_PHOTOS},
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    from_review = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, photos=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_photos = list(photos)
        if self.existing_photos:
            self.fields["remove_photos"] = forms.TypedMultipleChoiceField(
                label=_("Remove these photos"),
                choices=[(p.pk, str(p)) for p in self.existing_photos],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

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

    def clean(self):
        data = super().clean()
        kept = len(self.existing_photos) - len(data.get("remove_photos") or [])
        if kept + len(data.get("photos") or []) > MAX_PHOTOS:
            self.add_error(
                "photos",
                _("An idea has at most %(max)s photos.") % {"max": MAX_PHOTOS},
            )
        return data


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Be kind and concrete. Markdown works."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional, shown on the idea)"),
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


SORT_CHOICES = [
    ("trending", _("Trending")),
    ("newest", _("Newest")),
    ("most_supported", _("Most supported")),
    ("closing_soon", _("Closing soon")),
]


class IdeaFilterForm(forms.Form):
    """Sort and filters of /ideas/; bad values fall back to the defaults."""

    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)
    state = forms.ChoiceField(label=_("Status"), required=False)
    tag = forms.ChoiceField(label=_("Tag"), required=False)

    def __init__(self, *args, tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All statuses"))] + [
            (value, label)
            for value, label in IdeaState.choices
            if value in LISTED_STATES
        ]
        self.fields["tag"].choices = [("", _("All tags"))] + list(tags)

    def filters(self) -> dict:
        """The sort and filters to apply: only the fields that are valid."""
        if not self.is_bound:
            return {"sort": DEFAULT_IDEA_SORT, "state": "", "tag": ""}
        self.is_valid()
        data = self.cleaned_data
        sort = data.get("sort") or DEFAULT_IDEA_SORT
        return {
            "sort": sort if sort in IDEA_SORTS else DEFAULT_IDEA_SORT,
            "state": data.get("state") or "",
            "tag": data.get("tag") or "",
        }


CO_ORIGINATOR_ROWS = 4


class OriginatorsForm(forms.Form):
    """The author's share and up to CO_ORIGINATOR_ROWS co-originators, in percent.

    Members are named by their profile's address name (the end of
    /members/<name>/), the one thing of theirs that is already public.
    """

    author_share = forms.DecimalField(
        label=_("Your share (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        error_messages={"required": _("Give your own share, in percent.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for row in range(1, CO_ORIGINATOR_ROWS + 1):
            self.fields[f"member_{row}"] = forms.SlugField(
                label=_("Co-originator %(n)s: profile name") % {"n": row},
                required=False,
                max_length=80,
                help_text=_("The end of their profile address, e.g. camille-martin.")
                if row == 1
                else "",
            )
            self.fields[f"share_{row}"] = forms.DecimalField(
                label=_("Co-originator %(n)s: share (%%)") % {"n": row},
                required=False,
                min_value=0,
                max_value=100,
                decimal_places=2,
            )

    def clean(self):
        cleaned = super().clean()
        rows = []
        for row in range(1, CO_ORIGINATOR_ROWS + 1):
            name, share = cleaned.get(f"member_{row}"), cleaned.get(f"share_{row}")
            if name and share is None:
                self.add_error(f"share_{row}", _("Give this co-originator a share."))
            elif share is not None and not name:
                self.add_error(f"member_{row}", _("Name the member for this share."))
            elif name:
                rows.append((row, name.lower(), share))
        cleaned["rows"] = rows
        return cleaned
