"""Let the admin role build survey waves and indicators and read responses and imports."""

from django.db import migrations

from curim.accounts.migrations import _grants

BUILT = ["survey", "section", "question", "choice", "indicator", "indicatoritem"]
PERMISSIONS = [
    *(f"surveys.{verb}_{model}" for model in BUILT for verb in ("view", "add", "change", "delete")),
    "surveys.view_response",
    "surveys.view_answer",
    "surveys.view_importbatch",
]


def grant(apps, schema_editor):
    _grants.grant(apps, "admin", PERMISSIONS)


def revoke(apps, schema_editor):
    _grants.revoke(apps, "admin", PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(grant, revoke)]
