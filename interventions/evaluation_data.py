"""Reads of an evaluation's data (no writes): the counts panel and the survey's changes.

**Counts.** Citizen reports (and official incidents when asked) are counted through the
analytics' events selector (`curim.analytics.selectors.events`), in ONE SQL `GROUP BY` per
panel, for the council audience (every report a moderator accepted, at its exact place) or,
for the figures the public reads, the public one (public reports at their public places,
the centres of their categories' privacy cells, as the map shows them): per zone ×
window × period. The two windows (before, after) are of equal length and each is cut into the
same number of periods of whole days, in the platform's time zone, as equal as the days allow
(day d of the window's D is in period ⌊d·P/D⌋: period p holds days ⌈p·D/P⌉ to ⌈(p+1)·D/P⌉ − 1;
versions computed by a release before commit 82b4546 cut them at exact times): an event's period
rests on its day, as the public reports list gives it, never on its time of day. Zones are
polygons in the Greek Grid (EPSG:2100, metres):

- social intervention: the treated zone is the intervention's area (district or neighbourhood),
  each control zone a comparison area;
- spatial intervention: the treated zone is its geometry buffered by `buffer_m` (a point or a
  line; a polygon is taken as drawn), the displacement ring the band from there to `ring_m`
  metres around it, the ring's control the rest of the intervention's area (its area minus the
  treated zone and the ring), and each control zone a comparison area minus the treated zone
  and the ring. An event counts in every zone that covers its point; the zones of one panel do
  not overlap (comparison areas overlapping the intervention's area are refused beforehand).

**Suggestion.** When the analyst picks no comparison area, the platform takes the `k` areas
of the intervention area's level whose before-window counts are closest to its own (on the
log scale, log(1 + count)), again in one `GROUP BY`.

**Survey.** Each indicator's estimate and standard error per district in the last wave created
before the intervention started and the first one created after it ended, read through
`surveys.selectors.estimates_visible_to` (suppressed cells carry no values and are left out).
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404

from curim.accounts.models import User
from curim.analytics.models import RunAudience, Sources
from curim.analytics.selectors.events import EventQuery, events_sql
from curim.areas.models import Area
from interventions.models import Evaluation, Intervention, Session
from interventions.selectors import evaluation_latest, user_reads_all
from surveys.models import Indicator, Survey
from surveys.selectors import estimates_visible_to

SUGGESTED_AREAS = 5
# DE-9IM: the interiors intersect (sharing a border is not overlapping).
INTERIORS_MEET = "T********"
TREATED = "treated"
CONTROL = "control"
RING = "ring"
RING_CONTROL = "ring_control"
Role = Literal["treated", "control", "ring", "ring_control"]
WindowName = Literal["before", "after"]


def local_midnight(day: date) -> datetime:
    """The start of `day` in the platform's time zone (settings.TIME_ZONE)."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


@dataclass(frozen=True)
class Windows:
    """Two windows of equal length, first and last days included, each cut into `periods` of
    whole days (`counts_panel`)."""

    before_start: date
    before_end: date
    after_start: date
    after_end: date
    periods: int

    @property
    def days(self) -> int:
        return (self.before_end - self.before_start).days + 1

    def bounds(self, which: WindowName) -> tuple[datetime, datetime]:
        """The window as [start, end) in the platform's time zone."""
        first, last = (
            (self.before_start, self.before_end)
            if which == "before"
            else (self.after_start, self.after_end)
        )
        return local_midnight(first), local_midnight(last + timedelta(days=1))

    def as_json(self) -> dict[str, Any]:
        return {
            "before": {"start": self.before_start.isoformat(), "end": self.before_end.isoformat()},
            "after": {"start": self.after_start.isoformat(), "end": self.after_end.isoformat()},
            "days": self.days,
            "periods_per_window": self.periods,
        }


@dataclass(frozen=True)
class Zone:
    key: str  # "treated", "ring", "ring_control" or "control:<area code>"
    role: Role
    area_id: int | None
    code: str
    name_en: str
    name_el: str


