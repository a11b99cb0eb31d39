"""What the council's dashboard shows of the analytics: the latest COUNCIL runs, read here and
nowhere else by the councils app (docs/architecture.md, "Who reads what").

Four panels, each None when there is no run of its kind yet:

- hot cells of the latest hotspot runs of every category group, all day and at night;
- the five areas with the highest risk index, with every component beside the index;
- the cyber-threat alerts of the last PANEL_CYBER_WEEKS weeks of the latest cyber run;
- the next PANEL_FORECAST_WEEKS weeks of the latest forecast run, per district and group.

Only the council's figure readers (`analytics_audience_for` → COUNCIL) read them; for anybody
else every panel is None. A district narrows the hot cells (by the cell's district), the risk
index (to the district's neighbourhoods) and the forecasts (that district's series and the
pooled series it is part of); cyber threats have no place. At most four queries whatever the
number of runs, cells, areas and series."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q

from curim.accounts.models import User
from curim.analytics.forecasting import (
    EXPONENTIAL_SMOOTHING,
    NEGATIVE_BINOMIAL,
    OTHER_DISTRICTS,
    SEASONAL_NAIVE,
    WHOLE_MUNICIPALITY,
)
from curim.analytics.local_time import ATHENS
from curim.analytics.models import AnalysisRun, CellResult, RunAudience, RunKind
from curim.analytics.run_keys import NIGHTLY
from curim.analytics.selectors.runs import analytics_audience_for
from curim.areas.models import Area
from curim.reports.models import Category

__all__ = [
    "EXPONENTIAL_SMOOTHING",
    "NEGATIVE_BINOMIAL",
    "OTHER_DISTRICTS",
    "PANEL_CYBER_WEEKS",
    "PANEL_FORECAST_WEEKS",
    "PANEL_TOP_AREAS",
    "SEASONAL_NAIVE",
    "WHOLE_MUNICIPALITY",
    "CouncilAnalyticsPanels",
    "CyberAlert",
    "CyberPanel",
    "DistrictForecast",
    "ForecastPanel",
    "HotCells",
    "RiskArea",
    "RiskPanel",
    "RunPeriod",
    "council_analytics_panels",
]

PANEL_TOP_AREAS = 5
PANEL_CYBER_WEEKS = 8
PANEL_FORECAST_WEEKS = 4
# The interval the forecast panel shows (a level every forecast run stores).
PANEL_FORECAST_LEVEL = 80
HOT_LABELS = ("hot-99", "hot-95", "hot-90")
TIMES_OF_DAY = ("all", "night")


@dataclass(frozen=True)
class RunPeriod:
    """A run's data: from `data_from` to `last_day` (inclusive, Athens), computed when."""

    data_from: date
    last_day: date
    computed_at: datetime
    sources: str


def _period(run: AnalysisRun) -> RunPeriod:
    # data_up_to is exclusive: the last day counted is the one before it.
    last = (run.data_up_to.astimezone(ATHENS) - timedelta(microseconds=1)).date()
    return RunPeriod(
        data_from=run.data_from.astimezone(ATHENS).date(),
        last_day=last,
        computed_at=run.computed_at,
        sources=run.get_sources_display(),
    )


@dataclass(frozen=True)
class AreaName:
    name_en: str
    name_el: str
    parent_code: str


@dataclass(frozen=True)
class HotCells:
    time_of_day: str  # "all" or "night"
    period: RunPeriod
    hot_99: int
    hot_95: int
    hot_90: int

    @property
    def hot(self) -> int:
        return self.hot_99 + self.hot_95 + self.hot_90


@dataclass(frozen=True)
class RiskArea:
    code: str
    name_en: str
    name_el: str
    level: str  # "district" or "neighbourhood"
    rank: int
    index: float
    incidents: int
    likelihood: float | None
    likelihood_basis: str
    likelihood_score: float | None
    impact: float | None
    impact_score: float | None
    perception: float | None
    perception_score: float | None
    weights_used: dict[str, float]


@dataclass(frozen=True)
class RiskPanel:
    period: RunPeriod
    areas: list[RiskArea]


@dataclass(frozen=True)
class CyberAlert:
    week: date
    kind: str  # the category's slug
    kind_en: str
    kind_el: str
    channel: str  # a CyberChannel value, "" when not given
    count: int
    baseline_mean: float
    p: float


@dataclass(frozen=True)
class CyberPanel:
    period: RunPeriod
    first_week: date | None  # the first of the weeks looked at; None without weeks
    alerts: list[CyberAlert]


