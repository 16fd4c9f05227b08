"""Wagtail's "Editors" group manages the forum's categories (Forum categories in
the admin menu): add, change, delete and view.

The group is Wagtail's own (wagtailcore 0002_initial_data); a site where it was
renamed or deleted gets nothing here rather than a new group. Permissions are
normally created after all migrations run, so the four are created here if they
do not exist yet.
"""

from django.db import migrations

GROUP_NAME = "Editors"

PERMISSIONS = [
    ("add_forumcategory", "Can add forum category"),
    ("change_forumcategory", "Can change forum category"),
    ("delete_forumcategory", "Can delete forum category"),
    ("view_forumcategory", "Can view forum category"),
]


def _permissions(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="forum", model="forumcategory"
    )
    return [
        Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )[0]
        for codename, name in PERMISSIONS
    ]


def editors_grant(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.add(*_permissions(apps))


def editors_revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0002_post_mention"),
        ("wagtailcore", "0002_initial_data"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(editors_grant, editors_revoke)]