@dataclass(frozen=True)
class CountsPanel:
    """Counts per zone × window × period (a missing cell is a zero), and the latest event."""

    zones: tuple[Zone, ...]
    windows: Windows
    counts: dict[tuple[str, WindowName, int], int]
    latest_event: datetime | None

    def count(self, zone: str, window: WindowName, period: int | None = None) -> int:
        if period is None:
            return sum(self.count(zone, window, p) for p in range(self.windows.periods))
        return self.counts.get((zone, window, period), 0)

    def zone_keys(self, *roles: Role) -> list[str]:
        return [zone.key for zone in self.zones if zone.role in roles]

    def long_form(self, *roles: Role) -> tuple[list[int], list[int], list[int], list[bool]]:
        """(zone index, period index, count, post) over the zones of `roles`, every cell:
        periods 0 … P−1 before, P … 2P−1 after."""
        keys = self.zone_keys(*roles)
        zone_index, period_index, count, post = [], [], [], []
        for z, key in enumerate(keys):
            for w, window in enumerate(("before", "after")):
                for p in range(self.windows.periods):
                    zone_index.append(z)
                    period_index.append(w * self.windows.periods + p)
                    count.append(self.count(key, window, p))  # type: ignore[arg-type]
                    post.append(w == 1)
        return zone_index, period_index, count, post


@dataclass(frozen=True)
class PanelRequest:
    intervention: Intervention
    windows: Windows
    sources: Sources
    category_ids: tuple[int, ...]
    comparison_ids: tuple[int, ...]
    buffer_m: float = 100.0
    ring_m: float = 400.0
    spatial: bool = field(default=False)
    # The multi-site design: each part of a Multi* geometry is a treated unit and the controls
    # are the grid cells named here as (column, row) (see `site_cells_suggest`).
    cells: tuple[tuple[int, int], ...] = ()
    sites: bool = field(default=False)
    # Whose events: the council's (every moderated report at its exact place, incidents when
    # asked) or the public's (public reports at their public places: `public_result`).
    audience: RunAudience = RunAudience.COUNCIL


def _events(request: PanelRequest) -> tuple[str, list[Any]]:
    start, _ = request.windows.bounds("before")
    _, end = request.windows.bounds("after")
    query = EventQuery(audience=request.audience, sources=request.sources, start=start, end=end)
    sql, params = events_sql(query)
    return sql, list(params)


def _zones(request: PanelRequest) -> tuple[str, list[Any], list[Zone]]:
    """A `WITH` clause whose `zone (key, geom)` is every zone of the panel in EPSG:2100, its
    parameters and the zones' descriptions."""
    intervention = request.intervention
    areas = {
        area.pk: area
        for area in Area.objects.filter(
            pk__in=[intervention.area_id, *request.comparison_ids]
        ).only("pk", "code", "name_en", "name_el")
    }
    own = areas[intervention.area_id]
    controls = [areas[pk] for pk in request.comparison_ids if pk in areas]
    zones: list[Zone] = []
    parts: list[str] = []
    params: list[Any] = []
    if request.spatial and intervention.geometry is not None:
        # A polygon is the treated zone as drawn; a point or a line is buffered.
        head = """
            drawn AS (SELECT ST_Transform(ST_GeomFromEWKT(%s), 2100) AS geom),
            treated AS (
                SELECT CASE WHEN ST_Dimension(geom) = 2 THEN geom
                            ELSE ST_Buffer(geom, %s) END AS geom FROM drawn),
            outer_zone AS (SELECT ST_Buffer(treated.geom, %s) AS geom FROM treated),
            area AS (SELECT id, ST_Transform(geometry, 2100) AS geom FROM areas_area)
        """
        params += [intervention.geometry.ewkt, request.buffer_m, request.ring_m]
        parts.append("SELECT %s::text AS key, geom FROM treated")
        parts.append(
            "SELECT %s, ST_Difference(outer_zone.geom, treated.geom) FROM treated, outer_zone"
        )
        parts.append(
            "SELECT %s, ST_Difference(area.geom, outer_zone.geom) "
            "FROM area, outer_zone WHERE area.id = %s"
        )
        params += [TREATED, RING, RING_CONTROL, own.pk]
        zones += [
            Zone(TREATED, "treated", None, "treated", "Treated zone", "Ζώνη παρέμβασης"),
            Zone(RING, "ring", None, "ring", "Displacement ring", "Δακτύλιος μετατόπισης"),
            Zone(RING_CONTROL, "ring_control", own.pk, own.code, own.name_en, own.name_el),
        ]
        for area in controls:
            parts.append(
                "SELECT %s, ST_Difference(area.geom, outer_zone.geom) "
                "FROM area, outer_zone WHERE area.id = %s"
            )
            params += [f"{CONTROL}:{area.code}", area.pk]
    else:
        head = "area AS (SELECT id, ST_Transform(geometry, 2100) AS geom FROM areas_area)"
        parts.append("SELECT %s::text AS key, geom FROM area WHERE id = %s")
        params += [TREATED, own.pk]
        zones.append(Zone(TREATED, "treated", own.pk, own.code, own.name_en, own.name_el))
        for area in controls:
            parts.append("SELECT %s, geom FROM area WHERE id = %s")
            params += [f"{CONTROL}:{area.code}", area.pk]
    zones += [
        Zone(f"{CONTROL}:{area.code}", "control", area.pk, area.code, area.name_en, area.name_el)
        for area in controls
    ]
    union = " UNION ALL ".join(f"({part})" for part in parts)
    return f"WITH {head}, zone (key, geom) AS ({union})", params, zones


