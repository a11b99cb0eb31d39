"""Public cells per day: the public-cell counts split by the local day the reports happened,
kept by triggers in the same transaction as the reports (as 0011 keeps the all-time cells), and
backfilled here in one INSERT … SELECT … GROUP BY.
"""

import django.contrib.gis.db.models.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The statuses of models.PUBLIC_STATUSES as of this migration; a change to that list needs a
# migration that replaces these functions (tests/reports/test_public_cells.py checks them).
PUBLIC = "('published', 'forwarded', 'resolved', 'closed')"
# Days are local dates in the platform's time zone, as the period filters read them
# (selectors.reports_filter); tests/reports/test_public_cell_days.py checks the functions'.
ZONE = settings.TIME_ZONE.replace("'", "")

DAY = f"(r.occurred_at AT TIME ZONE '{ZONE}')::date"

FORWARD = f"""
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
    INSERT INTO reports_publiccellday AS cell (category_id, area_id, x, y, day, point_3857, count)
    VALUES (r.category_id, r.area_id, ST_X(r.public_point_3857), ST_Y(r.public_point_3857),
            {DAY}, r.public_point_3857, delta)
    ON CONFLICT ON CONSTRAINT public_cell_day_key
    DO UPDATE SET count = cell.count + EXCLUDED.count;
  ELSE
    UPDATE reports_publiccellday SET count = count + delta
    WHERE category_id = r.category_id AND area_id IS NOT DISTINCT FROM r.area_id
      AND x = ST_X(r.public_point_3857) AND y = ST_Y(r.public_point_3857) AND day = {DAY};
    DELETE FROM reports_publiccellday
    WHERE category_id = r.category_id AND area_id IS NOT DISTINCT FROM r.area_id
      AND x = ST_X(r.public_point_3857) AND y = ST_Y(r.public_point_3857) AND day = {DAY}
      AND count <= 0;
  END IF;
END $$;

CREATE FUNCTION reports_public_cell_day_rebuild(category bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM reports_publiccellday WHERE category_id = category;
  INSERT INTO reports_publiccellday (category_id, area_id, x, y, day, point_3857, count)
  SELECT r.category_id, r.area_id, ST_X(r.public_point_3857), ST_Y(r.public_point_3857),
         {DAY},
         ST_SetSRID(ST_MakePoint(ST_X(r.public_point_3857), ST_Y(r.public_point_3857)), 3857),
         count(*)
  FROM reports_report r JOIN reports_category c ON c.id = r.category_id AND c.may_be_public
  WHERE r.category_id = category AND r.status IN {PUBLIC} AND r.duplicate_of_id IS NULL
    AND r.public_point_3857 IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5;
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

# Every category at once, in one INSERT … SELECT … GROUP BY.
BACKFILL = f"""
INSERT INTO reports_publiccellday (category_id, area_id, x, y, day, point_3857, count)
SELECT r.category_id, r.area_id, ST_X(r.public_point_3857), ST_Y(r.public_point_3857),
       {DAY},
       ST_SetSRID(ST_MakePoint(ST_X(r.public_point_3857), ST_Y(r.public_point_3857)), 3857),
       count(*)
FROM reports_report r JOIN reports_category c ON c.id = r.category_id AND c.may_be_public
WHERE r.status IN {PUBLIC} AND r.duplicate_of_id IS NULL AND r.public_point_3857 IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;
ANALYZE reports_publiccellday;
"""

REVERSE = """
DROP TRIGGER category_public_cell_day ON reports_category;
DROP FUNCTION reports_category_public_cell_day();
DROP TRIGGER report_public_cell_day ON reports_report;
DROP FUNCTION reports_report_public_cell_day();
DROP FUNCTION reports_public_cell_day_rebuild(bigint);
DROP FUNCTION reports_public_cell_day_count(reports_report, integer);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0002_population"),
        ("reports", "0016_verbose_names"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicCellDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("x", models.FloatField()),
                ("y", models.FloatField()),
                ("day", models.DateField()),
                ("point_3857", django.contrib.gis.db.models.fields.PointField(srid=3857)),
                ("count", models.PositiveIntegerField()),
                (
                    "area",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="areas.area",
                    ),
                ),
                (
                    "category",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="reports.category",
                    ),
                ),
            ],
            options={
                "indexes": [
                    django.contrib.postgres.indexes.GistIndex(
                        fields=["point_3857"], name="public_cell_day_point_idx"
                    ),
                    models.Index(fields=["day"], name="public_cell_day_day_idx"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("category", "area", "x", "y", "day"),
                        name="public_cell_day_key",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.RunSQL(FORWARD + BACKFILL, REVERSE),
    ]
