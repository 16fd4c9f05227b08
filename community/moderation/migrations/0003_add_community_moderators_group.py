"""The "Community moderators" group: may open the Wagtail admin and work the queue.

Not Wagtail's own "Moderators" group: that one publishes editorial pages, which
people who moderate member content need not do. Permissions are normally created
after all migrations run, so the two this group needs are created here if they do
not exist yet.
"""

from django.db import migrations

GROUP_NAME = "Community moderators"


def moderators_group_add(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    queue_type, _ = ContentType.objects.get_or_create(
        app_label="moderation", model="queueentry"
    )
    moderate, _ = Permission.objects.get_or_create(
        content_type=queue_type,
        codename="moderate_content",
        defaults={"name": "Can moderate member content"},
    )
    admin_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailadmin", model="admin"
    )
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_type,
        codename="access_admin",
        defaults={"name": "Can access Wagtail admin"},
    )
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(moderate, access_admin)


def moderators_group_remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0002_add_moderate_permission"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(moderators_group_add, moderators_group_remove),
    ]
