"""Put a Comptoir home page and the article index in place of Wagtail's welcome page.

Runs on a fresh database and does nothing when a home page already exists, so it is
safe to run against a database that already holds content.
"""

import uuid

from django.db import migrations

# treebeard's materialised path: 4 base-36 characters per level.
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def _child_path(parent_path, existing_child_paths):
    last = max(existing_child_paths, default=None)
    if last is None:
        number = 1
    else:
        number = int(last[-STEPLEN:], 36) + 1
    digits = ""
    while number:
        number, rest = divmod(number, 36)
        digits = ALPHABET[rest] + digits
    return parent_path + digits.rjust(STEPLEN, "0")


def create_site_structure(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Locale = apps.get_model("wagtailcore.Locale")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("editorial.HomePage")
    ArticleIndexPage = apps.get_model("editorial.ArticleIndexPage")

    home_type, _ = ContentType.objects.get_or_create(
        app_label="editorial", model="homepage"
    )
    index_type, _ = ContentType.objects.get_or_create(
        app_label="editorial", model="articleindexpage"
    )
    if HomePage.objects.exists():
        return

    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return
    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    welcome = (
        Page.objects.filter(content_type=page_type, depth=2, slug="home")
        .order_by("path")
        .first()
    )
    locale = (
        welcome.locale
        if welcome is not None
        else Locale.objects.order_by("pk").first()
    )
    # Only the untouched welcome page is replaced; one with children is kept.
    replace_welcome = welcome is not None and welcome.numchild == 0

    sibling_paths = Page.objects.filter(depth=2).values_list("path", flat=True)
    home = HomePage.objects.create(
        title="Comptoir",
        draft_title="Comptoir",
        slug="home" if replace_welcome or welcome is None else "comptoir",
        content_type=home_type,
        locale=locale,
        translation_key=uuid.uuid4(),
        path=_child_path(root.path, sibling_paths),
        depth=2,
        numchild=1,
        url_path="/home/" if replace_welcome or welcome is None else "/comptoir/",
        live=True,
        intro="",
    )
    ArticleIndexPage.objects.create(
        title="Articles",
        draft_title="Articles",
        slug="articles",
        content_type=index_type,
        locale=locale,
        translation_key=uuid.uuid4(),
        path=_child_path(home.path, []),
        depth=3,
        numchild=0,
        url_path=f"{home.url_path}articles/",
        live=True,
        intro="",
    )

    if welcome is not None:
        Site.objects.filter(root_page_id=welcome.pk).update(root_page_id=home.pk)
    if not Site.objects.filter(is_default_site=True).exists():
        Site.objects.create(
            hostname="localhost", port=80, root_page_id=home.pk, is_default_site=True
        )
    if replace_welcome:
        Page.objects.filter(pk=welcome.pk).delete()
    Page.objects.filter(pk=root.pk).update(
        numchild=Page.objects.filter(depth=2).count()
    )


def remove_site_structure(apps, schema_editor):
    """Going back removes the home page and everything under it."""
    Page = apps.get_model("wagtailcore.Page")
    HomePage = apps.get_model("editorial.HomePage")
    for home in HomePage.objects.all():
        # Deleting a row through a historical model does not follow the tree.
        Page.objects.filter(path__startswith=home.path).order_by("-depth").delete()
    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is not None:
        Page.objects.filter(pk=root.pk).update(
            numchild=Page.objects.filter(depth=2).count()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(create_site_structure, remove_site_structure),
    ]
