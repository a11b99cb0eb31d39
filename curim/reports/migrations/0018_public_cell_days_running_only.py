"""Public cells per day without the per-day counts: the running totals hold them.

A period's count reads two running totals (migration 0017); a day's own count is the difference
of its running total and the one before, so the `counts` array only doubled what the rows hold.
Without it a row is a quarter smaller (380 → about 290 bytes at a million reports), and a
period's city-wide tile, which reads most rows, reads a quarter less. The functions of 0017 are
replaced with the same names and arguments, except the one that adds a day, whose arguments
change; the triggers call them by name and stay.
"""

import importlib

from django.db import migrations

PREVIOUS = importlib.import_module("curim.reports.migrations.0017_public_cell_days")
PUBLIC = PREVIOUS.PUBLIC
DAY = PREVIOUS.DAY
KEY = PREVIOUS.KEY

FORWARD = f"""
DROP FUNCTION reports_cell_days_add(date[], integer[], date, integer);

-- A cell's days with one day's count changed by delta: days in order and the running total of
-- each (each day's own count being its total less the one before); days whose own count comes to
-- nothing are dropped; empty arrays once no day counts.
CREATE FUNCTION reports_cell_days_add(days date[], running integer[], day date, delta integer)
RETURNS TABLE (days date[], running integer[])
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(array_agg(d ORDER BY d), '{{}}'), coalesce(array_agg(total ORDER BY d), '{{}}')
  FROM (
    SELECT d, (sum(n) OVER (ORDER BY d))::integer AS total
    FROM (
      SELECT d, sum(n)::integer AS n
      FROM (
        SELECT d, t - coalesce(lag(t) OVER (ORDER BY d), 0) AS n
        FROM unnest(days, running) AS u(d, t)
        UNION ALL SELECT day, delta
      ) q
      GROUP BY d HAVING sum(n) <> 0
    ) per_day
  ) per_day_with_total
$$;

CREATE OR REPLACE FUNCTION reports_public_cell_day_count(r reports_report, delta integer)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  category_public boolean;
BEGIN
  IF r.status NOT IN {PUBLIC} OR r.duplicate_of_id IS NOT NULL
     OR r.public_point_3857 IS NULL
  THEN
    RETURN;
  END IF;
  -- FOR SHARE, as in 0012: a category's privacy flip cannot interleave with this count.
  SELECT c.may_be_public INTO category_public FROM reports_category c
  WHERE c.id = r.category_id FOR SHARE;
  IF NOT coalesce(category_public, false) THEN
    RETURN;
  END IF;
  IF delta > 0 THEN
    INSERT INTO reports_publiccelldays AS cell
      (category_id, area_id, x, y, point_3857, days, running, count)
    VALUES (r.category_id, r.area_id, ST_X(r.public_point_3857), ST_Y(r.public_point_3857),
            r.public_point_3857, ARRAY[{DAY}], ARRAY[delta], delta)
    ON CONFLICT ON CONSTRAINT public_cell_days_key DO UPDATE
    SET (days, running) = (
          SELECT * FROM reports_cell_days_add(cell.days, cell.running, {DAY}, delta)),
        count = cell.count + delta;
  ELSE
    UPDATE reports_publiccelldays AS cell
    SET (days, running) = (
          SELECT * FROM reports_cell_days_add(cell.days, cell.running, {DAY}, delta)),
        count = cell.count + delta
    WHERE {KEY};
    DELETE FROM reports_publiccelldays WHERE {KEY} AND count <= 0;
  END IF;
END $$;

-- Planned for its argument each time: the platform's connections plan prepared statements once
-- (curim/core/prepared.py), and a plan made for any category would not drop the NULL case and
-- use the category's index, but read every report for one category's privacy flip.
CREATE OR REPLACE FUNCTION reports_public_cell_day_rebuild(category bigint) RETURNS void
LANGUAGE plpgsql SET plan_cache_mode = auto AS $$
BEGIN
  DELETE FROM reports_publiccelldays WHERE category IS NULL OR category_id = category;
  INSERT INTO reports_publiccelldays (category_id, area_id, x, y, point_3857, days, running, count)
  SELECT category_id, area_id, x, y, ST_SetSRID(ST_MakePoint(x, y), 3857),
         array_agg(day ORDER BY day), array_agg(total ORDER BY day), sum(n)
  FROM (
    SELECT r.category_id, r.area_id, ST_X(r.public_point_3857) AS x,
           ST_Y(r.public_point_3857) AS y, {DAY} AS day, count(*)::integer AS n,
           (sum(count(*)) OVER (PARTITION BY r.category_id, r.area_id, ST_X(r.public_point_3857),
                                             ST_Y(r.public_point_3857)
                                ORDER BY {DAY}))::integer AS total
    FROM reports_report r JOIN reports_category c ON c.id = r.category_id AND c.may_be_public
    WHERE (category IS NULL OR r.category_id = category) AND r.status IN {PUBLIC}
      AND r.duplicate_of_id IS NULL AND r.public_point_3857 IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5
  ) per_day
  GROUP BY 1, 2, 3, 4;
END $$;

ALTER TABLE reports_publiccelldays DROP COLUMN counts;
"""

# Every category at once (a NULL category), in one INSERT … SELECT … GROUP BY.
BACKFILL = PREVIOUS.BACKFILL

# Back to 0017: its column (empty, then refilled by its own rebuild) and its functions.
_TRIGGER_FUNCTION = "CREATE FUNCTION reports_report_public_cell_day()"
assert _TRIGGER_FUNCTION in PREVIOUS.FORWARD  # the functions of 0017 are the text before it
_PREVIOUS_FUNCTIONS = PREVIOUS.FORWARD.split(_TRIGGER_FUNCTION)[0]
REVERSE = f"""
DROP FUNCTION reports_cell_days_add(date[], integer[], date, integer);
ALTER TABLE reports_publiccelldays ADD COLUMN counts integer[] NOT NULL DEFAULT '{{}}';
ALTER TABLE reports_publiccelldays ALTER COLUMN counts DROP DEFAULT;
{_PREVIOUS_FUNCTIONS.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")}
{BACKFILL}
"""


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0017_public_cell_days'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(FORWARD, REVERSE)],
            state_operations=[migrations.RemoveField(model_name='publiccelldays', name='counts')],
        ),
    ]
