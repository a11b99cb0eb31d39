"""The council's pages of the stored cyber-trend, forecast and near-repeat runs
(`/analytics/cyber/`, `/analytics/forecasts/`, `/analytics/near-repeat/`): a chart where one
helps, and a table with the same numbers. For the council's figure readers; a 404 for
everybody else. The numbers come from `selectors.run_tables`, as the API's do; here they are
only labelled and written in the page's language."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from curim.analytics.forecasting import OTHER_DISTRICTS, WHOLE_MUNICIPALITY
from curim.analytics.models import AnalysisRun, RunAudience, RunKind
from curim.analytics.selectors import run_tables
from curim.analytics.selectors.runs import analytics_audience_for
from curim.areas.models import Area
from curim.core.templatetags.components import Column
from curim.reports.models import Category, CategoryGroup, CyberChannel

MODEL_NAMES = {
    "seasonal_naive": gettext_lazy("Seasonal naive (the same week a year before)"),
    "exponential_smoothing": gettext_lazy("Exponential smoothing"),
    "negative_binomial": gettext_lazy("Negative-binomial regression"),
}
METHOD_NAMES = {
    "prospective": gettext_lazy("Prospective map (recent events, spread to nearby cells)"),
    "last_period": gettext_lazy("Last week's counts"),
    "retrospective_kde": gettext_lazy("Retrospective kernel density"),
}
TREND_NAMES = {
    "up": gettext_lazy("Rising"),
    "down": gettext_lazy("Falling"),
    "flat": gettext_lazy("No clear change"),
    "insufficient": gettext_lazy("Too few weeks"),
}


@dataclass(frozen=True)
class Table:
    head: list[Column]
    rows: list[list[object]]


@dataclass(frozen=True)
class Period:
    """A run as the page states it: its first and last days, when it was computed."""

    run: AnalysisRun
    first_day: date
    last_day: date
    computed_at: datetime


def _period(run: AnalysisRun) -> Period:
    return Period(
        run=run,
        first_day=timezone.localtime(run.data_from).date(),
        # data_up_to is exclusive: the last day counted is the day before it.
        last_day=(timezone.localtime(run.data_up_to) - timedelta(microseconds=1)).date(),
        computed_at=run.computed_at,
    )


def _council_run(request: HttpRequest, kind: RunKind) -> AnalysisRun | None:
    """The council's latest run of the kind; a 404 for anybody but the figure readers."""
    if analytics_audience_for(request.user) != RunAudience.COUNCIL:
        raise Http404
    return run_tables.shown_run(request.user, kind, RunAudience.COUNCIL)


def _day(iso: str) -> str:
    return date_format(date.fromisoformat(iso), "DATE_FORMAT")


