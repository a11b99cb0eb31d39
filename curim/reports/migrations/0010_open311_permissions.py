"""Let the admin role issue and withdraw Open311 API keys."""

from django.db import migrations

from curim.accounts.migrations import _grants

PERMISSIONS = ["reports.view_open311client", "reports.add_open311client",
               "reports.change_open311client"]


def grant(apps, schema_editor):
    _grants.grant(apps, "admin", PERMISSIONS)


def revoke(apps, schema_editor):
    _grants.revoke(apps, "admin", PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("reports", "0009_open311_client"), ("reports", "0008_conversation_permissions")]

    operations = [migrations.RunPython(grant, revoke)]