@dataclass(frozen=True)
class DistrictForecast:
    district: str  # a district's code, or forecasting's pooled label
    name_en: str
    name_el: str
    pooled_districts: list[str]
    group: str
    first_week: date | None
    last_week: date | None  # the Monday of the last week summed
    total: float | None  # None: not forecast (too sparse, or no model fitted)
    lower: float | None
    upper: float | None
    model: str
    not_forecast: str


@dataclass(frozen=True)
class ForecastPanel:
    period: RunPeriod
    level: int
    rows: list[DistrictForecast]


@dataclass(frozen=True)
class CouncilAnalyticsPanels:
    hot_cells: list[HotCells]  # all day first, then night; empty: no hotspot run yet
    risk: RiskPanel | None
    cyber: CyberPanel | None
    forecast: ForecastPanel | None


NO_PANELS = CouncilAnalyticsPanels(hot_cells=[], risk=None, cyber=None, forecast=None)


def _latest_council_runs() -> list[AnalysisRun]:
    """The latest council run of each kind (hotspots: of every group, all day and at night),
    of the nightly's spec and grid only, as the pages read them (`latest_run`): an analyst's
    run with other parameters never replaces a panel. One query."""
    hotspots = Q(
        kind=RunKind.HOTSPOTS, parameters__groups=[], parameters__time_of_day__in=TIMES_OF_DAY
    )
    others = Q(kind__in=(RunKind.RISK_INDEX, RunKind.CYBER, RunKind.FORECAST))
    return list(
        AnalysisRun.objects.filter(
            hotspots | others, audience=RunAudience.COUNCIL, **{f"parameters__{NIGHTLY}": True}
        )
        .order_by("kind", "parameters__time_of_day", "-data_up_to", "-confirmed_at", "-pk")
        .distinct("kind", "parameters__time_of_day")
    )


def _hot_cells(runs: list[AnalysisRun], district: str | None) -> list[HotCells]:
    if not runs:
        return []
    cells = CellResult.objects.filter(run__in=runs, label__in=HOT_LABELS)
    if district:
        cells = cells.filter(cell__district__code=district)
    counts = Counter(
        {
            (row["run_id"], row["label"]): row["n"]
            for row in cells.order_by().values("run_id", "label").annotate(n=Count("pk"))
        }
    )
    by_time = {run.parameters.get("time_of_day"): run for run in runs}
    return [
        HotCells(
            time_of_day=time,
            period=_period(run),
            hot_99=counts[run.pk, "hot-99"],
            hot_95=counts[run.pk, "hot-95"],
            hot_90=counts[run.pk, "hot-90"],
        )
        for time in TIMES_OF_DAY
        if (run := by_time.get(time)) is not None
    ]


def _optional(value: Any) -> float | None:
    return None if value is None else float(value)


def _risk(run: AnalysisRun, areas: dict[str, AreaName], district: str | None) -> RiskPanel:
    """The top areas: neighbourhoods (of the district, when one is chosen), or the districts
    (the chosen one) where the run has no neighbourhood with an index."""

    def rows(level: str) -> list[dict[str, Any]]:
        found = [row for row in run.summary.get(f"{level}s", []) if row.get("index") is not None]
        if district:
            found = [
                row
                for row in found
                if row["area"] == district
                or (row["area"] in areas and areas[row["area"]].parent_code == district)
            ]
        return found

    chosen, level = rows("neighbourhood"), "neighbourhood"
    if not chosen:
        chosen, level = rows("district"), "district"
    chosen.sort(key=lambda row: (-row["index"], row["area"]))
    top = []
    for rank, row in enumerate(chosen[:PANEL_TOP_AREAS], start=1):
        area = areas.get(row["area"])
        top.append(
            RiskArea(
                code=row["area"],
                name_en=area.name_en if area else row.get("name", row["area"]),
                name_el=area.name_el if area else row.get("name", row["area"]),
                level=level,
                rank=rank,
                index=float(row["index"]),
                incidents=int(row["incidents"]),
                likelihood=_optional(row.get("likelihood")),
                likelihood_basis=str(row.get("likelihood_basis", "")),
                likelihood_score=_optional(row.get("likelihood_score")),
                impact=_optional(row.get("impact")),
                impact_score=_optional(row.get("impact_score")),
                perception=_optional(row.get("perception")),
                perception_score=_optional(row.get("perception_score")),
                weights_used={k: float(v) for k, v in row.get("weights_used", {}).items()},
            )
        )
    return RiskPanel(period=_period(run), areas=top)