def _number(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else str(floatformat(value, digits))


def _percent(value: float | None, digits: int = 0) -> str:
    # xgettext:no-python-format
    return "—" if value is None else _("%(value)s%%") % {"value": floatformat(value * 100, digits)}


# --- Cyber-threat trends -----------------------------------------------------------------------


def _series_label(kind: str, channel: str, kinds: dict[str, str]) -> str:
    channel_name = CyberChannel(channel).label if channel in CyberChannel.values else ""
    name = kinds.get(kind, kind)
    if not channel_name:
        return _("%(kind)s, channel not given") % {"kind": name}
    return _("%(kind)s by %(channel)s") % {"kind": name, "channel": channel_name}


@dataclass(frozen=True)
class CyberPage:
    period: Period
    trends: dict[str, Any]
    chart: dict[str, Any]
    alerts: Table
    trend_table: Table
    weekly: Table
    alert_count: int = 0


def _cyber_page(run: AnalysisRun) -> CyberPage:
    trends = run_tables.cyber_trends(run)
    kinds = {
        category.slug: category.name
        for category in Category.objects.filter(slug__in={s["kind"] for s in trends["series"]})
    }
    labels = [_series_label(s["kind"], s["channel"], kinds) for s in trends["series"]]
    weeks = trends["weeks"]
    alert_rows: list[list[object]] = []
    trend_rows: list[list[object]] = []
    chart_alerts = []
    for label, series in zip(labels, trends["series"], strict=True):
        for alert in series["alerts"]:
            alert_rows.append(
                [
                    label,
                    _day(alert["week"]),
                    alert["count"],
                    _number(alert["baseline_mean"], 1),
                    _number(alert["p"], 4),
                ]
            )
            chart_alerts.append(
                {"series": label, "week": weeks.index(alert["week"]), "count": alert["count"]}
            )
        trend = series["trend"]
        trend_rows.append(
            [
                label,
                "—" if series["total"] is None else series["total"],
                "—" if trend["recent_total"] is None else trend["recent_total"],
                "—" if trend["previous_total"] is None else trend["previous_total"],
                _number(trend["rate_ratio"], 2),
                _number(trend["p"], 3),
                TREND_NAMES.get(trend["direction"], trend["direction"]),
            ]
        )
    weekly_rows: list[list[object]] = [
        [_day(week)] + [series["weeks"][index]["count"] for series in trends["series"]]
        for index, week in enumerate(weeks)
    ]
    recent, previous = trends["trend_weeks"], trends["trend_weeks"]
    return CyberPage(
        period=_period(run),
        trends=trends,
        chart={
            "weeks": weeks,
            "series": [
                {"label": label, "counts": [week["count"] for week in series["weeks"]]}
                for label, series in zip(labels, trends["series"], strict=True)
            ],
            "alerts": chart_alerts,
        },
        alerts=Table(
            head=[
                Column(_("Kind and channel")),
                Column(_("Week starting")),
                Column(_("Reports"), numeric=True),
                Column(_("Usual reports a week (baseline mean)"), numeric=True),
                Column(_("p-value"), numeric=True),
            ],
            rows=alert_rows,
        ),
        trend_table=Table(
            head=[
                Column(_("Kind and channel")),
                Column(_("Reports in the period"), numeric=True),
                Column(_("Last %(weeks)s weeks") % {"weeks": recent}, numeric=True),
                Column(_("The %(weeks)s weeks before") % {"weeks": previous}, numeric=True),
                Column(_("Ratio"), numeric=True),
                Column(_("p-value"), numeric=True),
                Column(_("Trend")),
            ],
            rows=trend_rows,
        ),
        weekly=Table(
            head=[Column(_("Week starting"))] + [Column(label, numeric=True) for label in labels],
            rows=weekly_rows,
        ),
        alert_count=len(alert_rows),
    )


@login_required
@require_safe
def cyber_page(request: HttpRequest) -> HttpResponse:
    run = _council_run(request, RunKind.CYBER)
    return render(
        request,
        "analytics/cyber.html",
        {"page": None if run is None else _cyber_page(run)},
    )


# --- Forecasts -----------------------------------------------------------------------------------


def _area_name(code: str, districts: dict[str, str]) -> str:
    if code == OTHER_DISTRICTS:
        return _("Other districts, together")
    if code == WHOLE_MUNICIPALITY:
        return _("The whole municipality")
    return districts.get(code, code)


def _group_name(group: str) -> str:
    return str(CategoryGroup(group).label) if group in CategoryGroup.values else group


class SeriesForm(forms.Form):
    """Which series the chart and its tables show (a GET form: works without the script)."""

    def __init__(self, data: dict[str, Any] | None, choices: list[tuple[int, str]]) -> None:
        super().__init__(data, initial={"series": choices[0][0] if choices else None})
        self.fields["series"] = forms.TypedChoiceField(
            label=gettext_lazy("Forecast shown"), coerce=int, choices=choices
        )


@dataclass(frozen=True)
class ForecastShown:
    """One series' forecast: its chart data, weeks with intervals, models' backtest."""

    label: str
    series: dict[str, Any]
    chart: dict[str, Any]
    weeks: Table
    backtest: Table
    chosen_name: str
    origins: int | None

    @property
    def weeks_caption(self) -> str:
        # xgettext:no-python-format
        return _("Forecast per week, with its 80% and 95% prediction intervals")


@dataclass(frozen=True)
class ForecastsPage:
    period: Period
    found: dict[str, Any]
    form: SeriesForm
    summary: Table
    pooled: list[str]
    shown: ForecastShown | None
    prospective: Table | None
    prospective_events: int = 0
    not_forecast: list[str] = field(default_factory=list)


def _summary_row(label: str, series: dict[str, Any]) -> list[object]:
    forecast = series["forecast"]
    if forecast is None:
        reason = (
            _("Not forecast: too few events")
            if series["not_forecast"] == "too sparse"
            else _("Not forecast: no model could be fitted")
        )
        return [label, reason, "—", "—", "—", "—"]
    chosen: dict[str, float | None] = next(
        (row["metrics"] for row in series["backtest"] if row["model"] == series["chosen_model"]),
        {},
    )
    return [
        label,
        MODEL_NAMES.get(series["chosen_model"], series["chosen_model"]),
        _number(chosen.get("relative_mase"), 2),
        _percent(chosen.get("coverage_95")),
        _number(forecast["mean"][0], 1),
        _("%(low)s to %(high)s")
        % {"low": _number(forecast["lower_95"][0], 0), "high": _number(forecast["upper_95"][0], 0)},
    ]


def _shown_series(label: str, series: dict[str, Any]) -> ForecastShown:
    forecast = series["forecast"]
    weeks = forecast["week_starts"] if forecast else []
    week_rows: list[list[object]] = [
        [
            _day(week),
            _number(forecast["mean"][k], 1),
            _("%(low)s to %(high)s")
            % {
                "low": _number(forecast["lower_80"][k], 0),
                "high": _number(forecast["upper_80"][k], 0),
            },
            _("%(low)s to %(high)s")
            % {
                "low": _number(forecast["lower_95"][k], 0),
                "high": _number(forecast["upper_95"][k], 0),
            },
        ]
        for k, week in enumerate(weeks)
    ]
    backtest_rows: list[list[object]] = []
    origins = None
    for row in series["backtest"]:
        metrics = row["metrics"]
        origins = int(metrics["n_origins"]) if metrics.get("n_origins") is not None else origins
        name = str(MODEL_NAMES.get(row["model"], row["model"]))
        if row["model"] == series["chosen_model"]:
            name = _("%(model)s (chosen)") % {"model": name}
        backtest_rows.append(
            [
                name,
                _number(metrics.get("mase"), 2),
                _number(metrics.get("relative_mase"), 2),
                _number(metrics.get("mae"), 2),
                _percent(metrics.get("coverage_80")),
                _percent(metrics.get("coverage_95")),
            ]
        )
    return ForecastShown(
        label=label,
        series=series,
        chart={
            "weeks": weeks,
            "mean": forecast["mean"] if forecast else [],
            "lower_80": forecast["lower_80"] if forecast else [],
            "upper_80": forecast["upper_80"] if forecast else [],
            "lower_95": forecast["lower_95"] if forecast else [],
            "upper_95": forecast["upper_95"] if forecast else [],
        },
        weeks=Table(
            head=[
                Column(_("Week starting")),
                Column(_("Forecast"), numeric=True),
                # xgettext:no-python-format
                Column(_("80% interval"), numeric=True),
                # xgettext:no-python-format
                Column(_("95% interval"), numeric=True),
            ],
            rows=week_rows,
        ),
        backtest=Table(
            head=[
                Column(_("Model")),
                Column(_("MASE"), numeric=True),
                Column(_("MASE relative to seasonal naive"), numeric=True),
                Column(_("Mean absolute error"), numeric=True),
                # xgettext:no-python-format
                Column(_("Weeks inside the 80% interval"), numeric=True),
                # xgettext:no-python-format
                Column(_("Weeks inside the 95% interval"), numeric=True),
            ],
            rows=backtest_rows,
        ),
        chosen_name=str(MODEL_NAMES.get(series["chosen_model"], series["chosen_model"] or "")),
        origins=origins,
    )


def _pooled_sentences(found: dict[str, Any], districts: dict[str, str]) -> list[str]:
    sentences = []
    for pool in found["pooled"]:
        names = ", ".join(districts.get(code, code) for code in pool["districts"])
        values = {"districts": names, "group": _group_name(pool["group"])}
        if pool["label"] == OTHER_DISTRICTS:
            sentences.append(
                _(
                    "%(group)s: too few incidents for a stable forecast: these districts are "
                    "forecast together: %(districts)s."
                )
                % values
            )
        else:
            sentences.append(
                _(
                    "%(group)s: too few incidents for a stable forecast in %(districts)s: the "
                    "group is forecast for the whole municipality instead."
                )
                % values
            )
    return sentences


def _prospective_table(backtest: dict[str, Any]) -> Table:
    return Table(
        head=[
            Column(_("Method")),
            Column(_("Share of the area"), numeric=True),
            Column(_("Events caught (hit rate)"), numeric=True),
            Column(_("PAI"), numeric=True),
            Column(_("PEI*"), numeric=True),
            Column(_("Weeks tested"), numeric=True),
        ],
        rows=[
            [
                METHOD_NAMES.get(row["method"], row["method"]),
                _percent(row["area_share"]),
                _percent(row["hit_rate"]),
                _number(row["pai"], 2),
                _number(row["pei_star"], 2),
                row["periods"],
            ]
            for row in backtest["rows"]
        ],
    )


def _forecasts_page(run: AnalysisRun, query: dict[str, Any]) -> ForecastsPage:
    found = run_tables.forecasts(run)
    codes = {s["district"] for s in found["series"]}
    codes |= {code for pool in found["pooled"] for code in pool["districts"]}
    districts = {
        area.code: area.name
        for area in Area.objects.filter(level=Area.Level.DISTRICT, code__in=codes)
    }
    labels = [
        _("%(area)s: %(group)s")
        % {"area": _area_name(s["district"], districts), "group": _group_name(s["group"])}
        for s in found["series"]
    ]
    forecast_indexes = [i for i, s in enumerate(found["series"]) if s["forecast"] is not None]
    form = SeriesForm(query or None, [(i, labels[i]) for i in forecast_indexes])
    chosen = forecast_indexes[0] if forecast_indexes else None
    if form.is_bound and form.is_valid():
        chosen = form.cleaned_data["series"]
    backtest = found["prospective_backtest"]
    return ForecastsPage(
        period=_period(run),
        found=found,
        form=form,
        summary=Table(
            head=[
                Column(_("Area and group")),
                Column(_("Model chosen")),
                Column(_("MASE relative to seasonal naive"), numeric=True),
                # xgettext:no-python-format
                Column(_("Weeks inside the 95% interval"), numeric=True),
                Column(_("Forecast, first week"), numeric=True),
                # xgettext:no-python-format
                Column(_("95% interval, first week"), numeric=True),
            ],
            rows=[_summary_row(label, s) for label, s in zip(labels, found["series"], strict=True)],
        ),
        pooled=_pooled_sentences(found, districts),
        shown=None if chosen is None else _shown_series(labels[chosen], found["series"][chosen]),
        prospective=None if backtest is None else _prospective_table(backtest),
        prospective_events=0 if backtest is None else backtest["events"],
    )


@login_required
@require_safe
def forecasts_page(request: HttpRequest) -> HttpResponse:
    run = _council_run(request, RunKind.FORECAST)
    return render(
        request,
        "analytics/forecasts.html",
        {"page": None if run is None else _forecasts_page(run, request.GET.dict())},
    )


# --- Near repeat -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NearRepeatPage:
    period: Period
    found: dict[str, Any]
    group_name: str
    reading: str
    ratios: Table | None
    pairs: Table | None


def _within(value: float, unit: str, closed: str) -> str:
    values = {"value": floatformat(value, -2)}
    if closed == "left":
        return (
            _("less than %(value)s m") if unit == "m" else _("less than %(value)s days")
        ) % values
    return (_("at most %(value)s m") if unit == "m" else _("at most %(value)s days")) % values


def _reading(found: dict[str, Any], group_name: str) -> str:
    """The plain-language reading of the table: its cluster, or that it has none."""
    cluster = found["cluster"]
    if found["status"] != "computed":
        return _(
            "Too few events to test: %(events)s in the period, and the test needs %(needed)s."
        ) % {"events": found["n_events"], "needed": found["min_events"]}
    if cluster is None:
        return _(
            "Events in “%(group)s”: no sign of near repeats. Pairs of events close in both "
            "place and time are no more frequent than chance would give."
        ) % {"group": group_name}
    return _(
        "Events in “%(group)s” cluster within %(space)s and %(time)s of each other: %(ratio)s "
        "times more pairs than expected if where and when events happen were unrelated "
        "(%(observed)s pairs, %(expected)s expected)."
    ) % {
        "group": group_name,
        "space": _within(cluster["space_m"], "m", found["closed"]),
        "time": _within(cluster["time_days"], "days", found["closed"]),
        "ratio": floatformat(cluster["ratio"], 1),
        "observed": cluster["observed"],
        "expected": floatformat(cluster["expected"], 1),
    }


def _knox_tables(found: dict[str, Any]) -> tuple[Table, Table]:
    head = [Column(_("Distance apart"))] + [
        Column(label, numeric=True) for label in found["time_bands"]
    ]
    ratios: list[list[object]] = []
    pairs: list[list[object]] = []
    for row, space in enumerate(found["space_bands"]):
        ratio_cells: list[object] = [space]
        pair_cells: list[object] = [space]
        for column in range(len(found["time_bands"])):
            p = found["p"][row][column]
            ratio = found["ratio"][row][column]
            values = {"ratio": _number(ratio, 2), "p": _number(p, 3)}
            cell = _("%(ratio)s (p\u00a0=\u00a0%(p)s)") % values
            if ratio is not None and ratio > 1 and p < found["alpha"]:
                cell = _("%(cell)s, more than chance") % {"cell": cell}
            ratio_cells.append(cell)
            pair_cells.append(
                _("%(observed)s (%(expected)s expected)")
                % {
                    "observed": found["observed"][row][column],
                    "expected": _number(found["expected"][row][column], 1),
                }
            )
        ratios.append(ratio_cells)
        pairs.append(pair_cells)
    return Table(head=head, rows=ratios), Table(head=head, rows=pairs)


@login_required
@require_safe
def near_repeat_page(request: HttpRequest) -> HttpResponse:
    run = _council_run(request, RunKind.NEAR_REPEAT)
    page = None
    if run is not None:
        found = run_tables.near_repeat(run)
        group_name = _group_name(found["group"])
        tables = _knox_tables(found) if found["status"] == "computed" else (None, None)
        page = NearRepeatPage(
            period=_period(run),
            found=found,
            group_name=group_name,
            reading=_reading(found, group_name),
            ratios=tables[0],
            pairs=tables[1],
        )
    return render(request, "analytics/near_repeat.html", {"page": page})
