"""What a wave's public results page shows: every indicator by district and by group, with the
change since the baseline, read from the same stored estimates and changes as the dashboard and
the API (so the same suppression), through the selectors that decide who reads which wave."""

from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext as _

from surveys.changes import Change
from surveys.dashboard import (
    ChangeColumn,
    Row,
    estimate_table,
    rows_by_district_and_group,
)
from surveys.models import Indicator, Survey
from surveys.selectors import results_changes, results_estimates, wave_calibration


@dataclass(frozen=True)
class IndicatorResults:
    indicator: Indicator
    total: Row | None  # everybody, all districts
    total_change: Change | None
    by_district: list[Row]
    by_group: list[Row]
    change_column: ChangeColumn | None

    def tables(self, k: int) -> dict[str, dict[str, list[object]]]:
        """The district and group tables, for `{% table %}`, with the change column."""
        return {
            "district": estimate_table(
                self.by_district, _("District"), k, self.change_column, by="district"
            ),
            "group": estimate_table(self.by_group, _("Group"), k, self.change_column, by="group"),
        }


@dataclass(frozen=True)
class WaveResults:
    wave: Survey
    weighted_to: list[tuple[int, ...]]  # what the weights are calibrated to; [] unweighted
    baseline: Survey | None  # the wave the changes are measured from, if its results are read
    comparable: bool | None  # both waves weighted to the same margins; None: no change
    indicators: list[IndicatorResults]

    @property
    def respondents(self) -> int:
        """The most respondents any indicator counts (each indicator counts those who answered
        its questions). Not the wave's count of responses: that less an indicator's n would
        give the number left out, such as those the population margins weigh 0."""
        return max((item.total.n or 0 for item in self.indicators if item.total), default=0)

    def glance(self, k: int) -> dict[str, list[Any]]:
        """The table of everybody's estimate per indicator, with its change since the
        baseline, for `{% table %}`."""
        rows = [
            replace(item.total, label=item.indicator.name, key=item.indicator.code)
            for item in self.indicators
            if item.total is not None
        ]
        column = None
        if self.baseline is not None:
            changes = {
                item.indicator.code: item.total_change
                for item in self.indicators
                if item.total_change is not None
            }
            title = _("Change since %(wave)s") % {"wave": self.baseline.title}
            column = ChangeColumn(title, changes, {})
        return estimate_table(rows, _("Indicator"), k, column, by="district")


def wave_results(wave: Survey) -> WaveResults:
    """The results of `wave` as the public reads them once it is published (the caller
    decides who may open the page: `selectors.results_wave_for`); a fixed number of queries."""
    cells = list(results_estimates(wave))
    baseline, changes = results_changes(wave)
    indicators: dict[int, Indicator] = {}
    for cell in cells:
        indicators.setdefault(cell.indicator_id, cell.indicator)
    results = []
    for indicator in sorted(indicators.values(), key=lambda i: (i.position, i.code)):
        rows_district, rows_group = rows_by_district_and_group(
            [c for c in cells if c.indicator_id == indicator.pk]
        )
        own = [c for c in changes if c.indicator == indicator.code]
        by_district = {c.area or "": c for c in own if c.group is None}
        by_group = {c.group or "": c for c in own if c.area is None}
        column = None
        if baseline is not None:
            title = _("Change since %(wave)s") % {"wave": baseline.title}
            column = ChangeColumn(title, by_district, by_group)
        results.append(
            IndicatorResults(
                indicator=indicator,
                total=next((row for row in rows_district if not row.key), None),
                total_change=by_district.get(""),
                by_district=rows_district,
                by_group=rows_group,
                change_column=column,
            )
        )
    comparable = all(c.comparable for c in changes) if changes else None
    return WaveResults(wave, wave_calibration(wave), baseline, comparable, results)
