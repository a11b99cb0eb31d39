"""Give the admin role the report taxonomy and read access to reports in the Django admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMIN_PERMISSIONS = [
    "reports.view_category",
    "reports.add_category",
    "reports.change_category",
    "reports.view_report",
    "reports.change_report",
    "reports.view_reportevent",
    "reports.view_reportphoto",
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admin = Group.objects.get(name="admin")
    for dotted in ADMIN_PERMISSIONS:
        app_label, codename = dotted.split(".")
        admin.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admin = Group.objects.get(name="admin")
    for dotted in ADMIN_PERMISSIONS:
        app_label, codename = dotted.split(".")
        admin.permissions.remove(
            *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_taxonomy"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(grant, revoke)]
