"""What the council's dashboard shows (docs/councils.md, "The dashboard"): its filter, and each
figure as the rows of its table, read through the other apps' selectors only. The charts draw
the same rows (`chart_data`), and each CSV writes them (`csv_rows_of`)."""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet
from django.template.defaultfilters import floatformat
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from councils.models import (
    ActionItem,
    ActionItemStatus,
    Council,
    Recommendation,
    RecommendationStatus,
)
from councils.selectors import action_items_visible_to, recommendations_visible_to
from councils.selectors.scopes import overdue_on
from curim.accounts.models import User
from curim.analytics.selectors import panels as analytics
from curim.areas.models import Area
from curim.areas.selectors import areas_without_boundaries
from curim.core.bilingual import in_current_language
from curim.core.spreadsheet import formula_defused
from curim.core.templatetags.components import Column
from curim.reports.models import CategoryGroup
from curim.reports.selectors import (
    COUNCIL_FIGURES_MAX_MONTHS,
    council_report_figures,
    places_least_safe_at_night,
)
from curim.reports.statistics import (
    ALL,
    NightPlace,
    ReportFigures,
    month_add,
    months_from_to,
    night_places_csv_rows,
    period_default,
    report_changes_csv_rows,
    report_counts_csv_rows,
)
from interventions.selectors import InterventionHeadline, intervention_headlines
from surveys.selectors import ChangeFilter, changes_visible_to, estimates_visible_to
from victims.selectors import victim_support_latest_year, victim_support_statistics

MONTH_FORMAT = "%Y-%m"
FIRST_YEAR = 2000


class MonthField(forms.CharField):
    """A calendar month written YYYY-MM (what `<input type="month">` sends); its first day."""

    default_error_messages = {"invalid": gettext_lazy("Enter a month as YYYY-MM, e.g. 2026-03.")}

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        parts = text.split("-")
        if len(parts) != 2 or not all(p.isascii() and p.isdigit() for p in parts):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        year, month = int(parts[0]), int(parts[1])
        if not (FIRST_YEAR <= year <= 9998 and 1 <= month <= 12):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return date(year, month, 1)


