"""Give the admin role the report taxonomy and read access to reports in the Django admin."""

from django.db import migrations

from curim.accounts.migrations import _grants

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
    _grants.grant(apps, "admin", ADMIN_PERMISSIONS)


def revoke(apps, schema_editor):
    _grants.revoke(apps, "admin", ADMIN_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_taxonomy"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(grant, revoke)]
