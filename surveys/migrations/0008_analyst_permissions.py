"""Analysts build waves and indicators in the admin and read responses, imports and exports;
admins read the export log too. Analysts' staff flag follows (they now open the admin)."""

from django.db import migrations

from curim.accounts.migrations import _grants

BUILT = ["survey", "section", "question", "choice", "indicator", "indicatoritem"]
READ = ["response", "answer", "importbatch", "exportrecord"]
ANALYST = [
    *(f"surveys.{verb}_{model}" for model in BUILT for verb in ("view", "add", "change", "delete")),
    *(f"surveys.view_{model}" for model in READ),
]
ADMIN = ["surveys.view_exportrecord"]


def grant(apps, schema_editor):
    _grants.grant(apps, "analyst", ANALYST)
    _grants.grant(apps, "admin", ADMIN)
    User = apps.get_model("accounts", "User")
    User.objects.filter(groups__name="analyst", is_staff=False).update(is_staff=True)


def revoke(apps, schema_editor):
    _grants.revoke(apps, "analyst", ANALYST)
    _grants.revoke(apps, "admin", ADMIN)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0007_export_record"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(grant, revoke)]
