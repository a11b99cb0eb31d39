"""Let the admin role see and correct comments, and see "me too"s and follows."""

from django.db import migrations

from curim.accounts.migrations import _grants

PERMISSIONS = [
    "reports.view_comment",
    "reports.change_comment",
    "reports.view_commentflag",
    "reports.view_confirmation",
    "reports.view_follow",
]


def grant(apps, schema_editor):
    _grants.grant(apps, "admin", PERMISSIONS)


def revoke(apps, schema_editor):
    _grants.revoke(apps, "admin", PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("reports", "0007_report_language"), ("reports", "0005_evaluation_permission")]

    operations = [migrations.RunPython(grant, revoke)]
