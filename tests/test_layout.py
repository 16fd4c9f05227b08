"""The site/ folder is a source folder: it must not shadow the standard `site`."""

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_standard_site_module_is_intact():
    import site

    assert hasattr(site, "getsitepackages")
    assert Path(site.__file__).parent != ROOT


def test_comptoir_and_editorial_resolve_under_site_folder():
    for name in ("comptoir", "editorial"):
        module = importlib.import_module(name)
        assert Path(module.__file__).resolve().parent.parent == ROOT / "site"


def test_site_folder_is_not_a_package():
    assert not (ROOT / "site" / "__init__.py").exists()
    assert str(ROOT / "site") in [str(Path(p).resolve()) for p in sys.path]