class DashboardFilterForm(forms.Form):
    """The dashboard's filter: a district (or all) and a period of whole months."""

    district = forms.ChoiceField(label=gettext_lazy("District"), required=False)
    first_month = MonthField(label=gettext_lazy("From (month)"), required=False)
    last_month = MonthField(label=gettext_lazy("To (month)"), required=False)
    year = forms.IntegerField(
        label=gettext_lazy("Year of the Victim Support Unit's statistics"),
        required=False,
        min_value=FIRST_YEAR,
        max_value=9998,
    )

    def __init__(self, *args: Any, districts: Sequence[Area], today: date, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.today = today
        choices = [("", _("All districts"))]
        choices += [(area.code, in_current_language(area, "name")) for area in districts]
        self.fields["district"].choices = choices  # type: ignore[attr-defined]
        for name in ("first_month", "last_month"):
            self.fields[name].widget.input_type = "month"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        default_first, default_last = period_default(self.today)
        first = data.get("first_month") or None
        last = data.get("last_month") or None
        if "first_month" in self.errors or "last_month" in self.errors:
            return data
        last = last or default_last
        first = first or (month_add(last, -11) if data.get("last_month") else default_first)
        if first > last:
            self.add_error("last_month", _("The period ends before it starts."))
        elif len(months_from_to(first, last)) > COUNCIL_FIGURES_MAX_MONTHS:
            self.add_error(
                "first_month",
                _("A period is at most %(months)d months.")
                % {"months": COUNCIL_FIGURES_MAX_MONTHS},
            )
        data["first_month"], data["last_month"] = first, last
        if data.get("year") is None:
            data["year"] = last.year
        return data


@dataclass(frozen=True)
class Filter:
    district: str  # a district's code; "" for all
    first_month: date
    last_month: date
    year: int

    @property
    def place(self) -> str:
        return self.district or ALL

    def query(self) -> str:
        return (
            f"district={self.district}&first_month={self.first_month:{MONTH_FORMAT}}"
            f"&last_month={self.last_month:{MONTH_FORMAT}}&year={self.year}"
        )


def districts() -> list[Area]:
    return list(areas_without_boundaries(Area.Level.DISTRICT))


def filter_of(form: DashboardFilterForm) -> Filter:
    data = form.cleaned_data
    return Filter(data.get("district") or "", data["first_month"], data["last_month"], data["year"])


@dataclass(frozen=True)
class Table:
    """A figure's table: for `{% table %}` (head, rows) and its CSV (csv_rows, header first)."""

    head: list[Column]
    rows: list[list[object]]
    csv: list[list[Any]] = field(default_factory=list)


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else str(floatformat(value, digits))


def group_name(group: str) -> str:
    return _("All groups") if group == ALL else str(dict(CategoryGroup.choices).get(group, group))


# --- 1. Reports per category group and month -------------------------------------------------


def report_figures(user: User | AnonymousUser, which: Filter) -> ReportFigures:
    """The report figures of the filter's period, for the filter's place only (a district, or
    the whole municipality)."""
    figures = council_report_figures(
        user, first_month=which.first_month, last_month=which.last_month
    )
    return replace(figures, series=tuple(s for s in figures.series if s.place.key == which.place))


def report_changes_table(figures: ReportFigures) -> Table:
    head = [
        Column(_("Category group")),
        Column(_("Reports in the period"), numeric=True),
        Column(_("per 1,000 residents"), numeric=True),
        Column(_("Previous 12 months"), numeric=True),
        Column(_("Last 12 months"), numeric=True),
        Column(_("Rate ratio"), numeric=True),
        Column("z", numeric=True),
        Column("p", numeric=True),
        Column(_("Significant (p < 0.05)")),
    ]
    rows: list[list[object]] = [
        [
            group_name(s.group),
            s.count,
            _number(s.rate, 2),
            s.change.previous,
            s.change.recent,
            _number(s.change.rate_ratio, 2),
            _number(s.change.z, 2),
            _number(s.change.p_value, 3),
            _("yes") if s.change.significant else _("no"),
        ]
        for s in figures.series
    ]
    return Table(head, rows, list(report_changes_csv_rows(figures)))


def report_counts_table(figures: ReportFigures) -> Table:
    """Month by month, every group of the place: reports, per 1,000, rolling 12 months."""
    head = [
        Column(_("Category group")),
        Column(_("Month")),
        Column(_("Reports"), numeric=True),
        Column(_("per 1,000 residents"), numeric=True),
        Column(_("Rolling 12 months"), numeric=True),
        Column(_("Rolling 12 months per 1,000"), numeric=True),
    ]
    rows: list[list[object]] = []
    for s in figures.series:
        for m in s.months:
            month = f"{m.month:{MONTH_FORMAT}}"
            if m.partial:
                month = _("%(month)s (partial)") % {"month": month}
            rows.append(
                [
                    group_name(s.group),
                    month,
                    m.count,
                    _number(m.rate, 2),
                    m.rolling_12,
                    _number(m.rolling_12_rate, 2),
                ]
            )
    return Table(head, rows, list(report_counts_csv_rows(figures)))


# --- 2. Places rated least safe at night -----------------------------------------------------


def night_places(user: User | AnonymousUser, which: Filter) -> list[NightPlace]:
    until = month_add(which.last_month, 1) - timedelta(days=1)
    return places_least_safe_at_night(
        user, since=which.first_month, until=until, district=which.district or None
    )


def night_places_table(places: Sequence[NightPlace]) -> Table:
    head = [
        Column(_("Rank"), numeric=True),
        Column(_("District")),
        Column(_("Place (longitude, latitude)")),
        Column(_("Ratings"), numeric=True),
        Column(_("Feels safe"), numeric=True),
        Column(_("Lighting"), numeric=True),
        Column(_("Visibility"), numeric=True),
        Column(_("People around"), numeric=True),
        Column(_("Security presence"), numeric=True),
        Column(_("Walk path"), numeric=True),
    ]
    rows: list[list[object]] = [
        [
            rank,
            p.district.name if p.district else "—",
            f"{floatformat(p.longitude, 5)}, {floatformat(p.latitude, 5)}",
            p.ratings,
            *(
                _number(v, 2)
                for v in (p.feeling, p.lighting, p.visibility, p.people, p.security, p.walk_path)
            ),
        ]
        for rank, p in enumerate(places, start=1)
    ]
    return Table(head, rows, list(night_places_csv_rows(places)))


# --- 3. The survey's indicators, baseline against follow-up ----------------------------------


@dataclass(frozen=True)
class IndicatorChange:
    indicator: str  # its name in the page's language
    indicator_code: str
    district: str  # a district's code, or "all"
    district_name: str
    survey_from: str
    survey_to: str
    estimate_from: float
    estimate_to: float
    change: float
    ci_low: float
    ci_high: float
    significant: bool


def _bilingual(english: str, greek: str) -> str:
    return greek if (get_language() or "en").startswith("el") and greek else english


def indicator_changes(user: User | AnonymousUser, which: Filter) -> list[IndicatorChange]:
    """Each indicator per district (and for all), every wave against its series' baseline."""
    changes = changes_visible_to(user, ChangeFilter(area=which.district))
    names = {
        row["indicator__code"]: _bilingual(row["indicator__name_en"], row["indicator__name_el"])
        for row in estimates_visible_to(user)
        .order_by("indicator__position", "indicator__code")
        .values("indicator__code", "indicator__name_en", "indicator__name_el")
        .distinct()
    }
    order = list(names)
    places = {a.code: in_current_language(a, "name") for a in districts()}
    found = [
        IndicatorChange(
            indicator=names.get(c.indicator, c.indicator),
            indicator_code=c.indicator,
            district=c.area or ALL,
            district_name=places.get(c.area, c.area) if c.area else _("All districts"),
            survey_from=c.survey_from,
            survey_to=c.survey_to,
            estimate_from=c.estimate_from,
            estimate_to=c.estimate_to,
            change=c.change,
            ci_low=c.ci_low,
            ci_high=c.ci_high,
            significant=c.significant,
        )
        for c in changes
        if c.group is None and (not which.district or c.area == which.district)
    ]
    return sorted(
        found,
        key=lambda c: (
            order.index(c.indicator_code) if c.indicator_code in order else len(order),
            c.district == ALL,
            c.district,
            c.survey_to,
        ),
    )


def indicator_changes_table(changes: Sequence[IndicatorChange]) -> Table:
    head = [
        Column(_("Indicator")),
        Column(_("District")),
        Column(_("Baseline")),
        Column(_("Follow-up")),
        Column(_("Baseline value"), numeric=True),
        Column(_("Follow-up value"), numeric=True),
        Column(_("Difference"), numeric=True),
        Column(_("%(level)s%% interval") % {"level": 95}, numeric=True),
        Column(_("Significant")),
    ]
    rows: list[list[object]] = [
        [
            c.indicator,
            c.district_name,
            c.survey_from,
            c.survey_to,
            _number(c.estimate_from),
            _number(c.estimate_to),
            _number(c.change),
            f"{_number(c.ci_low)} – {_number(c.ci_high)}",
            _("yes") if c.significant else _("no"),
        ]
        for c in changes
    ]
    csv: list[list[Any]] = [
        [
            "indicator",
            "district",
            "survey_from",
            "survey_to",
            "estimate_from",
            "estimate_to",
            "change",
            "ci_low",
            "ci_high",
            "significant",
        ]
    ]
    csv += [
        [
            c.indicator_code,
            c.district,
            c.survey_from,
            c.survey_to,
            c.estimate_from,
            c.estimate_to,
            c.change,
            c.ci_low,
            c.ci_high,
            "yes" if c.significant else "no",
        ]
        for c in changes
    ]
    return Table(head, rows, csv)


# --- 4. The Victim Support Unit's anonymised statistics ----------------------------------------


def victim_support_year(year: int) -> int:
    """The year whose unit statistics the dashboard shows for `year`: the latest completed year
    up to it (the current year is not published)."""
    return min(year, victim_support_latest_year())


def victim_support_table(year: int) -> Table:
    """The unit's statistics of one year, as the unit publishes them
    (`victim_support_statistics`: a completed year's as first published): a count
    below its k is never shown, nor one from which it could be worked out (an empty cell in
    the CSV)."""
    stats = victim_support_statistics(year=victim_support_year(year))
    year = stats.year
    few = _("fewer than %(k)d") % {"k": stats.k}
    hidden = _("not shown")
    dimensions = [
        ("month", _("Month"), stats.by_month),
        ("offence_type", _("Offence type"), stats.by_offence_type),
        ("support_type", _("Support type"), stats.by_support_type),
        ("referral_outcome", _("Referral outcome"), stats.by_referral_outcome),
        ("district", _("District"), stats.by_district),
    ]
    head = [Column(_("By")), Column(_("Value")), Column(_("Cases"), numeric=True)]
    rows: list[list[object]] = [
        [_("All cases"), str(year), few if stats.total is None else stats.total]
    ]
    csv: list[list[Any]] = [["year", "dimension", "key", "cases"]]
    csv.append([year, "total", "", "" if stats.total is None else stats.total])
    for key, label, cells in dimensions:
        for cell in cells:
            rows.append([label, cell.key, hidden if cell.count is None else cell.count])
            csv.append([year, key, cell.key, "" if cell.count is None else cell.count])
    return Table(head, rows, csv)


# --- 5. Recommendations by status, overdue action items ----------------------------------------


def recommendations_by_status(
    user: User | AnonymousUser, council: Council | None = None
) -> list[tuple[str, str, int]]:
    """(status, its label, how many) for every status, in the workflow's order (of one council
    when given, as in its agenda pack); one query."""
    recommendations = recommendations_visible_to(user)
    if council is not None:
        recommendations = recommendations.filter(council=council)
    return recommendations_counted_by_status(recommendations)


def recommendations_counted_by_status(
    recommendations: QuerySet[Recommendation],
) -> list[tuple[str, str, int]]:
    """(status, its label, how many) of these recommendations, for every status; one query."""
    counts = dict(
        recommendations.values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("status", "n")
    )
    return [
        (value, str(label), counts.get(value, 0)) for value, label in RecommendationStatus.choices
    ]


def recommendations_table(by_status: Sequence[tuple[str, str, int]]) -> Table:
    head = [Column(_("Status")), Column(_("Recommendations"), numeric=True)]
    rows: list[list[object]] = [[label, n] for _value, label, n in by_status]
    csv: list[list[Any]] = [["status", "recommendations"]]
    csv += [[value, n] for value, _label, n in by_status]
    return Table(head, rows, csv)


def overdue_action_items_table(
    user: User | AnonymousUser, today: date, council: Council | None = None
) -> Table:
    """Action items not completed nor cancelled whose due day has passed (of one council when
    given); one query."""
    items = action_items_visible_to(user)
    if council is not None:
        items = items.filter(recommendation__council=council)
    return overdue_action_items_table_of(items, today)


def overdue_action_items_table_of(items: QuerySet[ActionItem], today: date) -> Table:
    """Those of these action items not completed nor cancelled whose due day has passed; one
    query."""
    items = (
        items.filter(overdue_on(today))
        .select_related("recommendation", "owner_organisation")
        .order_by("due_on", "pk")
    )
    statuses = dict(ActionItemStatus.choices)
    head = [
        Column(_("Recommendation")),
        Column(_("Action item")),
        Column(_("Owner")),
        Column(_("Due")),
        Column(_("Days overdue"), numeric=True),
        Column(_("Status")),
    ]
    rows: list[list[object]] = []
    csv: list[list[Any]] = [
        ["recommendation", "action_item", "owner", "due_on", "days_overdue", "status"]
    ]
    for item in items:
        due = item.due_on or today  # never None: filtered on due_on__lt
        owner = item.owner_organisation.name if item.owner_organisation else ""
        late = (today - due).days
        title = item.title
        rows.append(
            [
                item.recommendation.reference,
                title,
                owner,
                f"{due:%Y-%m-%d}",
                late,
                str(statuses[item.status]),
            ]
        )
        csv.append(
            [
                item.recommendation.reference,
                title,
                owner,
                f"{due:%Y-%m-%d}",
                late,
                item.status,
            ]
        )
    return Table(head, rows, csv)


# --- 6. The analytics: the latest council runs (curim/analytics/selectors/panels.py) ----------


def analytics_panels(user: User | AnonymousUser, which: Filter) -> analytics.CouncilAnalyticsPanels:
    """The latest council runs' panels, for the filter's district (each run keeps its own
    period: the dashboard's months do not narrow them)."""
    return analytics.council_analytics_panels(user, district=which.district or None)


def _greek() -> bool:
    return (get_language() or "en").startswith("el")


def _day(value: date | None) -> str:
    return "" if value is None else f"{value:%Y-%m-%d}"


def _csv_number(value: float | None) -> object:
    return "" if value is None else value


def run_period_text(period: analytics.RunPeriod) -> str:
    return _("%(first)s to %(last)s") % {
        "first": _day(period.data_from),
        "last": _day(period.last_day),
    }


def hot_cells_table(panels: analytics.CouncilAnalyticsPanels) -> Table:
    times = {"all": _("All day"), "night": _("At night (dusk to dawn)")}
    head = [
        Column(_("Time of day")),
        Column(_("Period of the data")),
        Column(_("Hot cells"), numeric=True),
        # xgettext:no-python-format
        Column(_("of them at 99% confidence"), numeric=True),
        # xgettext:no-python-format
        Column(_("at 95%"), numeric=True),
        # xgettext:no-python-format
        Column(_("at 90%"), numeric=True),
    ]
    rows: list[list[object]] = [
        [
            str(times.get(h.time_of_day, h.time_of_day)),
            run_period_text(h.period),
            h.hot,
            h.hot_99,
            h.hot_95,
            h.hot_90,
        ]
        for h in panels.hot_cells
    ]
    csv: list[list[Any]] = [
        ["time_of_day", "data_from", "data_up_to", "hot", "hot_99", "hot_95", "hot_90"]
    ]
    csv += [
        [
            h.time_of_day,
            _day(h.period.data_from),
            _day(h.period.last_day),
            h.hot,
            h.hot_99,
            h.hot_95,
            h.hot_90,
        ]
        for h in panels.hot_cells
    ]
    return Table(head, rows, csv)


def risk_areas_table(panels: analytics.CouncilAnalyticsPanels) -> Table:
    levels = {"district": _("District"), "neighbourhood": _("Neighbourhood")}
    head = [
        Column(_("Rank"), numeric=True),
        Column(_("Area")),
        Column(_("Risk index (0–100)"), numeric=True),
        Column(_("Likelihood score"), numeric=True),
        Column(_("Impact score"), numeric=True),
        Column(_("Perception score"), numeric=True),
        Column(_("Incidents"), numeric=True),
        Column(_("Weights (likelihood, impact, perception)")),
    ]
    areas = panels.risk.areas if panels.risk else []

    def weights(area: analytics.RiskArea) -> str:
        return " / ".join(
            _number(area.weights_used.get(part), 2)
            for part in ("likelihood", "impact", "perception")
        )

    rows: list[list[object]] = [
        [
            a.rank,
            f"{a.name_el if _greek() and a.name_el else a.name_en} "
            f"({levels.get(a.level, a.level)})",
            _number(a.index),
            _number(a.likelihood_score),
            _number(a.impact_score),
            _number(a.perception_score),
            a.incidents,
            weights(a),
        ]
        for a in areas
    ]
    csv: list[list[Any]] = [
        [
            "rank",
            "area",
            "level",
            "index",
            "likelihood",
            "likelihood_basis",
            "likelihood_score",
            "impact",
            "impact_score",
            "perception",
            "perception_score",
            "incidents",
            "weight_likelihood",
            "weight_impact",
            "weight_perception",
        ]
    ]
    csv += [
        [
            a.rank,
            a.code,
            a.level,
            a.index,
            _csv_number(a.likelihood),
            a.likelihood_basis,
            _csv_number(a.likelihood_score),
            _csv_number(a.impact),
            _csv_number(a.impact_score),
            _csv_number(a.perception),
            _csv_number(a.perception_score),
            a.incidents,
            _csv_number(a.weights_used.get("likelihood")),
            _csv_number(a.weights_used.get("impact")),
            _csv_number(a.weights_used.get("perception")),
        ]
        for a in areas
    ]
    return Table(head, rows, csv)


def cyber_alerts_table(panels: analytics.CouncilAnalyticsPanels) -> Table:
    channels = {
        "email": _("E-mail"),
        "sms": _("SMS"),
        "social_media": _("Social media"),
    }
    head = [
        Column(_("Week from")),
        Column(_("Kind")),
        Column(_("Channel")),
        Column(_("Reports"), numeric=True),
        Column(_("Expected (recent weeks' mean)"), numeric=True),
        Column("p", numeric=True),
    ]
    alerts = panels.cyber.alerts if panels.cyber else []
    rows: list[list[object]] = [
        [
            _day(a.week),
            a.kind_el if _greek() and a.kind_el else a.kind_en,
            str(channels.get(a.channel, a.channel)) if a.channel else "—",
            a.count,
            _number(a.baseline_mean),
            _number(a.p, 4),
        ]
        for a in alerts
    ]
    csv: list[list[Any]] = [["week", "kind", "channel", "count", "baseline_mean", "p"]]
    csv += [[_day(a.week), a.kind, a.channel, a.count, a.baseline_mean, a.p] for a in alerts]
    return Table(head, rows, csv)


def forecast_place(row: analytics.DistrictForecast) -> str:
    if row.district == analytics.OTHER_DISTRICTS:
        return _("Other districts together") + f" ({', '.join(row.pooled_districts)})"
    if row.district == analytics.WHOLE_MUNICIPALITY:
        return _("Whole municipality")
    return (row.name_el if _greek() and row.name_el else row.name_en) or row.district


def forecasts_table(panels: analytics.CouncilAnalyticsPanels) -> Table:
    models = {
        analytics.SEASONAL_NAIVE: _("Seasonal naive"),
        analytics.EXPONENTIAL_SMOOTHING: _("Exponential smoothing"),
        analytics.NEGATIVE_BINOMIAL: _("Negative binomial regression"),
    }
    level = panels.forecast.level if panels.forecast else analytics.PANEL_FORECAST_LEVEL
    head = [
        Column(_("District")),
        Column(_("Category group")),
        Column(_("Weeks")),
        Column(_("Expected events"), numeric=True),
        Column(_("Range (%(level)s%% intervals)") % {"level": level}, numeric=True),
        Column(_("Model")),
    ]
    found = panels.forecast.rows if panels.forecast else []
    rows: list[list[object]] = []
    for f in found:
        weeks = (
            _("%(first)s to %(last)s") % {"first": _day(f.first_week), "last": _day(f.last_week)}
            if f.first_week
            else "—"
        )
        rows.append(
            [
                forecast_place(f),
                group_name(f.group),
                weeks,
                _number(f.total) if f.total is not None else _("not forecast (too few)"),
                f"{_number(f.lower)} – {_number(f.upper)}" if f.total is not None else "—",
                str(models.get(f.model, f.model)) if f.model else "—",
            ]
        )
    csv: list[list[Any]] = [
        [
            "district",
            "pooled_districts",
            "group",
            "first_week",
            "last_week_start",
            "total",
            f"lower_{level}",
            f"upper_{level}",
            "model",
            "not_forecast",
        ]
    ]
    csv += [
        [
            f.district,
            " ".join(f.pooled_districts),
            f.group,
            _day(f.first_week),
            _day(f.last_week),
            _csv_number(f.total),
            _csv_number(f.lower),
            _csv_number(f.upper),
            f.model,
            f.not_forecast,
        ]
        for f in found
    ]
    return Table(head, rows, csv)


# --- 7. Interventions: what is running, what was evaluated (interventions/selectors.py) --------
INTERVENTION_STATUSES = ("in_progress", "completed", "evaluated")


def intervention_rows(user: User | AnonymousUser, which: Filter) -> list[InterventionHeadline]:
    """The running, completed and evaluated interventions of the filter's district (all when
    none), each with its latest evaluation; two queries (the dashboard's readers read
    everything: no query of the categories' publicity)."""
    return intervention_headlines(
        user, status=INTERVENTION_STATUSES, district_code=which.district or None
    )


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{floatformat(value, 0)} %"


def interventions_table(rows: Sequence[InterventionHeadline]) -> Table:
    head = [
        Column(_("Intervention")),
        Column(_("Status")),
        Column(_("Area")),
        Column(_("Change"), numeric=True),
        Column(_("95% interval")),
        Column(_("Design (SMS level)"), numeric=True),
    ]
    shown: list[list[object]] = []
    csv: list[list[Any]] = [
        [
            "reference",
            "title",
            "kind",
            "status",
            "area",
            "starts_on",
            "ends_on",
            "evaluation_version",
            "method",
            "estimate",
            "ci_low",
            "ci_high",
            "percent_change",
            "percent_low",
            "percent_high",
            "sms_level",
        ]
    ]
    for row in rows:
        interval = (
            "—"
            if row.percent_low is None
            else f"{_percent(row.percent_low)} … {_percent(row.percent_high)}"
        )
        shown.append(
            [
                f"{row.reference} {row.title}",
                row.status_label,
                row.area_name,
                _percent(row.percent_change),
                interval,
                row.sms_level if row.sms_level is not None else "—",
            ]
        )
        csv.append(
            [
                row.reference,
                formula_defused(row.title),
                row.kind,
                row.status,
                row.area_name,
                row.starts_on.isoformat() if row.starts_on else "",
                row.ends_on.isoformat() if row.ends_on else "",
                row.evaluation_version if row.evaluation_version is not None else "",
                formula_defused(row.method),
                _csv_number(row.estimate),
                _csv_number(row.ci_low),
                _csv_number(row.ci_high),
                _csv_number(row.percent_change),
                _csv_number(row.percent_low),
                _csv_number(row.percent_high),
                row.sms_level if row.sms_level is not None else "",
            ]
        )
    return Table(head, shown, csv)
