from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context

# allauth's own adapter counts login attempts with this module; so do we.
from allauth.core.internal import ratelimit
from django.contrib.sites.shortcuts import get_current_site

from comptoir.background import email_send_later

from . import services
from .known_devices import known_device_id, known_device_remember


class AccountAdapter(DefaultAccountAdapter):
    """allauth's adapter, giving new members their display name and profile slug,
    and sparing known devices the lockout others cause (see known_devices.py)."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        display_name = form.cleaned_data.get("display_name")
        if display_name:
            services.member_signup_profile_set(member=user, display_name=display_name)
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix, email, context):
        """allauth's mails (verification, password reset) rendered here, in the
        request's language, and sent from a background job: a sign-up never
        waits for the mail server, and one that refuses is tried again."""
        request = allauth_context.request
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        email_send_later(self.render_mail(template_prefix, email, ctx))

    def pre_authenticate(self, request, **credentials):
        """allauth's `login_failed` limits, with the per-account one counted per
        known device: the per-IP limit is the same bucket for every attempt, the
        per-account one a bucket of the account and this device alone."""
        key = self._get_login_attempts_cache_key(request, **credentials)
        device = known_device_id(request, email=credentials.get("email") or "")
        if device:
            key = f"{key}:device:{device}"
        self._login_failed_rl_usage = ratelimit.consume(
            request, app="allauth.account", action="login_failed", key=key
        )
        if not self._login_failed_rl_usage:
            raise self.validation_error("too_many_login_attempts")

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        if user.email:
            known_device_remember(request, response, email=user.email)
        return response
