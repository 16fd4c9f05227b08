from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResaleConfig(AppConfig):
    name = "marketplace.resale"
    label = "resale"
    verbose_name = _("Second-hand")

    def ready(self):
        # The menu links (nav_hooks.py); conversations' routes, moderated type and
        # menu link (talk_hooks.py); wallet, data rights and DAC7 (account_hooks.py).
        # The desk, product panel, search, sitemap and purchases (plug_hooks.py).
        # The seller's section of the public profile (profile_hooks.py).
        # The others are in wagtail_hooks.py, which Wagtail imports itself.
        from . import (  # noqa: F401
            account_hooks,
            nav_hooks,
            plug_hooks,
            profile_hooks,
            talk_hooks,
        )
        from .product_page import rules_signals_connect

        rules_signals_connect()
