"""System checks of the settings that switch to outside engines (`manage.py check`)."""

from importlib.util import find_spec

from django.conf import settings
from django.core.checks import Error, register

# Wagtail's search backend → the client module it imports, and what to install.
SEARCH_CLIENTS = {
    "wagtail.search.backends.elasticsearch8": ("elasticsearch", "elasticsearch>=8,<9"),
    "wagtail.search.backends.elasticsearch9": ("elasticsearch", "elasticsearch>=9,<10"),
    "wagtail.search.backends.opensearch2": ("opensearchpy", "opensearch-py>=2,<3"),
    "wagtail.search.backends.opensearch3": ("opensearchpy", "opensearch-py>=3,<4"),
}


@register()
def search_client_installed(app_configs, **kwargs):
    """SEARCH_URL is set but the search engine's client is not installed."""
    errors = []
    for alias, backend in settings.WAGTAILSEARCH_BACKENDS.items():
        module, requirement = SEARCH_CLIENTS.get(backend["BACKEND"], (None, None))
        if module and find_spec(module) is None:
            errors.append(
                Error(
                    f"The search backend {alias!r} ({backend['BACKEND']}) needs its "
                    f"client, which is not installed.",
                    hint=f'.venv/bin/pip install "{requirement}", or unset SEARCH_URL.',
                    id="comptoir.E001",
                )
            )
    return errors
