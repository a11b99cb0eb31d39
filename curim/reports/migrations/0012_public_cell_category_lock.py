"""The public-cell count locks the report's category row (FOR SHARE) while it reads it.

A category's privacy flip updates that row and rebuilds its cells; without the lock, a report
published at the same moment could read the old flag and add a cell after the rebuild.
"""

from django.db import migrations

PUBLIC = "('published', 'forwarded', 'resolved', 'closed')"

COUNT_FUNCTION = """
CREATE OR REPLACE FUNCTION reports_public_cell_count(r reports_report, delta integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  category_public boolean;
BEGIN
  IF r.status NOT IN {public} OR r.duplicate_of_id IS NOT NULL
     OR r.public_point_3857 IS NULL
  THEN
    RETURN;
  END IF;
  SELECT c.may_be_public INTO category_public FROM reports_category c
  WHERE c.id = r.category_id FOR SHARE;
  IF NOT coalesce(category_public, false) THEN
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
"""

FORWARD = COUNT_FUNCTION.replace("{public}", PUBLIC)
# The version of 0011, without the lock.
BACKWARD = FORWARD.replace(
    """  SELECT c.may_be_public INTO category_public FROM reports_category c
  WHERE c.id = r.category_id FOR SHARE;""",
    """  SELECT c.may_be_public INTO category_public FROM reports_category c
  WHERE c.id = r.category_id;""",
)


class Migration(migrations.Migration):
    dependencies = [("reports", "0011_public_cell")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
