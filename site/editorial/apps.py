from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = _("Editorial")

    def ready(self):
        from .routing import site_lookup_install

        site_lookup_install()
