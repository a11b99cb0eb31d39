# The admins' permissions on the interventions in the Django admin (curim/accounts/roles.py,
# INTERVENTION_ADMIN_PERMISSIONS).

from django.db import migrations

from curim.accounts.migrations import _grants

ADMIN = [
    *(
        f"interventions.{verb}_{model}"
        for model in ("intervention", "session", "participants", "proposal")
        for verb in ("view", "add", "change", "delete")
    ),
    "interventions.view_interventionphoto",
    "interventions.delete_interventionphoto",
    "interventions.view_evaluation",
]


def grant(apps, schema_editor):
    _grants.grant(apps, "admin", ADMIN)


def revoke(apps, schema_editor):
    _grants.revoke(apps, "admin", ADMIN)


class Migration(migrations.Migration):
    dependencies = [
        ("interventions", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
