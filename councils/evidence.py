"""The evidence a meeting's agenda pack shows: the council dashboard's figures, computed by
`councils.dashboard` as they stand when the meeting is convened and kept as plain JSON
(`MeetingEvidence.figures`), and the tables the pack draws from them.

The shape of `figures` (version 1): the period and, for each figure, the header and rows of its
dashboard CSV (codes and numbers; names of places are looked up again when the pack is drawn):

    {"version": 1, "first_month": "2025-10", "last_month": "2026-09", "year": 2026,
     "tables": {"report_changes": {"columns": [...], "rows": [[...], ...]}, ...}}
"""

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from councils import dashboard as board
from councils.models import Council, RecommendationStatus
from councils.selectors import action_items_of_council, recommendations_of_council
from curim.accounts.roles import Role, role_holder
from curim.core.bilingual import in_current_language
from curim.reports.selectors import council_report_figures
from curim.reports.statistics import ALL, UNLOCATED, UNLOCATED_NAME, period_default
from surveys.selectors import estimates_visible_to

FIGURES_VERSION = 1
MONTH = "%Y-%m"


def _rows(table: board.Table) -> dict[str, list[Any]]:
    return {"columns": list(table.csv[0]), "rows": [list(row) for row in table.csv[1:]]}


def evidence_figures(*, council: Council, today: date) -> dict[str, Any]:
    """The dashboard's figures of its default filter (the last 12 complete months, every
    district, the period's last year for the unit's statistics) as a member of the council
    reads them today, whoever asks (a secretary of several councils, an admin): the other apps'
    figures as the council member role reads them, and every recommendation and action item of
    this council, none of another's. Plain JSON."""
    user = role_holder(Role.COUNCIL_MEMBER)
    first, last = period_default(today)
    which = board.Filter("", first, last, last.year)
    # In one language, so that the stored text does not depend on who convened the meeting.
    with translation.override("en"):
        figures = council_report_figures(user, first_month=first, last_month=last, today=today)
        tables = {
            "report_changes": board.report_changes_table(figures),
            "report_counts": board.report_counts_table(figures),
            "night_places": board.night_places_table(board.night_places(user, which)),
            "indicator_changes": board.indicator_changes_table(
                board.indicator_changes(user, which)
            ),
            "victim_support": board.victim_support_table(which.year),
            "recommendations": board.recommendations_table(
                board.recommendations_counted_by_status(recommendations_of_council(council))
            ),
            "overdue_actions": board.overdue_action_items_table_of(
                action_items_of_council(council), today
            ),
        }
    found = {
        "version": FIGURES_VERSION,
        "first_month": f"{first:{MONTH}}",
        "last_month": f"{last:{MONTH}}",
        "year": board.victim_support_year(which.year),  # the unit's statistics' year
        "tables": {name: _rows(table) for name, table in tables.items()},
    }
    found["indicators"] = {
        row["indicator__code"]: [row["indicator__name_en"], row["indicator__name_el"]]
        for row in estimates_visible_to(user)
        .order_by()
        .values("indicator__code", "indicator__name_en", "indicator__name_el")
        .distinct()
    }
    # Round-trip through JSON, so that what is stored is what the pack will read back.
    return dict(json.loads(json.dumps(found, cls=DjangoJSONEncoder)))


# --- Drawing the stored figures ----------------------------------------------------------------


@dataclass(frozen=True)
class PackTable:
    """A table of the pack: its title, column heads (the numeric ones aligned right) and cells."""

    name: str
    title: str
    head: list[tuple[str, bool]]
    rows: list[list[tuple[str, bool]]]  # (the cell, whether numeric)


_YES_NO = {"yes": gettext_lazy("yes"), "no": gettext_lazy("no")}