def counts_panel(request: PanelRequest) -> CountsPanel:
    """The counts of the request's zones, windows and periods: one SQL GROUP BY."""
    zones_sql, zone_params, zones = _site_zones(request) if request.sites else _zones(request)
    events, event_params = _events(request)
    windows = request.windows
    before, after = windows.bounds("before"), windows.bounds("after")
    categories = list(request.category_ids)
    # The zones' CTEs come first; the events and the windows follow as subqueries.
    sql = f"""
        {zones_sql}
        SELECT zone.key, win.name,
               -- The local day d (0 … D−1: the join keeps it inside its window) in ⌊d·P/D⌋.
               ((events.occurred_at AT TIME ZONE %s)::date - win.first_day)
               * win.periods / win.days AS period,
               count(*), max(events.occurred_at)
        FROM ({events}) AS events
        JOIN (VALUES ('before', %s::timestamptz, %s::timestamptz, %s::date, %s::int, %s::int),
                     ('after', %s::timestamptz, %s::timestamptz, %s::date, %s::int, %s::int))
             AS win (name, starts, ends, first_day, periods, days)
          ON events.occurred_at >= win.starts AND events.occurred_at < win.ends
        JOIN zone ON ST_Covers(zone.geom, events.point)
        WHERE (cardinality(%s::int[]) = 0 OR events.category_id = ANY(%s::int[]))
        GROUP BY 1, 2, 3
    """  # noqa: S608  # our own SQL and the selector's compiled SQL; values are parameters
    params = [
        *zone_params,
        settings.TIME_ZONE,
        *event_params,
        before[0],
        before[1],
        windows.before_start,
        windows.periods,
        windows.days,
        after[0],
        after[1],
        windows.after_start,
        windows.periods,
        windows.days,
        categories,
        categories,
    ]
    counts: dict[tuple[str, WindowName, int], int] = {}
    latest: datetime | None = None
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for key, window, period, count, last in cursor.fetchall():
            counts[(key, window, period)] = int(count)
            latest = last if latest is None or last > latest else latest
    return CountsPanel(zones=tuple(zones), windows=windows, counts=counts, latest_event=latest)


# --- The multi-site design -------------------------------------------------------------------

SITE = "treated:"
CELL = "control:cell:"
CELL_SIZE_M = 250  # the analytics' nightly grid (curim.analytics.services.grid)
SITE_CELLS = 20
MULTI_TYPES = ("MultiPoint", "MultiLineString", "MultiPolygon")


def is_multi_site(intervention: Intervention) -> bool:
    """A spatial intervention drawn as several parts (a Multi* geometry, even of one part)."""
    geometry = intervention.geometry
    return bool(
        intervention.is_spatial and geometry is not None and geometry.geom_type in MULTI_TYPES
    )


def municipality_of(area: Area) -> Area:
    """The municipality an area lies in (the area itself when it is one, or has no parent)."""
    while area.level != Area.Level.MUNICIPALITY and area.parent is not None:
        area = area.parent
    return area


