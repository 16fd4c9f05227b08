"""Forms of the review board and of moderators in the Wagtail admin.

They check what the page can check (a reason is written, the SKU names a catalog
product, the original of a merge is a public idea) so the person gets the answer
at once; the lifecycle functions check the rules again inside their transaction
and their ValidationError becomes these forms' errors.
"""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from community.moderation.models import ModerationStatus
from marketplace.catalog.models import Product

from .lifecycle import ALLOWED_MOVES
from .models import PUBLIC_STATES, Idea, IdeaOriginator, IdeaState

REASON_MAX = 2_000
# "12", "#12", "n° 12" or an idea's address, e.g. https://…/ideas/12-coffre/.
_IDEA_NUMBER = re.compile(r"^(?:#|n°|no\.?)?\s*(\d{1,10})$", re.IGNORECASE)
_IDEA_ADDRESS = re.compile(r"/ideas/(\d{1,10})(?:-|/|$)")


def _text(value: str) -> str:
    """Typed text without the NUL characters databases refuse."""
    return (value or "").replace("\x00", "").strip()


class ConfirmedField(forms.BooleanField):
    """The hidden "yes, I am sure" of a confirmation step."""

    def __init__(self, **kwargs):
        super().__init__(required=False, widget=forms.HiddenInput, **kwargs)


class DecisionForm(forms.Form):
    """Accept, decline or put on hold an idea in review, with a public reason."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose accept, decline or put on hold.")},
    )
    reason = forms.CharField(
        label=_("Public reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=REASON_MAX,
        help_text=_(
            "Shown on the idea's page and sent to its supporters and originators."
        ),
        error_messages={
            "required": _("Write the public reason of the decision."),
        },
    )
    confirmed = ConfirmedField()

    DECISIONS = (
        (IdeaState.ACCEPTED, _("Accept")),
        (IdeaState.DECLINED, _("Decline")),
        (IdeaState.ON_HOLD, _("Put on hold")),
    )

    def __init__(self, *args, idea: Idea, **kwargs):
        super().__init__(*args, **kwargs)
        self.idea = idea
        allowed = ALLOWED_MOVES.get(idea.state, frozenset())
        self.fields["decision"].choices = [
            (value, label) for value, label in self.DECISIONS if value in allowed
        ]
        # Also what a second board member sees after the first one decided.
        self.fields["decision"].error_messages["invalid_choice"] = _(
            "This decision cannot be taken on an idea that is “%(state)s”."
        ) % {"state": idea.get_state_display()}

    def clean_reason(self) -> str:
        reason = _text(self.cleaned_data["reason"])
        if not reason:
            raise forms.ValidationError(_("Write the public reason of the decision."))
        return reason

    @property
    def needs_confirmation(self) -> bool:
        """Accepting freezes the shares and declining closes the idea for good:
        both are asked twice. Putting on hold can be undone."""
        return self.cleaned_data.get(
            "decision"
        ) != IdeaState.ON_HOLD and not self.cleaned_data.get("confirmed")


class DevelopmentForm(forms.Form):
    """Mark an accepted idea as in development, with an optional public note."""

    reason = forms.CharField(
        label=_("Public note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_MAX,
        help_text=_("Optional: what the product team starts with."),
    )

    def clean_reason(self) -> str:
        return _text(self.cleaned_data["reason"])


class LaunchForm(forms.Form):
    """Launch an idea as the catalog product with this SKU."""

    sku = forms.CharField(
        label=_("SKU of the catalog product"),
        max_length=64,
        help_text=_("The product must already be in the catalog (integration API)."),
        error_messages={"required": _("Write the SKU of the product it became.")},
    )
    reason = forms.CharField(
        label=_("Public note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_MAX,
    )
    confirmed = ConfirmedField()

    product: Product | None = None

    def clean_sku(self) -> str:
        sku = _text(self.cleaned_data["sku"])
        self.product = Product.objects.filter(sku=sku).first() if sku else None
        if self.product is None:
            raise forms.ValidationError(
                _("No product of the catalog has the SKU “%(sku)s”.") % {"sku": sku}
            )
        return sku

    def clean_reason(self) -> str:
        return _text(self.cleaned_data["reason"])


class ReviewBoardForm(forms.Form):
    """The date of the next review board, shown on every idea in review."""

    next_review_board = forms.DateField(
        label=_("Next review board"),
        required=False,
        widget=AdminDateInput,
        help_text=_("Leave empty when no date is set yet."),
        error_messages={"invalid": _("Write a date, e.g. 2027-02-15.")},
    )

    def clean_next_review_board(self):
        date = self.cleaned_data["next_review_board"]
        if date and date < timezone.localdate():
            raise forms.ValidationError(_("This date has passed: choose a later one."))
        return date


class MergeSearchForm(forms.Form):
    """Look for the original among the titles of public ideas."""

    q = forms.CharField(label=_("Search the titles"), required=False, max_length=120)

    def query(self) -> str:
        return _text(self.cleaned_data.get("q", "")) if self.is_valid() else ""


def merge_candidates(*, duplicate: Idea):
    """The ideas a duplicate may be merged into: public, not merged, not itself."""
    return Idea.objects.filter(
        status=ModerationStatus.PUBLISHED,
        state__in=PUBLIC_STATES - {IdeaState.MERGED},
    ).exclude(pk=duplicate.pk)


class MergeForm(forms.Form):
    """Merge a duplicate into its original, chosen by number or address."""

    original = forms.CharField(
        label=_("Original idea"),
        max_length=300,
        help_text=_("Its number (e.g. 12 or #12) or its address on the site."),
        error_messages={"required": _("Choose the idea to merge this one into.")},
    )
    add_co_originator = forms.BooleanField(
        label=_("Invite the duplicate's author as a co-originator of the original"),
        required=False,
    )
    reason = forms.CharField(
        label=_("Public note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_MAX,
        help_text=_("Optional: shown in both ideas' history."),
    )
    confirmed = ConfirmedField()

    original_idea: Idea | None = None

    def __init__(self, *args, duplicate: Idea, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicate = duplicate

    def clean_original(self) -> Idea:
        text = _text(self.cleaned_data["original"])
        match = _IDEA_NUMBER.match(text) or _IDEA_ADDRESS.search(text)
        if not match:
            raise forms.ValidationError(
                _("Write the original's number, or search its title below.")
            )
        idea_id = int(match.group(1))
        if idea_id == self.duplicate.pk:
            raise forms.ValidationError(_("An idea cannot be merged into itself."))
        original = (
            merge_candidates(duplicate=self.duplicate)
            .select_related("author")
            .filter(pk=idea_id)
            .first()
        )
        if original is None:
            raise forms.ValidationError(
                _(
                    "Idea #%(id)s is not a public idea that can take a duplicate "
                    "(it does not exist, is not public or was merged itself)."
                )
                % {"id": idea_id}
            )
        self.original_idea = original
        return original

    def clean_reason(self) -> str:
        return _text(self.cleaned_data["reason"])

    def clean(self):
        cleaned = super().clean()
        original = cleaned.get("original")
        if original is None or not cleaned.get("add_co_originator"):
            return cleaned
        author = self.duplicate.author
        if original.shares_frozen_at is not None:
            self.add_error(
                "add_co_originator",
                _(
                    "The original's shares are frozen since it was accepted: no "
                    "co-originator can be added."
                ),
            )
        elif IdeaOriginator.objects.filter(idea=original, member=author).exists():
            self.add_error(
                "add_co_originator",
                _("%(member)s is already an originator of the original.")
                % {"member": author.public_name},
            )
        return cleaned
