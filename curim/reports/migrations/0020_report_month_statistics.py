"""Statistics on the month a report happened in (in settings.TIME_ZONE), the expression the
council's figures group by (curim.reports.selectors.council_report_figures).

Without them PostgreSQL guesses a month has as many values as a tenth of the rows, expects
tens of thousands of groups where there are a few hundred, and sorts every report of the
period on disk instead of counting them in a small hash table (docs/performance.md, "The
council dashboard's counts"). The expression names the time zone: after changing TIME_ZONE,
migrate reports back to 0019 and forward again (docs/operations.md).
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
