"""Public cells: all-time counts of public reports per cell, kept by triggers."""

import django.contrib.gis.db.models.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models

# The statuses of models.PUBLIC_STATUSES as of this migration; a change to that list needs a
# migration that replaces these functions (tests/reports/test_public_cells.py checks them).
PUBLIC = "('published', 'forwarded', 'resolved', 'closed')"

FORWARD = f"""
CREATE FUNCTION reports_public_cell_count(r reports_report, delta integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF r.status NOT IN {PUBLIC} OR r.duplicate_of_id IS NOT NULL
     OR r.public_point_3857 IS NULL
     OR NOT EXISTS (SELECT 1 FROM reports_category c WHERE c.id = r.category_id AND c.may_be_public)
  THEN
    RETURN;
  END IF;
  IF delta > 0 THEN
    INSERT INTO reports_publiccell AS cell (category_id, area_id, x, y, point_3857, count)
    VALUES (r.category_id, r.area_id, ST_X(r.public_point_3857), ST_Y(r.public_point_3857),
            r.public_point_3857, delta)
    ON CONFLICT ON CONSTRAINT public_cell_key DO UPDATE SET count = cell.count + EXCLUDED.count;
  ELSE
    UPDATE reports_publiccell SET count = count + delta
    WHERE category_id = r.category_id AND area_id IS NOT DISTINCT FROM r.area_id
      AND x = ST_X(r.public_point_3857) AND y = ST_Y(r.public_point_3857);
    DELETE FROM reports_publiccell
    WHERE category_id = r.category_id AND area_id IS NOT DISTINCT FROM r.area_id
      AND x = ST_X(r.public_point_3857) AND y = ST_Y(r.public_point_3857) AND count <= 0;
  END IF;
END $$;

CREATE FUNCTION reports_public_cell_rebuild(category bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM reports_publiccell WHERE category_id = category;
  INSERT INTO reports_publiccell (category_id, area_id, x, y, point_3857, count)
  SELECT r.category_id, r.area_id, ST_X(r.public_point_3857), ST_Y(r.public_point_3857),
         ST_SetSRID(ST_MakePoint(ST_X(r.public_point_3857), ST_Y(r.public_point_3857)), 3857),
         count(*)
  FROM reports_report r JOIN reports_category c ON c.id = r.category_id AND c.may_be_public
  WHERE r.category_id = category AND r.status IN {PUBLIC} AND r.duplicate_of_id IS NULL
    AND r.public_point_3857 IS NOT NULL
  GROUP BY 1, 2, 3, 4;
END $$;

CREATE FUNCTION reports_report_public_cell() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM reports_public_cell_count(OLD, -1); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM reports_public_cell_count(NEW, 1); END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER report_public_cell
AFTER INSERT OR DELETE OR UPDATE OF status, duplicate_of_id, category_id, area_id, public_location
ON reports_report FOR EACH ROW EXECUTE FUNCTION reports_report_public_cell();

CREATE FUNCTION reports_category_public_cell() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM reports_public_cell_rebuild(NEW.id);
  RETURN NULL;
END $$;

CREATE TRIGGER category_public_cell
AFTER UPDATE OF may_be_public ON reports_category FOR EACH ROW
WHEN (OLD.may_be_public IS DISTINCT FROM NEW.may_be_public)
EXECUTE FUNCTION reports_category_public_cell();

SELECT reports_public_cell_rebuild(id) FROM reports_category;
"""

REVERSE = """
DROP TRIGGER category_public_cell ON reports_category;
DROP FUNCTION reports_category_public_cell();
DROP TRIGGER report_public_cell ON reports_report;
DROP FUNCTION reports_report_public_cell();
DROP FUNCTION reports_public_cell_rebuild(bigint);
DROP FUNCTION reports_public_cell_count(reports_report, integer);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0001_initial"),
        ("reports", "0010_open311_permissions"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicCell",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("x", models.FloatField()),
                ("y", models.FloatField()),
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
                        fields=["point_3857"], name="public_cell_point_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("category", "area", "x", "y"),
                        name="public_cell_key",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.RunSQL(FORWARD, REVERSE),
    ]
