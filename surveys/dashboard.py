"""What the indicator dashboard shows, read from the snapshot (suppressed cells stay empty)."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from curim.accounts.models import User
from curim.core.bilingual import in_current_language
from curim.core.templatetags.components import Column
from surveys.models import Indicator, IndicatorEstimate, RespondentGroup, Survey
from surveys.selectors import RefreshStatus, estimates_visible_to, refresh_status


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
    groups = dict(RespondentGroup.choices)
    everyone = [_row(_("All"), "", e) for e in cells if e.area is None and not e.group]
    board.by_district = [
        _row(in_current_language(e.area, "name"), e.area.code, e)
        for e in cells
        if e.area is not None and not e.group
    ] + everyone
    board.by_group = [
        _row(str(groups.get(e.group, e.group)), e.group, e)
        for e in cells
        if e.area is None and e.group
    ] + everyone
    totals = readable.filter(indicator=board.indicator, area__isnull=True, group="")
    board.by_wave = [
        _row(e.survey.title, e.survey.code, e)
        for e in sorted(totals, key=lambda e: e.survey.created_at)
    ]
    return board


def estimate_cells(rows: list[Row], k: int) -> list[list[object]]:
    """The cells of an estimates table ({% table %}): the group, then the estimate, its 95%
    interval, n and the effective n, in the active language's format; a suppressed row says
    why in its estimate's cell."""
    cells: list[list[object]] = []
    for row in rows:
        if row.suppressed or row.estimate is None:
            hidden = ngettext("fewer than %(k)d respondent", "fewer than %(k)d respondents", k) % {
                "k": k
            }
            cells.append([row.label, hidden, "—", "—", "—"])
            continue
        estimate = floatformat(row.estimate, 1)
        if row.weighted:
            estimate = format_html(
                '{} <abbr title="{}">w</abbr>', estimate, _("weighted to the population")
            )
        interval = f"{floatformat(row.ci_low, 1)}–{floatformat(row.ci_high, 1)}"
        cells.append([row.label, estimate, interval, row.n, floatformat(row.effective_n, 0)])
    return cells


def estimate_table(rows: list[Row], first: str, k: int) -> dict[str, list[Any]]:
    """An estimates table's rows and head, for `{% table %}`."""
    return {"rows": estimate_cells(rows, k), "head": estimate_columns(first)}


def estimate_columns(first: str) -> list[Column]:
    return [
        Column(first),
        Column(_("Estimate"), numeric=True),
        Column(_("%(level)s%% interval") % {"level": 95}, numeric=True),
        Column("n", numeric=True),
        Column(_("effective n"), numeric=True),
    ]


def _row(label: str, key: str, e: IndicatorEstimate) -> Row:
    return Row(
        label, key, e.suppressed, e.n, e.estimate, e.ci_low, e.ci_high, e.weighted, e.effective_n
    )
