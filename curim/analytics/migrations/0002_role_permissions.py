"""Analysts and admins keep the official incident sources and their category mappings in the
admin, and read the import log and the incidents (see curim/accounts/roles.py)."""

from django.db import migrations

from curim.accounts.migrations import _grants

PERMISSIONS = [
    *(
        f"analytics.{verb}_{model}"
        for model in ("incidentsource", "categorymapping")
        for verb in ("view", "add", "change")
    ),
    "analytics.view_incidentimport",
    "analytics.view_officialincident",
]


def grant(apps, schema_editor):
    for role in ("analyst", "admin"):
        _grants.grant(apps, role, PERMISSIONS)


def revoke(apps, schema_editor):
    for role in ("analyst", "admin"):
        _grants.revoke(apps, role, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_initial"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(grant, revoke)]
