"""Importing a file of a source's official incidents: all or nothing, idempotent, logged.

The file is read and checked by `curim.analytics.incident_files`; here each row's category is
looked up in the source's mappings and its point checked against the municipality's boundary
(one query for the whole file), then every row is written by one INSERT … ON CONFLICT keyed on
(source, external id): a new id is created, a changed row updated, an unchanged one left as it
is. The area of each incident (the finest area whose boundary covers it) is set in the same
statement. One error anywhere and nothing is written. The number of queries does not grow with
the file. docs/analytics/official-incidents.md says the same for analysts.
"""

import hashlib
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.translation import gettext as _

from curim.accounts.models import User
from curim.analytics.incident_files import (
    COLUMNS,
    CSV,
    IncidentRow,
    RowError,
    file_format,
    parse_incident_rows,
)
from curim.analytics.models import IncidentImport, IncidentSource

MAX_ERRORS_SHOWN = 1_000

_OUTSIDE_SQL = """
SELECT EXISTS (SELECT 1 FROM areas_area WHERE level = 'municipality'),
       ARRAY(
           SELECT given.number
           FROM unnest(%(numbers)s::int[], %(x)s::float8[], %(y)s::float8[])
                AS given(number, x, y)
           WHERE NOT EXISTS (
               SELECT 1 FROM areas_area AS area
               WHERE area.level = 'municipality'
                 AND ST_Covers(area.geometry, ST_SetSRID(ST_MakePoint(given.x, given.y), 4326))
           )
           ORDER BY given.number
       )
"""

# The finest area first (neighbourhood, district, municipality); on a shared border, the first
# by code, as `curim.areas.selectors.area_containing` does.
_UPSERT_SQL = """
WITH given AS (
    SELECT given.external_id, given.their_category, given.category_id, given.occurred_at,
           ST_SetSRID(ST_MakePoint(given.x, given.y), 4326) AS location
    FROM unnest(%(ids)s::text[], %(theirs)s::text[], %(categories)s::bigint[],
                %(times)s::timestamptz[], %(x)s::float8[], %(y)s::float8[])
         AS given(external_id, their_category, category_id, occurred_at, x, y)
),
written AS (
    INSERT INTO analytics_officialincident AS stored
        (source_id, external_id, their_category, category_id, occurred_at, location, area_id,
         last_import_id)
    SELECT %(source)s, given.external_id, given.their_category, given.category_id,
           given.occurred_at, given.location,
           (SELECT area.id FROM areas_area AS area
            WHERE ST_Covers(area.geometry, given.location)
            ORDER BY CASE area.level WHEN 'neighbourhood' THEN 0 WHEN 'district' THEN 1
                     ELSE 2 END, area.code
            LIMIT 1),
           %(log)s
    FROM given
    ON CONFLICT (source_id, external_id) DO UPDATE SET
        their_category = EXCLUDED.their_category,
        category_id = EXCLUDED.category_id,
        occurred_at = EXCLUDED.occurred_at,
        location = EXCLUDED.location,
        area_id = EXCLUDED.area_id,
        last_import_id = EXCLUDED.last_import_id
    WHERE (stored.their_category, stored.category_id, stored.occurred_at,
           ST_AsEWKB(stored.location), stored.area_id)
          IS DISTINCT FROM
          (EXCLUDED.their_category, EXCLUDED.category_id, EXCLUDED.occurred_at,
           ST_AsEWKB(EXCLUDED.location), EXCLUDED.area_id)
    RETURNING (stored.xmax = 0) AS created
)
SELECT COUNT(*) FILTER (WHERE created), COUNT(*) FILTER (WHERE NOT created) FROM written
"""


@dataclass
class IncidentImportResult:
    errors: list[RowError] = field(default_factory=list)
    # The import's log row; None when the file had errors or was only checked.
    log: IncidentImport | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def incidents_import(
    *,
    source: IncidentSource,
    file_name: str,
    content: bytes,
    imported_by: User,
    dry_run: bool = False,
) -> IncidentImportResult:
    """Check every row of the file, then write them all, or none. Errors come by row, then in
    the order of the columns; at most MAX_ERRORS_SHOWN of them, then a count of the rest.
    A dry run makes the same writes and rolls them back: its counts are exactly what the import
    would do, and nothing is kept, not even the log."""
    rows, errors = parse_incident_rows(content, file_name)
    if errors:
        return IncidentImportResult(errors=_shown(errors))
    categories = dict(source.category_mappings.values_list("their_category", "category_id"))
    errors += _unmapped(rows, categories)
    errors += _outside(rows)
    if errors:
        order = {name: index for index, name in enumerate(COLUMNS)}
        errors.sort(key=lambda e: (e.row, order.get(e.column, len(order))))
        return IncidentImportResult(errors=_shown(errors))
    with transaction.atomic():
        log = IncidentImport(
            source=source,
            imported_by=imported_by,
            file_name=file_name[:255],
            file_sha256=hashlib.sha256(content).hexdigest(),
            file_format=IncidentImport.Format.CSV
            if file_format(file_name, content) == CSV
            else IncidentImport.Format.GEOJSON,
            rows=len(rows),
            created_count=0,
            updated_count=0,
            unchanged_count=0,
        )
        log.full_clean()
        log.save()
        created, updated = _write(source, log, rows, categories)
        log.created_count, log.updated_count = created, updated
        log.unchanged_count = len(rows) - created - updated
        log.save(update_fields=["created_count", "updated_count", "unchanged_count"])
        if dry_run:
            transaction.set_rollback(True)
    return IncidentImportResult(
        log=None if dry_run else log,
        rows=len(rows),
        created=log.created_count,
        updated=log.updated_count,
        unchanged=log.unchanged_count,
    )


def _shown(errors: list[RowError]) -> list[RowError]:
    if len(errors) <= MAX_ERRORS_SHOWN:
        return errors
    rest = len(errors) - MAX_ERRORS_SHOWN
    return [
        *errors[:MAX_ERRORS_SHOWN],
        RowError(0, "", _("%(n)d more errors are not shown.") % {"n": rest}),
    ]


def _unmapped(rows: list[IncidentRow], categories: dict[str, int]) -> list[RowError]:
    return [
        RowError(
            row.number,
            "category",
            _(
                "The category “%(category)s” has no mapping for this source: add a mapping "
                "to a platform category (Incident sources, in the admin) and import again."
            )
            % {"category": row.their_category},
        )
        for row in rows
        if row.their_category not in categories
    ]


def _outside(rows: list[IncidentRow]) -> list[RowError]:
    with connection.cursor() as cursor:
        cursor.execute(
            _OUTSIDE_SQL,
            {
                "numbers": [row.number for row in rows],
                "x": [row.longitude for row in rows],
                "y": [row.latitude for row in rows],
            },
        )
        any_municipality, outside = cursor.fetchone()
    if not any_municipality:
        return [RowError(0, "", _("No municipality boundary is loaded: load the areas first."))]
    return [
        RowError(number, "x", _("The point is outside the municipality.")) for number in outside
    ]


def _write(
    source: IncidentSource,
    log: IncidentImport,
    rows: list[IncidentRow],
    categories: dict[str, int],
) -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            _UPSERT_SQL,
            {
                "source": source.pk,
                "log": log.pk,
                "ids": [row.external_id for row in rows],
                "theirs": [row.their_category for row in rows],
                "categories": [categories[row.their_category] for row in rows],
                "times": [row.occurred_at for row in rows],
                "x": [row.longitude for row in rows],
                "y": [row.latitude for row in rows],
            },
        )
        created, updated = cursor.fetchone()
    return int(created), int(updated)
