"""A service's refusal shown on the form that sent it, or in a sentence."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def refusal_words(error: Exception) -> str:
    """A service's refusal (ValidationError, PermissionDenied) as one sentence for
    a message or an in-place answer."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("This is not allowed.")


def form_errors_add(form, error: ValidationError, renamed=None) -> None:
    """Put a service's ValidationError on `form`: by field where it names one of
    the form's fields, on the whole form otherwise, so what was typed is kept.
    `renamed` maps a service's argument to the form field that sends it
    ({"price_cents": "price"})."""
    renamed = renamed or {}
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = renamed.get(field, field)
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        for message in error.messages:
            form.add_error(None, message)
