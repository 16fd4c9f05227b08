"""Apps import only in the directions docs/architecture.md allows.

Every import of every module of the project's apps is read from the source (at
module level and inside functions, relative ones resolved), so a lazy import inside
a function is caught like any other.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_FOLDERS = {"community": ROOT / "community", "marketplace": ROOT / "marketplace"}

# The floors that member content stands on; every other app under community/ and
# marketplace/ is a content app (reviews today; ideas, forum, resale tomorrow).
FOUNDATION = {
    "community.members",
    "community.moderation",
    "community.notifications",
    "marketplace.catalog",
    "marketplace.sales",
    "marketplace.integrations",
}


def project_apps() -> set[str]:
    apps = {"rewards"}
    for top, folder in APP_FOLDERS.items():
        apps.update(
            f"{top}.{child.name}"
            for child in folder.iterdir()
            if (child / "apps.py").exists()
        )
    return apps


def content_apps() -> set[str]:
    return project_apps() - FOUNDATION - {"rewards"}


def forbidden_targets(app: str, content: set[str]) -> set[str]:
    """What `app` may not import (apps or whole top-level packages)."""
    rules = {
        "marketplace.catalog": {"community", "rewards"},
        "marketplace.sales": {"community", "rewards"},
        "community.members": content | {"community.moderation", "rewards"},
        "community.moderation": content | {"rewards"},
        "rewards": content,
    }
    return rules.get(app, set())


def imported_modules(source: str, module: str, *, is_package: bool) -> list[str]:
    """Absolute names of every module imported by `source`, relative ones resolved."""
    package = module if is_package else module.rpartition(".")[0]
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base)
                target = f"{prefix}.{node.module}" if node.module else prefix
            else:
                target = node.module or ""
            names.append(target)
            # "from community import reviews" imports the app itself.
            names.extend(f"{target}.{alias.name}" for alias in node.names)
    return names


def hits(name: str, target: str) -> bool:
    return name == target or name.startswith(target + ".")


def violations_of(app: str, modules: dict[str, tuple[str, bool]]) -> list[str]:
    """`module imports target` lines for every forbidden import of `app`.

    `modules` maps a module name to (source, is_package).
    """
    content = content_apps()
    forbidden = forbidden_targets(app, content)
    found = []
    for module, (source, is_package) in sorted(modules.items()):
        for name in imported_modules(source, module, is_package=is_package):
            if hits(name, app):
                continue
            for target in forbidden:
                if hits(name, target):
                    found.append(f"{module} imports {name}")
    return found


def app_modules(app: str) -> dict[str, tuple[str, bool]]:
    folder = ROOT.joinpath(*app.split("."))
    modules = {}
    for path in folder.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        modules[name] = (path.read_text(encoding="utf-8"), is_package)
    return modules


def test_no_app_imports_against_the_allowed_directions():
    # given every module of every app, migrations and management commands included
    found = []
    for app in sorted(project_apps()):
        found.extend(violations_of(app, app_modules(app)))
    # then none imports a floor above it
    assert found == []


def test_the_check_catches_a_lazy_import_inside_a_function():
    # given a catalog module that imports reviews inside a function, relatively too
    source = (
        "def panel():\n"
        "    from community.reviews.selectors import product_reviews\n"
        "    from ..sales import models\n"
        "    from rewards import close\n"
    )
    modules = {"marketplace.catalog.views": (source, False)}
    # then both forbidden directions are reported, and the allowed one is not
    assert violations_of("marketplace.catalog", modules) == [
        "marketplace.catalog.views imports community.reviews.selectors",
        "marketplace.catalog.views imports community.reviews.selectors.product_reviews",
        "marketplace.catalog.views imports rewards",
        "marketplace.catalog.views imports rewards.close",
    ]


def test_a_new_app_under_community_is_a_content_app_that_moderation_may_not_import():
    # given the apps found on disk
    content = content_apps()
    # then reviews is content, the floors are not
    assert "community.reviews" in content
    assert not content & FOUNDATION
    modules = {
        "community.moderation.services": ("import community.reviews.models\n", False)
    }
    assert violations_of("community.moderation", modules) == [
        "community.moderation.services imports community.reviews.models"
    ]
