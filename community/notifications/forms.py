from django import forms

from .email_categories import EmailCategory


class EmailPreferencesForm(forms.Form):
    """One checkbox per category of e-mail, ticked when the member wants it."""

    def __init__(self, *args, initial_choices: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for category in EmailCategory:
            self.fields[category.value] = forms.BooleanField(
                label=category.label,
                required=False,
                initial=initial_choices.get(category.value, True),
            )

    def choices(self) -> dict[str, bool]:
        return {category: self.cleaned_data[category] for category in self.fields}
