"""What the indicator dashboard shows, read from the snapshot (suppressed cells stay empty)."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from curim.accounts.models import User
from curim.core.bilingual import in_current_language
from curim.core.templatetags.components import Column
from surveys.changes import Change
from surveys.models import Indicator, IndicatorEstimate, RespondentGroup, Survey
from surveys.selectors import (
    ChangeFilter,
    RefreshStatus,
    changes_visible_to,
    estimates_visible_to,
    refresh_status,
)


@dataclass(frozen=True)
class Row:
    label: str
    key: str  # a district's code, a group, or a wave's code; "" for all
    suppressed: bool
    n: int | None
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    weighted: bool
    effective_n: float | None


@dataclass(frozen=True)
class ChangeRow:
    """One bar of the chart of changes."""

    label: str
    change: float
    ci_low: float
    ci_high: float
    significant: bool


@dataclass(frozen=True)
class ChangeColumn:
    """The change column of the district and group tables: since which wave, and per row key
    (a district's code or a group; "" for all) the change, where both waves show the cell."""

    title: str
    by_district: dict[str, Change]
    by_group: dict[str, Change]


@dataclass
class Dashboard:
    waves: list[Survey]
    indicators: list[Indicator]
    wave: Survey | None = None
    indicator: Indicator | None = None
    refresh: RefreshStatus | None = None
    by_district: list[Row] = field(default_factory=list)
    by_group: list[Row] = field(default_factory=list)
    by_wave: list[Row] = field(default_factory=list)
    baseline: Survey | None = None  # the wave the changes are measured from
    changes: list[ChangeRow] = field(default_factory=list)
    change_column: ChangeColumn | None = None
    comparable: bool | None = None  # None: no change to qualify


def dashboard_for(
    user: User | AnonymousUser, wave_code: str | None, indicator_code: str | None
) -> Dashboard:
    """The dashboard of one wave and indicator (the newest wave and first indicator by default)."""
    readable = estimates_visible_to(user)
    waves = list(Survey.objects.filter(pk__in=readable.values("survey")).order_by("-created_at"))
    indicators = list(
        Indicator.objects.filter(pk__in=readable.values("indicator")).order_by("position", "code")
    )
    board = Dashboard(waves, indicators)
    board.wave = next((w for w in waves if w.code == wave_code), waves[0] if waves else None)
    board.indicator = next(
        (i for i in indicators if i.code == indicator_code), indicators[0] if indicators else None
    )
    if board.wave is None or board.indicator is None:
        return board
    board.refresh = refresh_status(board.wave)
    cells = list(readable.filter(survey=board.wave, indicator=board.indicator))
    board.by_district, board.by_group = rows_by_district_and_group(cells)
    totals = readable.filter(indicator=board.indicator, area__isnull=True, group="")
    board.by_wave = [
        row_of(e.survey.title, e.survey.code, e)
        for e in sorted(totals, key=lambda e: e.survey.created_at)
    ]
    _changes(board, user, board.wave, board.indicator)
    return board


def rows_by_district_and_group(
    cells: list[IndicatorEstimate],
) -> tuple[list[Row], list[Row]]:
    """One indicator's rows by district and by group (the districts' total over groups, and
    the groups' total over districts), each followed by the row of everybody."""
    groups = dict(RespondentGroup.choices)
    everyone = [row_of(_("All"), "", e) for e in cells if e.area is None and not e.group]
    by_district = [
        row_of(in_current_language(e.area, "name"), e.area.code, e)
        for e in cells
        if e.area is not None and not e.group
    ] + everyone
    by_group = [
        row_of(str(groups.get(e.group, e.group)), e.group, e)
        for e in cells
        if e.area is None and e.group
    ] + everyone
    return by_district, by_group


def _changes(
    board: Dashboard, user: User | AnonymousUser, wave: Survey, indicator: Indicator
) -> None:
    """The changes of this wave's indicator since the baseline of its series."""
    changes = changes_visible_to(user, ChangeFilter(survey_to=wave.code, indicator=indicator.code))
    board.baseline = next(
        (w for w in board.waves if changes and w.code == changes[0].survey_from), None
    )
    if board.baseline is None:
        return
    by_district = {c.area or "": c for c in changes if c.group is None}
    by_group = {c.group or "": c for c in changes if c.area is None}
    board.change_column = ChangeColumn(
        _("Change since %(wave)s") % {"wave": board.baseline.title}, by_district, by_group
    )
    board.comparable = all(c.comparable for c in changes)
    rows = [(row, by_district.get(row.key)) for row in board.by_district if row.key]
    rows += [(row, by_group.get(row.key)) for row in board.by_group]  # with "All" last
    board.changes = [
        ChangeRow(row.label, c.change, c.ci_low, c.ci_high, c.significant)
        for row, c in rows
        if c is not None
    ]


def estimate_cells(
    rows: list[Row], k: int, changes: dict[str, Change] | None = None
) -> list[list[object]]:
    """The cells of an estimates table ({% table %}): the group, then the estimate, its 95%
    interval, n and the effective n, in the active language's format; a suppressed row says
    why in its estimate's cell. With `changes` (by row key), a last column: the change."""
    cells: list[list[object]] = []
    for row in rows:
        extra: list[object] = []
        if changes is not None:
            change = changes.get(row.key)
            extra = [change_cell(change) if change else "—"]
        if row.suppressed or row.estimate is None:
            hidden = ngettext("fewer than %(k)d respondent", "fewer than %(k)d respondents", k) % {
                "k": k
            }
            cells.append([row.label, hidden, "—", "—", "—", *extra])
            continue
        estimate = floatformat(row.estimate, 1)
        if row.weighted:
            estimate = format_html(
                '{} <abbr title="{}">w</abbr>', estimate, _("weighted to the population")
            )
        interval = f"{floatformat(row.ci_low, 1)}–{floatformat(row.ci_high, 1)}"
        cells.append(
            [row.label, estimate, interval, row.n, floatformat(row.effective_n, 0), *extra]
        )
    return cells


def signed(value: float) -> str:
    """A change to one decimal, with its sign: +2.5, −1.0, 0.0 (in the page's format)."""
    text = str(floatformat(value, 1))
    if text.startswith("-"):
        return "−" + text[1:] if text.strip("-0.,") else text[1:]
    return "+" + text if text.strip("0.,") else text


def change_cell(change: Change) -> SafeString:
    """The change, its 95% interval, and a tag when the interval leaves out 0."""
    interval = _("%(low)s to %(high)s") % {
        "low": signed(change.ci_low),
        "high": signed(change.ci_high),
    }
    if change.significant:
        return format_html(
            '{} ({}) <strong class="govuk-tag govuk-tag--blue">{}</strong>',
            signed(change.change),
            interval,
            _("significant"),
        )
    return format_html("{} ({})", signed(change.change), interval)


def estimate_table(
    rows: list[Row], first: str, k: int, change: ChangeColumn | None = None, *, by: str = ""
) -> dict[str, list[Any]]:
    """An estimates table's rows and head, for `{% table %}`; with a change column when the
    wave has a baseline (`by`: "district" or "group", the rows' kind)."""
    head = estimate_columns(first)
    if change is None or by not in ("district", "group"):
        return {"rows": estimate_cells(rows, k), "head": head}
    changes = change.by_district if by == "district" else change.by_group
    return {
        "rows": estimate_cells(rows, k, changes),
        "head": [*head, Column(change.title, numeric=True)],
    }


def estimate_columns(first: str) -> list[Column]:
    return [
        Column(first),
        Column(_("Estimate"), numeric=True),
        Column(_("%(level)s%% interval") % {"level": 95}, numeric=True),
        Column("n", numeric=True),
        Column(_("effective n"), numeric=True),
    ]


def row_of(label: str, key: str, e: IndicatorEstimate) -> Row:
    """A row of an estimates table: its label, key (district code, group or wave code) and
    figures."""
    return Row(
        label, key, e.suppressed, e.n, e.estimate, e.ci_low, e.ci_high, e.weighted, e.effective_n
    )