def _site_head(request: PanelRequest) -> tuple[str, list[Any]]:
    """The CTEs of the multi-site design, in EPSG:2100: `site (n, geom)` the treated zone of
    each part (a polygon as drawn, a point or line buffered by `buffer_m`), `treated_all`
    their union, `outer_zone` the union of every site's treated zone buffered by `ring_m`,
    `area` the areas and `cell (col, row_, geom)` the municipality's 250 m squares (PostGIS's
    `ST_SquareGrid`, as the analytics lay their grid out, clipped to the municipality) that do
    not touch any treated zone or ring."""
    intervention = request.intervention
    assert intervention.geometry is not None  # noqa: S101  # is_multi_site checked it
    municipality = municipality_of(intervention.area)
    head = """
        drawn AS (SELECT d.path[1] AS n, d.geom
                  FROM ST_Dump(ST_Transform(ST_GeomFromEWKT(%s), 2100)) AS d),
        site AS (SELECT n, CASE WHEN ST_Dimension(geom) = 2 THEN geom
                                ELSE ST_Buffer(geom, %s) END AS geom FROM drawn),
        treated_all AS (SELECT ST_Union(geom) AS geom FROM site),
        outer_zone AS (SELECT ST_Union(ST_Buffer(geom, %s)) AS geom FROM site),
        area AS (SELECT id, ST_Transform(geometry, 2100) AS geom FROM areas_area),
        cell AS (
            SELECT tile.i AS col, tile.j AS row_,
                   ST_CollectionExtract(ST_Intersection(tile.geom, area.geom), 3) AS geom
            FROM area, outer_zone, ST_SquareGrid(%s, area.geom) AS tile
            WHERE area.id = %s AND ST_Intersects(tile.geom, area.geom)
              AND NOT ST_Intersects(tile.geom, outer_zone.geom))
    """
    params: list[Any] = [
        intervention.geometry.ewkt,
        request.buffer_m,
        request.ring_m,
        CELL_SIZE_M,
        municipality.pk,
    ]
    return head, params


def _site_zones(request: PanelRequest) -> tuple[str, list[Any], list[Zone]]:
    """The zones of the multi-site design: each site's treated zone, the union of the rings,
    the ring's control (the intervention's area minus every treated zone and ring and minus
    the chosen cells) and the chosen cells."""
    intervention = request.intervention
    own = intervention.area
    head, params = _site_head(request)
    cols = [col for col, _row in request.cells]
    rows = [row for _col, row in request.cells]
    head += """,
        chosen AS (
            SELECT cell.* FROM cell
            JOIN unnest(%s::int[], %s::int[]) AS pick (col, row_)
              ON pick.col = cell.col AND pick.row_ = cell.row_)
    """
    params += [cols, rows]
    union = """
        (SELECT %s || n::text AS key, geom FROM site)
        UNION ALL (SELECT %s, ST_Difference(outer_zone.geom, treated_all.geom)
                   FROM outer_zone, treated_all)
        UNION ALL (SELECT %s, ST_Difference(ST_Difference(area.geom, outer_zone.geom),
                                           COALESCE((SELECT ST_Union(geom) FROM chosen),
                                                    'GEOMETRYCOLLECTION EMPTY'::geometry))
                   FROM area, outer_zone WHERE area.id = %s)
        UNION ALL (SELECT %s || col::text || ':' || row_::text, geom FROM chosen)
    """
    params += [SITE, RING, RING_CONTROL, own.pk, CELL]
    parts = len(intervention.geometry) if intervention.geometry is not None else 0
    zones = [
        Zone(f"{SITE}{n}", "treated", None, f"site-{n}", f"Site {n}", f"Σημείο {n}")
        for n in range(1, parts + 1)
    ]
    zones += [
        Zone(RING, "ring", None, "ring", "Displacement ring", "Δακτύλιος μετατόπισης"),
        Zone(RING_CONTROL, "ring_control", own.pk, own.code, own.name_en, own.name_el),
    ]
    zones += [
        Zone(
            f"{CELL}{col}:{row}",
            "control",
            None,
            f"cell-{col}-{row}",
            f"Grid cell {col}, {row}",
            f"Κελί πλέγματος {col}, {row}",
        )
        for col, row in request.cells
    ]
    return f"WITH {head}, zone (key, geom) AS ({union})", params, zones


@dataclass(frozen=True)
class CellSuggestion:
    cells: tuple[tuple[int, int], ...]  # the chosen cells, nearest first
    site_counts: dict[int, int]  # each site's before-window count, by its number (1 …)
    counts: dict[tuple[int, int], int]  # the chosen cells' before-window counts
    candidates: int  # cells with an event before, outside every treated zone and ring
    overlapping_sites: int  # pairs of sites whose treated zones overlap


