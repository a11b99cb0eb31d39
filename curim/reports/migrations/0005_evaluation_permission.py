"""Let the admin role read place evaluations in the Django admin."""

from django.db import migrations

from curim.accounts.migrations import _grants


def grant(apps, schema_editor):
    _grants.grant(apps, "admin", ["reports.view_placeevaluation"])


def revoke(apps, schema_editor):
    _grants.revoke(apps, "admin", ["reports.view_placeevaluation"])


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_place_evaluation"), ("reports", "0003_role_permissions")]

    operations = [migrations.RunPython(grant, revoke)]
