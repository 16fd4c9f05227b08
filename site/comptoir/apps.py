from django.apps import AppConfig


class ComptoirConfig(AppConfig):
    """Site-wide pieces: base templates' static files, template tags, checks."""

    name = "comptoir"
    verbose_name = "Comptoir"

    def ready(self):
        from comptoir import checks  # noqa: F401 (registers them)
        from comptoir.page_cache import page_signals_connect

        page_signals_connect()
