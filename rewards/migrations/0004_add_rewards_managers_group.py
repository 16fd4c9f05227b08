"""The "Rewards managers" group: may open the Wagtail admin, edit the programme and
product originators, close months, work the payout queue and read the ledger.

Permissions are normally created after all migrations run, so the ones this group
needs are created here if they do not exist yet.
"""

from django.db import migrations

GROUP_NAME = "Rewards managers"

PERMISSIONS = [
    ("period", "manage_rewards", "Can manage the rewards programme"),
    ("period", "view_period", "Can view closed month"),
    ("programme", "add_programme", "Can add programme version"),
    ("programme", "change_programme", "Can change programme version"),
    ("programme", "view_programme", "Can view programme version"),
    ("productorigin", "add_productorigin", "Can add product originators"),
    ("productorigin", "change_productorigin", "Can change product originators"),
    ("productorigin", "delete_productorigin", "Can delete product originators"),
    ("productorigin", "view_productorigin", "Can view product originators"),
    ("ledgertransaction", "view_ledgertransaction", "Can view ledger transaction"),
    ("payout", "view_payout", "Can view payout"),
]


def group_add(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    for model, codename, name in PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(
            app_label="rewards", model=model
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
        ("rewards", "0003_ledger_append_only_trigger"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(group_add, group_remove)]
