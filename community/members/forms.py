from allauth.account.forms import SignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from marketplace.catalog.models import Store

from . import services
from .services import DISPLAY_NAME_MAX


class MemberSignupForm(SignupForm):
    """allauth's sign-up form, plus the display name others will see."""

    field_order = ["email", "display_name", "password1", "password2"]

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=DISPLAY_NAME_MAX,
        help_text=_(
            "Shown publicly instead of your e-mail address: 3 to 40 letters, digits, "
            "spaces, hyphens or underscores."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    def clean_display_name(self):
        return services.display_name_clean(self.cleaned_data["display_name"])

    def try_save(self, request):
        """Save as allauth does; a name taken since validation is a form error."""
        try:
            with transaction.atomic():
                return super().try_save(request)
        except IntegrityError:
            self.add_error(
                "display_name",
                _("This display name was just taken; please choose another."),
            )
            response = render(
                request,
                "account/signup.html",
                {"form": self, "login_url": reverse("account_login")},
            )
            return None, response


class ProfileForm(forms.Form):
    """What a member edits on /me/; saving goes through member_profile_update."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=DISPLAY_NAME_MAX,
        help_text=_("3 to 40 letters, digits, spaces, hyphens or underscores."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    avatar = forms.FileField(
        label=_("Avatar"),
        required=False,
        help_text=_(
            "JPEG, PNG or WEBP, 10 MB at most. We shrink it to 512 × 512 pixels and "
            "remove its hidden data (such as where the photo was taken)."
        ),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    avatar_remove = forms.BooleanField(
        label=_("Remove my current avatar"), required=False
    )
    bio = forms.CharField(
        label=_("Short bio"),
        required=False,
        max_length=500,
        help_text=_("500 characters at most."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    home_store = forms.ModelChoiceField(
        label=_("Home store"),
        queryset=Store.objects.order_by("name"),
        required=False,
        empty_label=_("No home store"),
    )
    loyalty_card_number = forms.CharField(
        label=_("Loyalty card number"),
        required=False,
        max_length=40,
        help_text=_("Links your in-store purchases to your account."),
    )

    def __init__(self, *args, member, **kwargs):
        self.member = member
        kwargs.setdefault(
            "initial",
            {
                "display_name": member.display_name,
                "bio": member.bio,
                "home_store": member.home_store_id,
                "loyalty_card_number": member.loyalty_card_number,
            },
        )
        super().__init__(*args, **kwargs)
        if not member.avatar:
            del self.fields["avatar_remove"]

    def save(self):
        """Save through the service, which checks everything at once.

        Its refusals become errors on this form, so what was typed stays in place.
        """
        try:
            return services.member_profile_update(
                member=self.member,
                display_name=self.cleaned_data["display_name"],
                bio=self.cleaned_data["bio"],
                home_store=self.cleaned_data["home_store"],
                loyalty_card_number=self.cleaned_data["loyalty_card_number"],
                avatar=self.cleaned_data["avatar"],
                avatar_remove=self.cleaned_data.get("avatar_remove", False),
            )
        except ValidationError as error:
            self.add_error(None, error)
            return None


_ADMIN_MEMBER_FIELDS = {"display_name", "slug", "loyalty_card_number", "home_store"}


class _MemberAdminFieldsMixin:
    """Member rules in Wagtail's user forms: names optional, same display name rules.

    A display name without a slug gets one made from it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Customers often give no first or last name; Wagtail requires them.
        for name in ("first_name", "last_name"):
            self.fields[name].required = False
        self.fields["slug"].help_text = _(
            "Public profile address; left empty, it is made from the display name."
        )

    def clean_display_name(self):
        name = self.cleaned_data.get("display_name")
        if not name:
            return None
        return services.display_name_clean(name, member=self.instance)

    def clean_loyalty_card_number(self):
        return services.loyalty_card_number_clean(
            self.cleaned_data.get("loyalty_card_number"), member=self.instance
        )

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("display_name")
        if name and not cleaned.get("slug"):
            cleaned["slug"] = services.member_slug_make(
                display_name=name, member=self.instance
            )
        return cleaned


class MemberUserCreationForm(_MemberAdminFieldsMixin, UserCreationForm):
    """Wagtail's "add user" form with the member fields; rendered by our template."""

    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | _ADMIN_MEMBER_FIELDS


class MemberUserEditForm(_MemberAdminFieldsMixin, UserEditForm):
    """Wagtail's "edit user" form: staff may fix a display name or a loyalty card.

    Clashes (display name ignoring case, loyalty card) are errors on the field.
    """

    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | _ADMIN_MEMBER_FIELDS | {"trust_level"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Staff grant levels 3 and 4 here; a form sent without the field keeps
        # the level the member has.
        self.fields["trust_level"].required = False

    def clean_trust_level(self):
        level = self.cleaned_data.get("trust_level")
        return self.instance.trust_level if level in (None, "") else level


class ErasureForm(forms.Form):
    """/me/delete/: the member's password, and per kind of public content whether
    to delete it rather than keep it signed "former member"."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To be sure it is you: erasure cannot be undone."),
    )

    def __init__(self, *args, summary: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.deletable = [part for part in summary if part["delete_label"]]
        for part in self.deletable:
            self.fields[f"delete_{part['name']}"] = forms.BooleanField(
                label=part["delete_label"], required=False
            )

    def delete_public(self) -> list[str]:
        """The sections whose public content the member chose to delete."""
        return [
            part["name"]
            for part in self.deletable
            if self.cleaned_data.get(f"delete_{part['name']}")
        ]
