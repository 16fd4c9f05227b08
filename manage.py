#!/usr/bin/env python
"""Django's command-line utility for Comptoir."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def main() -> None:
    # site/ is a source folder, not a package: the standard library owns the name.
    sys.path.insert(0, str(ROOT / "site"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
