from django.apps import AppConfig


class ComptoirConfig(AppConfig):
    """Site-wide pieces: base templates' static files, template tags, checks."""

    name = "comptoir"
    verbose_name = "Comptoir"