# For each stored table: the columns the pack shows, with their heads and whether numeric.
_SHOWN: dict[str, tuple[Promise, list[tuple[str, Promise | str, bool]]]] = {
    "report_changes": (
        gettext_lazy("Reports: the last 12 months against the 12 before"),
        [
            ("group", gettext_lazy("Category group"), False),
            ("district", gettext_lazy("District"), False),
            ("previous_reports", gettext_lazy("Previous 12 months"), True),
            ("recent_reports", gettext_lazy("Last 12 months"), True),
            ("rate_ratio", gettext_lazy("Rate ratio"), True),
            ("p_value", "p", True),
            ("significant", gettext_lazy("Significant (p < 0.05)"), False),
        ],
    ),
    "night_places": (
        gettext_lazy("Places rated least safe at night"),
        [
            ("rank", gettext_lazy("Rank"), True),
            ("district", gettext_lazy("District"), False),
            ("ratings", gettext_lazy("Ratings"), True),
            ("feeling", gettext_lazy("Feels safe"), True),
            ("lighting", gettext_lazy("Lighting"), True),
            ("security", gettext_lazy("Security presence"), True),
        ],
    ),
    "indicator_changes": (
        gettext_lazy("The survey's indicators, baseline against follow-up"),
        [
            ("indicator", gettext_lazy("Indicator"), False),
            ("district", gettext_lazy("District"), False),
            ("survey_from", gettext_lazy("Baseline"), False),
            ("survey_to", gettext_lazy("Follow-up"), False),
            ("estimate_from", gettext_lazy("Baseline value"), True),
            ("estimate_to", gettext_lazy("Follow-up value"), True),
            ("change", gettext_lazy("Difference"), True),
            ("significant", gettext_lazy("Significant"), False),
        ],
    ),
    "victim_support": (
        gettext_lazy("The Victim Support Unit's statistics"),
        [
            ("dimension", gettext_lazy("By"), False),
            ("key", gettext_lazy("Value"), False),
            ("cases", gettext_lazy("Cases"), True),
        ],
    ),
    "recommendations": (
        gettext_lazy("Recommendations by status"),
        [
            ("status", gettext_lazy("Status"), False),
            ("recommendations", gettext_lazy("Recommendations"), True),
        ],
    ),
    "overdue_actions": (
        gettext_lazy("Overdue action items"),
        [
            ("recommendation", gettext_lazy("Recommendation"), False),
            ("action_item", gettext_lazy("Action item"), False),
            ("owner", gettext_lazy("Owner"), False),
            ("due_on", gettext_lazy("Due"), False),
            ("days_overdue", gettext_lazy("Days overdue"), True),
        ],
    ),
}
_DIMENSIONS = {
    "total": gettext_lazy("All cases"),
    "month": gettext_lazy("Month"),
    "offence_type": gettext_lazy("Offence type"),
    "support_type": gettext_lazy("Support type"),
    "referral_outcome": gettext_lazy("Referral outcome"),
    "district": gettext_lazy("District"),
}
_DIGITS = {"rate_ratio": 2, "p_value": 3, "feeling": 2, "lighting": 2, "security": 2}


def _place_names() -> dict[str, str]:
    names = {area.code: in_current_language(area, "name") for area in board.districts()}
    names[ALL] = _("All districts")
    names[UNLOCATED] = str(UNLOCATED_NAME)
    return names


def _cell(column: str, value: Any, names: dict[str, str], table: str) -> str:
    """A stored value as the pack shows it; `names` maps codes (places, indicators) to names."""
    if value == "" or value is None:
        return "—" if column != "cases" else _("not shown")
    if column == "dimension":
        return str(_DIMENSIONS.get(str(value), value))
    if column == "group":
        return board.group_name(str(value))
    if column in ("district", "indicator", "key"):
        return names.get(str(value), str(value))
    if column == "significant":
        return str(_YES_NO.get(str(value), value))
    if column == "status" and table == "recommendations":
        return str(dict(RecommendationStatus.choices).get(str(value), value))
    if isinstance(value, float):
        return str(floatformat(value, _DIGITS.get(column, 1)))
    return str(value)


def pack_tables(figures: dict[str, Any]) -> list[PackTable]:
    """The stored figures as the pack's tables, in the page's language."""
    stored = figures.get("tables", {})
    names = _place_names()
    greek = (translation.get_language() or "en").startswith("el")
    for code, (english, in_greek) in figures.get("indicators", {}).items():
        names[code] = in_greek if greek and in_greek else english
    found = []
    for name, (title, shown) in _SHOWN.items():
        table = stored.get(name)
        if not table:
            continue
        columns = table["columns"]
        at = {column: columns.index(column) for column, _h, _n in shown if column in columns}
        numeric = {column: n for column, _h, n in shown}
        rows = [
            [(_cell(column, row[at[column]], names, name), numeric[column]) for column in at]
            for row in table["rows"]
        ]
        head = [(str(label), numeric) for column, label, numeric in shown if column in at]
        found.append(PackTable(name, str(title), head, rows))
    return found


def pack_period(figures: dict[str, Any]) -> tuple[date, date] | None:
    """The first and last month of the stored report figures (their first days)."""
    try:
        first, last = (
            datetime.strptime(figures[key], MONTH).date() for key in ("first_month", "last_month")
        )
    except (KeyError, TypeError, ValueError):
        return None
    return first, last


def pack_monthly_counts(figures: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The monthly report counts as one row per group and district, a column per month."""
    table = figures.get("tables", {}).get("report_counts")
    if not table:
        return [], []
    columns = table["columns"]
    group, district, month, reports = (
        columns.index(name) for name in ("group", "district", "month", "reports")
    )
    months: list[str] = []
    counts: dict[tuple[str, str], dict[str, str]] = {}
    for row in table["rows"]:
        if row[month] not in months:
            months.append(row[month])
        counts.setdefault((row[group], row[district]), {})[row[month]] = str(row[reports])
    names = _place_names()
    rows = [
        [board.group_name(g), names.get(d, d), *(found.get(m, "") for m in months)]
        for (g, d), found in counts.items()
    ]
    return months, rows
