"""Forms of the moderation queue (admin) and of members' reports."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ModerationAction, QueueReason, QueueShortcuts
from .registry import ModeratedType, RejectionReason, rejection_reason_choices
from .selectors import moderated_content_types
from .services import NOTE_MAX_LENGTH


class QueueFilterForm(forms.Form):
    """The queue's filters: kind of content and why it is queued."""

    content_type = forms.TypedChoiceField(
        label=_("Type"), required=False, coerce=int, empty_value=None
    )
    reason = forms.ChoiceField(
        label=_("Reason"),
        required=False,
        choices=[("", _("All reasons")), *QueueReason.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content_type"].choices = [
            ("", _("All types")),
            *[
                (content_type.pk, moderated_type.name(2).capitalize())
                for content_type, moderated_type in moderated_content_types()
            ],
        ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {
            "content_type_id": self.cleaned_data["content_type"],
            "reason": self.cleaned_data["reason"] or None,
        }


class ItemDecisionForm(forms.Form):
    """Approve or reject one item from its history page, with a reason of its type.

    Without a type (a batch may mix kinds), any registered type's reason is
    accepted here; the service checks it against each item's type.
    """

    action = forms.TypedChoiceField(
        choices=[
            (ModerationAction.APPROVE, _("Approve")),
            (ModerationAction.REJECT, _("Reject")),
        ],
        coerce=ModerationAction,
        error_messages={"required": _("Choose to approve or to reject.")},
    )
    reason = forms.ChoiceField(label=_("Rejection reason"), required=False)
    note = forms.CharField(
        label=_("Note to the author"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the reason is “Other”."),
    )

    def __init__(self, *args, moderated_type: ModeratedType | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        reasons = (
            moderated_type.rejection_choices()
            if moderated_type is not None
            else rejection_reason_choices()
        )
        self.fields["reason"].choices = [("", _("Choose a reason…")), *reasons]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == ModerationAction.REJECT:
            if not cleaned.get("reason"):
                self.add_error("reason", _("Choose a reason for the rejection."))
            elif (
                cleaned["reason"] == RejectionReason.OTHER
                and not cleaned.get("note", "").strip()
            ):
                self.add_error(
                    "note",
                    _("Say in the note what is wrong when the reason is “Other”."),
                )
        return cleaned


class DecisionForm(ItemDecisionForm):
    """Approve or reject the selected queue entries (one or many)."""

    entries = forms.TypedMultipleChoiceField(
        label=_("Items"),
        coerce=int,
        error_messages={"required": _("Select at least one item.")},
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    field_order = ["entries", "action", "reason", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is accepted here; the service only decides entries still open.
        raw = self.data.getlist("entries") if hasattr(self.data, "getlist") else []
        self.fields["entries"].choices = [(value, value) for value in raw]


class QueueShortcutsForm(forms.Form):
    """A moderator's single-key shortcuts on the queue: on or off, and the keys.

    The rules (one character, no repeats, none of Wagtail's keys) are the
    service's; here each key is only required and one character long.
    """

    enabled = forms.BooleanField(
        label=_("Use single-key shortcuts on the queue"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for action in QueueShortcuts.ACTIONS:
            model_field = QueueShortcuts._meta.get_field(f"{action}_key")
            # Named as the model's fields: a field called "next" would be taken
            # for the address to go back to.
            self.fields[f"{action}_key"] = forms.CharField(
                label=model_field.verbose_name.capitalize(),
                max_length=1,
                error_messages={
                    "required": _("Give each action a key."),
                    "max_length": _("Each shortcut is one visible character."),
                },
                widget=forms.TextInput(
                    attrs={"size": 2, "autocomplete": "off", "spellcheck": "false"}
                ),
            )

    @classmethod
    def for_shortcuts(cls, shortcuts: QueueShortcuts) -> "QueueShortcutsForm":
        initial = {f"{action}_key": key for action, key in shortcuts.keys().items()}
        return cls(initial={"enabled": shortcuts.enabled, **initial})

    def keys(self) -> dict[str, str]:
        """{action: key} as the service takes them."""
        return {
            action: self.cleaned_data[f"{action}_key"]
            for action in QueueShortcuts.ACTIONS
        }


class SuspendForm(forms.Form):
    """Suspend a member until a date, with the reason they will be shown."""

    until = forms.DateField(
        label=_("Suspended until (included)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label=_("Reason shown to the member"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later date."))
        if until > timezone.localdate() + dt.timedelta(days=3650):
            raise forms.ValidationError(_("Choose a date within ten years."))
        return until


class ReportForm(forms.Form):
    """A member's report on content that breaks the rules, with its type's reasons."""

    reason = forms.ChoiceField(
        label=_("What is wrong?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you are reporting this.")},
    )
    note = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, moderated_type: ModeratedType, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = moderated_type.report_choices()
