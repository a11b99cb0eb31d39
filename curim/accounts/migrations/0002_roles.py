"""Create the role groups and give them their permissions (see curim/accounts/roles.py)."""

from django.db import migrations

from curim.accounts.migrations import _grants

ROLES = [
    "citizen",
    "moderator",
    "council_member",
    "council_secretary",
    "vsu_staff",
    "vsu_supervisor",
    "analyst",
    "admin",
]

# Frozen copy of ROLE_PERMISSIONS as of this migration; later migrations change it.
ROLE_PERMISSIONS = {
    "admin": [
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.delete_user",
        "auth.view_group",
        "areas.view_area",
        "areas.add_area",
        "areas.change_area",
        "areas.delete_area",
        "core.view_outboxtask",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accessfailurelog",
        "axes.view_accesslog",
    ],
}


def roles_create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
        _grants.grant(apps, name, ROLE_PERMISSIONS.get(name, []))


def roles_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("areas", "0001_initial"),
        ("core", "0001_initial"),
        ("axes", "0010_accessattemptexpiration"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(roles_create, roles_delete)]