def site_cells_suggest(request: PanelRequest, *, k: int = SITE_CELLS) -> CellSuggestion:
    """The `k` grid cells (outside every treated zone and ring, with at least one event in
    the window before) whose before-window counts are closest, on the log scale, to the mean
    site's: |log(1 + n) − mean over sites of log(1 + nₛ)|, ties by column and row; all of
    them when fewer. One GROUP BY over the sites and the cells."""
    head, params = _site_head(request)
    start, end = request.windows.bounds("before")
    events, event_params = events_sql(
        EventQuery(audience=request.audience, sources=request.sources, start=start, end=end)
    )
    categories = list(request.category_ids)
    sql = f"""
        WITH {head},
        zone (kind, n, col, row_, geom) AS (
            (SELECT 'site', n, 0, 0, geom FROM site)
            UNION ALL (SELECT 'cell', 0, col, row_, geom FROM cell))
        SELECT zone.kind, zone.n, zone.col, zone.row_, count(events.point),
               (SELECT count(*) FROM site a JOIN site b ON a.n < b.n
                 AND ST_Relate(a.geom, b.geom, %s))
        FROM zone
        LEFT JOIN ({events}) AS events
          ON ST_Covers(zone.geom, events.point)
         AND (cardinality(%s::int[]) = 0 OR events.category_id = ANY(%s::int[]))
        GROUP BY 1, 2, 3, 4
    """  # noqa: S608  # our own SQL and the selector's compiled SQL; values are parameters
    site_counts: dict[int, int] = {}
    cell_counts: dict[tuple[int, int], int] = {}
    overlapping = 0
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [*params, INTERIORS_MEET, *list[Any](event_params), categories, categories]
        )
        for kind, n, col, row, count, overlaps in cursor.fetchall():
            overlapping = int(overlaps)
            if kind == "site":
                site_counts[int(n)] = int(count)
            elif count:
                cell_counts[(int(col), int(row))] = int(count)
    target = (
        sum(math.log1p(n) for n in site_counts.values()) / len(site_counts) if site_counts else 0.0
    )
    ranked = sorted(
        cell_counts, key=lambda cell: (abs(math.log1p(cell_counts[cell]) - target), cell)
    )
    chosen = tuple(ranked[:k])
    return CellSuggestion(
        cells=chosen,
        site_counts=site_counts,
        counts={cell: cell_counts[cell] for cell in chosen},
        candidates=len(cell_counts),
        overlapping_sites=overlapping,
    )


def comparison_candidates(intervention: Intervention) -> list[Area]:
    """The areas the analyst may compare with: those of the intervention area's level, but
    the intervention's own (areas of one level do not overlap)."""
    return list(
        Area.objects.filter(level=intervention.area.level)
        .exclude(pk=intervention.area_id)
        .defer("geometry")
        .order_by("code")
    )


@dataclass(frozen=True)
class Suggestion:
    area_ids: tuple[int, ...]
    own_count: int
    counts: dict[int, int]  # the candidates' before-window counts


def comparison_suggest(
    *,
    intervention: Intervention,
    windows: Windows,
    sources: Sources,
    category_ids: tuple[int, ...],
    k: int = SUGGESTED_AREAS,
    audience: RunAudience = RunAudience.COUNCIL,
) -> Suggestion:
    """The `k` areas of the intervention area's level with the before-window counts closest
    to the intervention area's (|log(1 + n) − log(1 + n₀)|, ties by code): one GROUP BY, over
    the audience's events (the public's: public reports at their public places)."""
    start, end = windows.bounds("before")
    events, params = events_sql(
        EventQuery(audience=audience, sources=sources, start=start, end=end)
    )
    sql = f"""
        SELECT area.id, count(events.point)
        FROM (SELECT id, ST_Transform(geometry, 2100) AS geom FROM areas_area
              WHERE level = %s) AS area
        LEFT JOIN ({events}) AS events
          ON ST_Covers(area.geom, events.point)
         AND (cardinality(%s::int[]) = 0 OR events.category_id = ANY(%s::int[]))
        GROUP BY area.id
    """  # noqa: S608  # our own SQL and the selector's compiled SQL; values are parameters
    categories = list(category_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, [intervention.area.level, *list[Any](params), categories, categories])
        counts = {int(pk): int(n) for pk, n in cursor.fetchall()}
    own = counts.pop(intervention.area_id, 0)
    codes = dict(Area.objects.filter(pk__in=counts).values_list("pk", "code"))
    ranked = sorted(
        counts, key=lambda pk: (abs(math.log1p(counts[pk]) - math.log1p(own)), codes[pk])
    )
    return Suggestion(area_ids=tuple(ranked[:k]), own_count=own, counts=counts)


