"""The "Review board" group: may open the Wagtail admin, decide product ideas and
edit their rules (Settings › Product ideas).

Permissions are normally created after all migrations run, so the ones this group
needs are created here if they do not exist yet.
"""

from django.db import migrations

GROUP_NAME = "Review board"

PERMISSIONS = [
    ("idea", "decide_ideas", "Can decide ideas on the review board"),
    ("idea", "view_idea", "Can view product idea"),
    ("ideassettings", "change_ideassettings", "Can change product ideas"),
    ("ideassettings", "view_ideassettings", "Can view product ideas"),
]


def group_add(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    for model, codename, name in PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(
            app_label="ideas", model=model
        )
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)
    admin_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailadmin", model="admin"
    )
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_type,
        codename="access_admin",
        defaults={"name": "Can access Wagtail admin"},
    )
    group.permissions.add(access_admin)


def group_remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0002_idea_permissions"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(group_add, group_remove)]
