"""Statistics on the month a report happened in (in settings.TIME_ZONE), the expression the
council's figures group by (curim.reports.selectors.council_report_figures).

Without them PostgreSQL knows nothing of how many months the expression takes: at a million
reports it expected 100,000 groups where there were 345, and sorted every report of the period
on disk instead of counting them in a small hash table (docs/performance.md, "The council
dashboard's counts"). The expression names the time zone: after changing TIME_ZONE,
re-create them as docs/operations.md says.
"""

from django.conf import settings
from django.db import migrations

NAME = "reports_report_occurred_month"


class Migration(migrations.Migration):
    dependencies = [("reports", "0019_public_cells_single_indexes")]

    operations = [
        migrations.RunSQL(
            sql=[
                (
                    f"CREATE STATISTICS {NAME} ON "
                    "(date_trunc('month', occurred_at AT TIME ZONE %s)) FROM reports_report",
                    [settings.TIME_ZONE],
                ),
                "ANALYZE reports_report",
            ],
            reverse_sql=[f"DROP STATISTICS IF EXISTS {NAME}"],
        )
    ]
