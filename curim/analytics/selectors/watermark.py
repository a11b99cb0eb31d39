"""The data watermark of a run: what the data an analysis reads looked like when it ran, so
that the same spec over changed data is a new snapshot, and over the same data the same one.

A spec says what is computed (kind, audience, parameters, data up to); the watermark says which
data it was computed from:

- `reports`, `reports_changed_at`: how many reports the audience counts (`reports_for`) and
  the latest `updated_at` among them. A report moderated into the audience's reports, edited
  (category, description, place) or merged changes the latest `updated_at` (every workflow
  save writes it); one that leaves (rejected, merged away, its category made private) lowers
  the count;
- `incidents`, `incidents_last_import`: for sources with official incidents, how many there
  are and the latest import that created or changed one (an import of an unchanged file
  changes no incident's `last_import`, so it renews nothing).

- `reference`: a digest of what the counts are grouped and scaled by, which no report's
  `updated_at` moves: the categories (code, group, whether they may be public) and the areas
  (code, level, parent, population, boundary). A category moved to another group, a district's
  population or boundary corrected, renews every run.

One aggregate query per source, and one for the reference data. It is coarse on purpose: a
change outside the run's period or category groups renews the run too (computed again, the same
figures); it is never stale. A run
reads its watermark before its data: a change committed in between is in the data and not in
the watermark, so the next run sees a new watermark and computes again (never the reverse)."""

from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Count, Max

from curim.analytics.models import OfficialIncident, RunAudience, Sources
from curim.analytics.selectors.events import reports_for
from curim.core.replica import read_connection


@dataclass(frozen=True)
class DataWatermark:
    reports: int | None = None
    reports_changed_at: str | None = None
    incidents: int | None = None
    incidents_last_import: int | None = None
    reference: str | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def data_watermark(audience: RunAudience | str, sources: Sources | str) -> DataWatermark:
    """The watermark of the data a run of this audience and these sources reads."""
    reports: dict[str, Any] = {}
    incidents: dict[str, Any] = {}
    if sources in (Sources.REPORTS, Sources.BOTH):
        found = reports_for(RunAudience(audience)).aggregate(n=Count("pk"), at=Max("updated_at"))
        changed_at = found["at"]
        reports = {
            "reports": found["n"],
            "reports_changed_at": None if changed_at is None else changed_at.isoformat(),
        }
    if sources in (Sources.INCIDENTS, Sources.BOTH):
        found = OfficialIncident.objects.aggregate(n=Count("pk"), last=Max("last_import_id"))
        incidents = {"incidents": found["n"], "incidents_last_import": found["last"]}
    return DataWatermark(**reports, **incidents, reference=reference_digest())


# Both tables are small (tens of categories, tens of areas); the boundary enters by its digest.
_REFERENCE_SQL = """
SELECT md5(
    coalesce((SELECT string_agg(concat_ws('|', slug, "group", may_be_public), ',' ORDER BY slug)
              FROM reports_category), '')
    || '#' ||
    coalesce((SELECT string_agg(concat_ws('|', code, level, parent_id, population,
                                          md5(ST_AsBinary(geometry))), ',' ORDER BY code)
              FROM areas_area), '')
)
"""


def reference_digest() -> str:
    """The digest of the categories and areas the counts are grouped and scaled by."""
    with read_connection(OfficialIncident).cursor() as cursor:
        cursor.execute(_REFERENCE_SQL)
        row = cursor.fetchone()
    return str(row[0]) if row else ""
