"""Let the admin role keep the council's records in the Django admin (roles.py says which)."""

from django.db import migrations

from curim.accounts.migrations import _grants

FULL = [
    "council",
    "organisation",
    "membership",
    "agendaitem",
    "attendance",
    "actionitem",
    "strategy",
    "priority",
    "objective",
    "measure",
]
RECORDED = ["meeting", "decision", "minutes", "recommendation"]
PERMISSIONS = [
    *(f"councils.{verb}_{model}" for model in FULL for verb in ("view", "add", "change", "delete")),
    *(f"councils.{verb}_{model}" for model in RECORDED for verb in ("view", "add", "change")),
    "councils.view_agendaattachment",
    "councils.add_agendaattachment",
    "councils.delete_agendaattachment",
    "councils.view_minutescomment",
    "councils.view_recommendationstatuschange",
    "councils.view_progressupdate",
    "councils.view_recordchange",
    "councils.view_referencesequence",
]


def grant(apps, schema_editor):
    _grants.grant(apps, "admin", PERMISSIONS)


def revoke(apps, schema_editor):
    _grants.revoke(apps, "admin", PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("councils", "0001_initial"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(grant, revoke)]
