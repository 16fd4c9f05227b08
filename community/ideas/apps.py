from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "community.ideas"
    label = "ideas"
    verbose_name = _("Product ideas")

    def ready(self):
        from .cached_pages import rules_signals_connect

        rules_signals_connect()