def overlapping_comparisons(intervention: Intervention, area_ids: tuple[int, ...]) -> list[Area]:
    """The chosen comparison areas that overlap the intervention's area (itself, an area in
    it or an area it lies in): they cannot be controls."""
    if not area_ids:
        return []
    return list(
        Area.objects.filter(
            pk__in=area_ids, geometry__relate=(intervention.area.geometry, "T********")
        )
        .defer("geometry")
        .order_by("code")
    )


# --- The survey ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyWaves:
    before: Survey | None
    after: Survey | None


def survey_waves(intervention: Intervention) -> SurveyWaves:
    """The last wave created before the intervention started and the first created after it
    ended (None when there is none). Waves of the baseline survey only: a session's short
    questionnaire before or after (`Session.survey_before`, `survey_after`) asks a class or a
    group, not the district, and is never taken for one."""
    if intervention.starts_on is None or intervention.ends_on is None:
        return SurveyWaves(None, None)
    sessions = Session.objects.all()
    waves = (
        Survey.objects.exclude(
            pk__in=sessions.filter(survey_before__isnull=False).values("survey_before")
        )
        .exclude(pk__in=sessions.filter(survey_after__isnull=False).values("survey_after"))
        .order_by("created_at", "pk")
    )
    before = waves.filter(created_at__lt=local_midnight(intervention.starts_on)).last()
    after = waves.filter(
        created_at__gte=local_midnight(intervention.ends_on + timedelta(days=1))
    ).first()
    return SurveyWaves(before, after)


# Per district code: (estimate, standard error) before and after, both shown (not suppressed).
DistrictEstimates = dict[str, tuple[tuple[float, float], tuple[float, float]]]


def indicator_estimates(
    *, waves: SurveyWaves, reader: User, indicators: list[Indicator]
) -> dict[str, DistrictEstimates]:
    """Per indicator code, each district's estimate and standard error in both waves, as
    `reader` may read them (the analyst who asked reads every wave); a district suppressed or
    without a standard error in either wave is left out. One query."""
    if waves.before is None or waves.after is None:
        return {}
    rows = (
        estimates_visible_to(reader)
        .filter(
            survey__in=[waves.before, waves.after],
            indicator__in=indicators,
            group="",
            area__isnull=False,
            suppressed=False,
            estimate__isnull=False,
            std_error__isnull=False,
        )
        .values_list("survey_id", "indicator__code", "area__code", "estimate", "std_error")
    )
    found: dict[tuple[str, str], dict[int, tuple[float, float]]] = {}
    for survey_id, indicator, area, estimate, std_error in rows:
        # The filter leaves no blank estimate or standard error.
        found.setdefault((indicator, area), {})[survey_id] = (
            float(estimate or 0),
            float(std_error or 0),
        )
    by_indicator: dict[str, DistrictEstimates] = {indicator.code: {} for indicator in indicators}
    for (indicator, area), waves_of in found.items():
        if waves.before.pk in waves_of and waves.after.pk in waves_of:
            by_indicator[indicator][area] = (waves_of[waves.before.pk], waves_of[waves.after.pk])
    return by_indicator


def indicators_of(intervention: Intervention) -> list[Indicator]:
    """The intervention's indicator, or all of them (the survey's five) when it names none."""
    if intervention.indicator_id is not None and intervention.indicator is not None:
        return [intervention.indicator]
    return list(Indicator.objects.order_by("position", "code"))


# --- Who reads which evaluation --------------------------------------------------------------


def evaluation_readable(
    *, user: User | AnonymousUser, intervention: Intervention, version: int
) -> Evaluation:
    """One evaluation of an intervention the caller has read with `intervention_get`: any
    version (queued, unanswered, finished) for those who read every intervention; the latest
    finished one only for everybody else, a 404 otherwise.

    Why the latest only: the public's page shows one answer, the latest, as every page and the
    API publish it (`evaluation_latest`). (The public's figures are counted at public places,
    so two versions no longer subtract to anything finer than the reports list gives.)"""
    evaluations = intervention.evaluations.all()
    if not user_reads_all(user):
        latest = evaluation_latest(intervention)
        if latest is None:
            raise Http404
        evaluations = evaluations.filter(pk=latest.pk)
    found = evaluations.filter(version=version).select_related("intervention").first()
    if found is None:
        raise Http404
    return found
