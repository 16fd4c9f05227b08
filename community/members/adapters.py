from allauth.account.adapter import DefaultAccountAdapter

from . import services


class AccountAdapter(DefaultAccountAdapter):
    """allauth's adapter, giving new members their display name and profile slug."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        display_name = form.cleaned_data.get("display_name")
        if display_name:
            services.member_signup_profile_set(member=user, display_name=display_name)
        if commit:
            user.save()
        return user
