from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "community.forum"
    label = "forum"
    verbose_name = _("Forum")

    def ready(self):
        # Flags made on any page close a topic at the forum's threshold.
        from . import signals  # noqa: F401
        from .cached_pages import category_signals_connect

        # Editors' changes to a category show on every forum page.
        category_signals_connect()
