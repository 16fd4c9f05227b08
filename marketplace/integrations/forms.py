from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .services import api_client_token_issue


class ApiClientAdminForm(WagtailAdminModelForm):
    """Admin form of an API client: never shows the token hash.

    Creating a client issues its token, shown once in the success message. The
    `revoked` box stops the token at once; revocation is final (make a new client
    rather than reviving a token that may have leaked), so the box then locks.
    """

    revoked = forms.BooleanField(
        label=_("Revoked"),
        required=False,
        help_text=_("The token stops working at once. This cannot be undone."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.new_token: str | None = None
        if self.instance.revoked_at is not None:
            self.fields["revoked"].initial = True
            self.fields["revoked"].disabled = True

    def save(self, commit=True):
        client = super().save(commit=False)
        if client._state.adding:
            self.new_token = api_client_token_issue(client=client)
        if self.cleaned_data.get("revoked") and client.revoked_at is None:
            client.revoked_at = timezone.now()
        if commit:
            client.save()
        return client
