"""Place evaluations: recording one, and the public map of them, averaged per 50 m cell in SQL."""

from dataclasses import dataclass
from datetime import date

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from curim.accounts.models import User
from curim.reports.locations import placement
from curim.reports.models import EVALUATION_GRID_M, PlaceEvaluation


@dataclass(frozen=True)
class EvaluationDraft:
    location: Point
    time_of_day: str
    feeling: int
    lighting: int
    visibility: int
    people: int
    security: int
    walk_path: int


@transaction.atomic
def evaluation_submit(
    *, draft: EvaluationDraft, evaluator: User | None, client_address: str | None
) -> PlaceEvaluation:
    placed = placement(draft.location, EVALUATION_GRID_M)
    if not placed.inside:
        raise ValidationError({"location": _("The location is outside the municipality.")})
    evaluation = PlaceEvaluation(
        location=draft.location,
        public_location=placed.public_point,
        area_id=placed.area_id,
        time_of_day=draft.time_of_day,
        feeling=draft.feeling,
        lighting=draft.lighting,
        visibility=draft.visibility,
        people=draft.people,
        security=draft.security,
        walk_path=draft.walk_path,
        evaluator=evaluator if evaluator is not None and evaluator.is_authenticated else None,
        client_address=client_address,
    )
    evaluation.full_clean()
    evaluation.save()
    return evaluation


# A cell is shown once it holds this many ratings, so no single person's rating is exposed.
EVALUATIONS_PER_CELL_MIN = 3

CELLS_SQL = """
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(
  json_build_object(
    'type', 'Feature',
    'geometry', ST_AsGeoJSON(cell.public_location, 6)::json,
    'properties', json_build_object(
      'count', cell.n, 'feeling', cell.feeling, 'lighting', cell.lighting,
      'visibility', cell.visibility, 'people', cell.people, 'security', cell.security,
      'walk_path', cell.walk_path
    )
  )), '[]'::json))::text
FROM (
  SELECT public_location, count(*) AS n,
         round(avg(feeling), 2) AS feeling, round(avg(lighting), 2) AS lighting,
         round(avg(visibility), 2) AS visibility, round(avg(people), 2) AS people,
         round(avg(security), 2) AS security, round(avg(walk_path), 2) AS walk_path
  FROM reports_placeevaluation
  WHERE (%(time_of_day)s::text IS NULL OR time_of_day = %(time_of_day)s)
    AND (%(since)s::date IS NULL OR created_at >= %(since)s::date)
  GROUP BY public_location
  HAVING count(*) >= %(minimum)s
) cell
"""


def evaluation_cells_geojson(*, time_of_day: str | None, since: date | None) -> str:
    """Average ratings per public 50 m cell, as a GeoJSON FeatureCollection made by PostGIS."""
    with connection.cursor() as cursor:
        cursor.execute(
            CELLS_SQL,
            {"time_of_day": time_of_day, "since": since, "minimum": EVALUATIONS_PER_CELL_MIN},
        )
        (body,) = cursor.fetchone()
    return str(body)
