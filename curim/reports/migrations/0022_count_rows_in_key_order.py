"""A report's move changes its two rows of counts in the order of their keys.

The count triggers (the public cells, 0011; the public cells per day, 0017; the council's
monthly counts, 0021) took one off the report's old row, then added one to its new row. Two
reports moved between the same two rows in opposite directions at the same moment (one from
category A to B, the other from B to A, in one cell or one month) locked the two rows in
opposite orders and deadlocked: PostgreSQL broke one of the moves off with an error. Each
trigger now changes the row with the lower key first, whichever of the two it is; every move
then takes the rows of each table in one order, and the tables in the triggers' (fixed) order.
The functions that count keep their names and arguments; only the trigger functions change.
This holds for statements that move one report each: one that moves many (an area deleted in the
admin sets its reports' area to none) takes their rows report after report, and can still meet
a single move in the other order.
"""

import importlib

from django.db import migrations

CELLS = importlib.import_module("curim.reports.migrations.0011_public_cell")
CELL_DAYS = importlib.import_module("curim.reports.migrations.0017_public_cell_days")
MONTHS = importlib.import_module("curim.reports.migrations.0021_council_month_counts")


def cell_key(row: str) -> str:
    """A row of counts of the public cells, per day or not: its category, area and cell."""
    return (
        f"ROW({row}.category_id, coalesce({row}.area_id, 0),"
        f" ST_X({row}.public_point_3857), ST_Y({row}.public_point_3857))"
    )


def month_key(row: str) -> str:
    """A row of the council's monthly counts: its category, area and month."""
    return f"ROW({row}.category_id, coalesce({row}.area_id, 0), {MONTHS.month(row)})"


def in_key_order(count: str, key: str) -> str:
    """The body's part that moves a report from its old row of counts to its new one, the lower
    key first (a NULL comparison, where the point is gone, counts nothing either way)."""
    return f"""  IF TG_OP = 'UPDATE' AND {key.replace("{row}", "NEW")} < {key.replace("{row}", "OLD")}
  THEN
    PERFORM {count}(NEW, 1);
    PERFORM {count}(OLD, -1);
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM {count}(OLD, -1); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM {count}(NEW, 1); END IF;
  RETURN NULL;"""


FORWARD = f"""
CREATE OR REPLACE FUNCTION reports_report_public_cell() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
{in_key_order("reports_public_cell_count", cell_key("{row}"))}
END $$;

CREATE OR REPLACE FUNCTION reports_report_public_cell_day() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
{in_key_order("reports_public_cell_day_count", cell_key("{row}"))}
END $$;

CREATE OR REPLACE FUNCTION reports_report_council_month() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND {MONTHS.counted("OLD")} AND {MONTHS.counted("NEW")}
     AND OLD.category_id = NEW.category_id AND OLD.area_id IS NOT DISTINCT FROM NEW.area_id
     AND {MONTHS.month("OLD")} = {MONTHS.month("NEW")}
  THEN
    RETURN NULL;  -- counted before and after, in the same row of counts
  END IF;
{in_key_order("reports_council_month_count", month_key("{row}"))}
END $$;
"""


def _function(forward: str, name: str) -> str:
    """The text of the function `name` as `forward` creates it (up to its `END $$;`)."""
    start = forward.index(f"CREATE FUNCTION {name}()")
    end = forward.index("END $$;", start) + len("END $$;")
    return forward[start:end].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")


REVERSE = "\n\n".join(
    [
        _function(CELLS.FORWARD, "reports_report_public_cell"),
        _function(CELL_DAYS.FORWARD, "reports_report_public_cell_day"),
        _function(MONTHS.FORWARD, "reports_report_council_month"),
    ]
)


class Migration(migrations.Migration):
    dependencies = [("reports", "0021_council_month_counts")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
