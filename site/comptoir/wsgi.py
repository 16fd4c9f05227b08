"""WSGI entry point, for pages served by worker processes behind a proxy."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings.dev")
application = get_wsgi_application()

from comptoir.process import loaded_code_freeze  # noqa: E402

loaded_code_freeze()
