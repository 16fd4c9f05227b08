"""Forms of the forum's pages. They check the shape of what is typed; the rules
(who may post where, limits, windows) are services.py's and permissions.py's."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import POST_MAX_LENGTH, TITLE_MAX_LENGTH, DigestFrequency

MAX_TAGS = 5
TAG_MAX = 30
# Every number of a split is typed, not scrolled through: a topic's whole page.
SPLIT_MAX_POSTS = 200
# services.MAX_IMAGES; the services check the files themselves.
MAX_IMAGES = 4
MARKDOWN_HELP = _(
    "Markdown works: **bold**, *italics*, lists, > quotes, `code`, links. Mention a "
    "member with @their-profile-name."
)


def tags_parse(text: str) -> list[str]:
    """Comma-separated tags, trimmed, lower-cased, without repeats, in order."""
    seen: list[str] = []
    for part in (text or "").split(","):
        tag = " ".join(part.split()).lower()
        if tag and tag not in seen:
            seen.append(tag)
    return seen


class BodyField(forms.CharField):
    """A post's Markdown: required, at most POST_MAX_LENGTH characters, and more
    than blank space."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", POST_MAX_LENGTH)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 8}))
        kwargs.setdefault("help_text", MARKDOWN_HELP)
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Write something first."),
                "max_length": _(
                    "A post has at most %(limit_value)s characters (it has "
                    "%(show_value)s): split it, or link to a document."
                ),
            },
        )
        super().__init__(**kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImagesField(forms.FileField):
    """Up to MAX_IMAGES images in one input; each file is checked (format, size,
    pixels) and re-encoded by the services, which refuse in words."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Images"))
        kwargs.setdefault(
            "help_text",
            _(
                "Up to %(max)s images, JPEG, PNG or WEBP, 10 MB and 40 megapixels "
                "each. Location and camera details are removed."
            )
            % {"max": MAX_IMAGES},
        )
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        if len(files) > MAX_IMAGES:
            raise forms.ValidationError(
                _("A post may have %(max)s images at most."),
                params={"max": MAX_IMAGES},
            )
        return [super(ImagesField, self).clean(file, initial) for file in files]


class TopicForm(forms.Form):
    """Start a topic: where, its title, its first post, tags, maybe a product."""

    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the categories listed.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("The question or subject in a sentence."),
        error_messages={"required": _("Give your topic a title.")},
    )
    body = BodyField(label=_("Your message"))
    images = ImagesField()
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=300,
        help_text=_("Up to %(max)s, separated by commas, e.g. “roses, pruning”.")
        % {"max": MAX_TAGS},
    )
    product = forms.CharField(
        label=_("Product it is about (SKU)"),
        required=False,
        max_length=64,
        help_text=_(
            "Optional: the reference on the product page. Its owners see your "
            "question there."
        ),
    )

    def __init__(self, *args, categories, products=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        # A look-up by SKU: Product is the catalog's, passed in by the view.
        self.products = products

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

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

    def clean_product(self):
        sku = self.cleaned_data.get("product", "").strip()
        if not sku:
            return None
        product = (
            self.products.filter(sku__iexact=sku).first()
            if self.products is not None
            else None
        )
        if product is None:
            raise forms.ValidationError(
                _("No product of our catalog has the reference “%(sku)s”."),
                params={"sku": sku},
            )
        return product


class ReplyForm(forms.Form):
    """A reply, maybe to one post of the topic (its number)."""

    body = BodyField(label=_("Your reply"))
    images = ImagesField()
    reply_to = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class EditForm(forms.Form):
    body = BodyField(label=_("Text"))


class DigestForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("E-mail digest of what I watch"),
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
    )


class MoveForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Move to the category"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the categories listed.")},
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


_RANGE = re.compile(r"^(\d{1,7})(?:\s*[-–]\s*(\d{1,7}))?$")


def numbers_parse(text: str) -> list[int]:
    """ "4, 5, 9-12" → [4, 5, 9, 10, 11, 12]; ValueError on anything else."""
    numbers: list[int] = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        match = _RANGE.match(part)
        if match is None:
            raise ValueError(part)
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if low > high:
            low, high = high, low
        if high - low >= SPLIT_MAX_POSTS:
            raise OverflowError(part)
        numbers.extend(range(low, high + 1))
        if len(numbers) > SPLIT_MAX_POSTS:
            raise OverflowError(part)
    return sorted(set(numbers))


class SplitForm(forms.Form):
    """Replies of a topic that become a new topic of their own."""

    numbers = forms.CharField(
        label=_("Posts to split off (numbers)"),
        max_length=500,
        help_text=_("Their numbers, e.g. “4, 5, 9-12”. The opening post stays."),
    )
    title = forms.CharField(
        label=_("Title of the new topic"), max_length=TITLE_MAX_LENGTH
    )
    category = forms.ModelChoiceField(
        label=_("Its category"),
        queryset=None,
        required=False,
        empty_label=_("The same category"),
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories

    def clean_numbers(self) -> list[int]:
        try:
            numbers = numbers_parse(self.cleaned_data["numbers"])
        except OverflowError:
            raise forms.ValidationError(
                _("At most %(max)s posts at a time."), params={"max": SPLIT_MAX_POSTS}
            ) from None
        except ValueError as error:
            raise forms.ValidationError(
                _("“%(part)s” is not a post number or a range such as 9-12."),
                params={"part": str(error)},
            ) from None
        if not numbers:
            raise forms.ValidationError(_("Give the numbers of the posts to move."))
        if 1 in numbers:
            raise forms.ValidationError(
                _("The opening post (number 1) stays with its topic.")
            )
        return numbers


class MergeForm(forms.Form):
    """The topic this one goes into: its number or its address."""

    target = forms.CharField(
        label=_("Merge into the topic"),
        max_length=300,
        help_text=_(
            "Its number or its address, e.g. /forum/t/42-tailler-les-rosiers/."
        ),
    )

    def clean_target(self) -> int:
        text = self.cleaned_data["target"].strip()
        match = re.search(r"(?:/t/)?(\d{1,12})(?:-[^/]*)?/?(?:[?#].*)?$", text)
        if match is None:
            raise forms.ValidationError(
                _("Give the topic's number or its address on the forum.")
            )
        return int(match.group(1))