def _cyber(run: AnalysisRun) -> CyberPanel:
    weeks = [date.fromisoformat(week) for week in run.summary.get("weeks", [])]
    first = weeks[-PANEL_CYBER_WEEKS:][0] if weeks else None
    found = [
        (series, alert)
        for series in run.summary.get("series", [])
        for alert in series.get("alerts", [])
        if first is not None and date.fromisoformat(alert["week"]) >= first
    ]
    names = {
        slug: (en, el)
        for slug, en, el in Category.objects.filter(
            slug__in={series["kind"] for series, _ in found}
        ).values_list("slug", "name_en", "name_el")
    }
    alerts = [
        CyberAlert(
            week=date.fromisoformat(alert["week"]),
            kind=series["kind"],
            kind_en=names.get(series["kind"], (series["kind"], series["kind"]))[0],
            kind_el=names.get(series["kind"], (series["kind"], series["kind"]))[1],
            channel=series["channel"],
            count=int(alert["count"]),
            baseline_mean=float(alert["baseline_mean"]),
            p=float(alert["p"]),
        )
        for series, alert in found
    ]
    alerts.sort(key=lambda a: (a.week, a.kind, a.channel), reverse=True)
    return CyberPanel(period=_period(run), first_week=first, alerts=alerts)


def _forecast(run: AnalysisRun, areas: dict[str, AreaName], district: str | None) -> ForecastPanel:
    """Per series, the sum of the first weeks' forecast means and of their interval bounds (a
    range at least as wide as the total's own interval: the weeks' errors are not assumed
    independent)."""
    rows = []
    for entry in run.summary.get("series", []):
        code = entry["district"]
        pooled = list(entry.get("pooled_districts", []))
        if district and code != district and district not in pooled:
            continue
        area = areas.get(code)
        forecast = entry.get("forecast")
        total = lower = upper = None
        first = last = None
        if forecast:
            weeks = forecast["week_starts"][:PANEL_FORECAST_WEEKS]
            n = len(weeks)
            first, last = date.fromisoformat(weeks[0]), date.fromisoformat(weeks[-1])
            total = float(sum(forecast["mean"][:n]))
            lower = float(sum(forecast[f"lower_{PANEL_FORECAST_LEVEL}"][:n]))
            upper = float(sum(forecast[f"upper_{PANEL_FORECAST_LEVEL}"][:n]))
        rows.append(
            DistrictForecast(
                district=code,
                name_en=area.name_en if area else "",
                name_el=area.name_el if area else "",
                pooled_districts=pooled,
                group=entry["group"],
                first_week=first,
                last_week=last,
                total=total,
                lower=lower,
                upper=upper,
                model=str(entry.get("chosen_model", "")),
                not_forecast=str(entry.get("not_forecast", "")),
            )
        )
    rows.sort(key=lambda row: (row.district, row.group))
    return ForecastPanel(period=_period(run), level=PANEL_FORECAST_LEVEL, rows=rows)


def _areas() -> dict[str, AreaName]:
    """Districts' and neighbourhoods' names and parent codes by code: one query."""
    rows = Area.objects.filter(
        level__in=(Area.Level.DISTRICT, Area.Level.NEIGHBOURHOOD)
    ).values_list("code", "name_en", "name_el", "parent__code")
    return {code: AreaName(en, el, parent or "") for code, en, el, parent in rows}


def council_analytics_panels(
    user: User | AnonymousUser, *, district: str | None = None
) -> CouncilAnalyticsPanels:
    """The dashboard's analytics panels from the latest council runs; no panel for anybody
    but the council's figure readers."""
    if analytics_audience_for(user) != RunAudience.COUNCIL:
        return NO_PANELS
    runs = _latest_council_runs()
    of_kind = {run.kind: run for run in runs if run.kind != RunKind.HOTSPOTS}
    hotspots = [run for run in runs if run.kind == RunKind.HOTSPOTS]
    needs_areas = RunKind.RISK_INDEX in of_kind or RunKind.FORECAST in of_kind
    areas = _areas() if needs_areas else {}
    risk = of_kind.get(RunKind.RISK_INDEX)
    cyber = of_kind.get(RunKind.CYBER)
    forecast = of_kind.get(RunKind.FORECAST)
    return CouncilAnalyticsPanels(
        hot_cells=_hot_cells(hotspots, district),
        risk=None if risk is None else _risk(risk, areas, district),
        cyber=None if cyber is None else _cyber(cyber),
        forecast=None if forecast is None else _forecast(forecast, areas, district),
    )
