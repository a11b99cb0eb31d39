"""Public cells per day: the public-cell counts split by the local day the reports happened,
kept by triggers in the same transaction as the reports (as 0011 keeps the all-time cells), and
backfilled here in one INSERT … SELECT … GROUP BY.

One row per cell (category, district, point), as PublicCell, holding its days in order, the
count of each, and the running total; a period's count is two binary searches (width_bucket)
in that row, so a period's tile reads as many rows as the all-time tile.
"""

import django.contrib.gis.db.models.fields
import django.contrib.postgres.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The statuses of models.PUBLIC_STATUSES as of this migration; a change to that list needs a
# migration that replaces these functions (tests/reports/test_public_cell_days.py checks them).
PUBLIC = "('published', 'forwarded', 'resolved', 'closed')"
# Days are local dates in the platform's time zone, as the period filters read them
# (selectors.reports_filter); tests/reports/test_public_cell_days.py checks the functions'.
ZONE = settings.TIME_ZONE.replace("'", "")

DAY = f"(r.occurred_at AT TIME ZONE '{ZONE}')::date"
KEY = """category_id = r.category_id AND area_id IS NOT DISTINCT FROM r.area_id
      AND x = ST_X(r.public_point_3857) AND y = ST_Y(r.public_point_3857)"""

FORWARD = f"""
-- A cell's days with one day's count changed by delta: days in order, the count of each (days
-- counting nothing dropped), and the running total; empty arrays once no day counts.
CREATE FUNCTION reports_cell_days_add(days date[], counts integer[], day date, delta integer)
RETURNS TABLE (days date[], counts integer[], running integer[])
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(array_agg(d ORDER BY d), '{{}}'), coalesce(array_agg(n ORDER BY d), '{{}}'),
         coalesce(array_agg(total ORDER BY d), '{{}}')
  FROM (
    SELECT d, n, (sum(n) OVER (ORDER BY d))::integer AS total
    FROM (
      SELECT d, sum(n)::integer AS n
      FROM (SELECT * FROM unnest(days, counts) AS u(d, n) UNION ALL SELECT day, delta) q
      GROUP BY d HAVING sum(n) <> 0
    ) per_day
  ) per_day_with_total
$$;

CREATE FUNCTION reports_public_cell_day_count(r reports_report, delta integer) RETURNS void
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
      (category_id, area_id, x, y, point_3857, days, counts, running, count)
    VALUES (r.category_id, r.area_id, ST_X(r.public_point_3857), ST_Y(r.public_point_3857),
            r.public_point_3857, ARRAY[{DAY}], ARRAY[delta], ARRAY[delta], delta)
    ON CONFLICT ON CONSTRAINT public_cell_days_key DO UPDATE
    SET (days, counts, running) = (
          SELECT * FROM reports_cell_days_add(cell.days, cell.counts, {DAY}, delta)),
        count = cell.count + delta;
  ELSE
    UPDATE reports_publiccelldays AS cell
    SET (days, counts, running) = (
          SELECT * FROM reports_cell_days_add(cell.days, cell.counts, {DAY}, delta)),
        count = cell.count + delta
    WHERE {KEY};
    DELETE FROM reports_publiccelldays WHERE {KEY} AND count <= 0;
  END IF;
END $$;

CREATE FUNCTION reports_public_cell_day_rebuild(category bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM reports_publiccelldays WHERE category IS NULL OR category_id = category;
  INSERT INTO reports_publiccelldays
    (category_id, area_id, x, y, point_3857, days, counts, running, count)
  SELECT category_id, area_id, x, y, ST_SetSRID(ST_MakePoint(x, y), 3857),
         array_agg(day ORDER BY day), array_agg(n ORDER BY day), array_agg(total ORDER BY day),
         sum(n)
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

CREATE FUNCTION reports_report_public_cell_day() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM reports_public_cell_day_count(OLD, -1); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM reports_public_cell_day_count(NEW, 1); END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER report_public_cell_day
AFTER INSERT OR DELETE
OR UPDATE OF status, duplicate_of_id, category_id, area_id, public_location, occurred_at
ON reports_report FOR EACH ROW EXECUTE FUNCTION reports_report_public_cell_day();

CREATE FUNCTION reports_category_public_cell_day() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM reports_public_cell_day_rebuild(NEW.id);
  RETURN NULL;
END $$;

CREATE TRIGGER category_public_cell_day
AFTER UPDATE OF may_be_public ON reports_category FOR EACH ROW
WHEN (OLD.may_be_public IS DISTINCT FROM NEW.may_be_public)
EXECUTE FUNCTION reports_category_public_cell_day();
"""

# Every category at once (a NULL category), in one INSERT … SELECT … GROUP BY.
BACKFILL = """
SELECT reports_public_cell_day_rebuild(NULL);
ANALYZE reports_publiccelldays;
"""

REVERSE = """
DROP TRIGGER category_public_cell_day ON reports_category;
DROP FUNCTION reports_category_public_cell_day();
DROP TRIGGER report_public_cell_day ON reports_report;
DROP FUNCTION reports_report_public_cell_day();
DROP FUNCTION reports_public_cell_day_rebuild(bigint);
DROP FUNCTION reports_public_cell_day_count(reports_report, integer);
DROP FUNCTION reports_cell_days_add(date[], integer[], date, integer);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('areas', '0002_population'),
        ('reports', '0016_verbose_names'),
    ]

    operations = [
        migrations.CreateModel(
            name='PublicCellDays',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('x', models.FloatField()),
                ('y', models.FloatField()),
                ('point_3857', django.contrib.gis.db.models.fields.PointField(srid=3857)),
                ('days', django.contrib.postgres.fields.ArrayField(base_field=models.DateField(), size=None)),
                ('counts', django.contrib.postgres.fields.ArrayField(base_field=models.PositiveIntegerField(), size=None)),
                ('running', django.contrib.postgres.fields.ArrayField(base_field=models.PositiveIntegerField(), size=None)),
                ('count', models.PositiveIntegerField()),
                ('area', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='areas.area')),
                ('category', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reports.category')),
            ],
            options={
                'indexes': [django.contrib.postgres.indexes.GistIndex(fields=['point_3857'], name='public_cell_days_point_idx')],
                'constraints': [models.UniqueConstraint(fields=('category', 'area', 'x', 'y'), name='public_cell_days_key', nulls_distinct=False)],
            },
        ),
        migrations.RunSQL(FORWARD + BACKFILL, REVERSE),
    ]
