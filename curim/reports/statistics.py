"""The council's figures of citizen reports, computed from monthly counts: rates per 1,000
residents, rolling 12-month sums, and the change of the last 12 months against the 12 before,
with its Poisson z-score and exact binomial p-value. Pure computations, no database: the counts
come from `selectors.council_report_figures` (one GROUP BY). docs/council-evidence.md gives the
formulas and who may read each figure.
"""

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from scipy.stats import chi2

from curim.core.bilingual import in_current_language

# A row's place: a district's code, or one of these.
ALL = "all"  # every report: the whole municipality (and, as a group, every category group)
UNLOCATED = "unlocated"  # reports without a district: cyber threats reported without a place
RATE_PER = 1000  # rates are per 1,000 residents
ROLLING_MONTHS = 12
UNLOCATED_NAME = _("No district (reported without a place)")
ALL_DISTRICTS_NAME = _("All districts")


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_add(month: date, months: int) -> date:
    """The first day of the month `months` after (or, negative, before) `month`'s."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_from_to(first: date, last: date) -> list[date]:
    """The first days of the months from `first`'s to `last`'s, both included."""
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [month_add(month_start(first), n) for n in range(max(count, 0))]


def period_default(today: date) -> tuple[date, date]:
    """The last 12 complete months before `today`'s: a month still running would show a fall
    that is only the days not yet lived."""
    last = month_add(month_start(today), -1)
    return month_add(last, 1 - ROLLING_MONTHS), last


def months_to_fetch(first_month: date, last_month: date) -> tuple[date, date]:
    """The months whose counts the figures of a period need: 11 before its first (the rolling
    sum of its first month) and 23 before its last (the two 12-month windows of the change)."""
    earliest = min(month_add(first_month, 1 - ROLLING_MONTHS), month_add(last_month, -23))
    return earliest, last_month


def rate_per_1000(count: int, population: int | None) -> float | None:
    """Reports per 1,000 residents; None where the population is unknown (or zero)."""
    if not population:
        return None
    return count * RATE_PER / population


def rolling_sums(counts: Sequence[int], window: int = ROLLING_MONTHS) -> list[int | None]:
    """For each month, the sum of its count and those of the `window - 1` months before it;
    None while fewer than `window` months are known."""
    sums: list[int | None] = []
    running = 0
    for index, count in enumerate(counts):
        running += count
        if index >= window:
            running -= counts[index - window]
        sums.append(running if index >= window - 1 else None)
    return sums


# --- The change of the last 12 months against the 12 before ----------------------------------


@dataclass(frozen=True)
class PoissonChange:
    """Reports in the 12 months ending with the period's last month (`recent`, c2) against the
    12 months before them (`previous`, c1).

    Under the hypothesis that both windows have the same Poisson rate, and given their total
    n = c1 + c2, c2 is Binomial(n, 1/2): z = (c2 − c1) / √(c1 + c2) is its standardised
    distance from n/2, and `p_value` the exact two-sided binomial test. The windows have the
    same length and population, so comparing counts compares rates.
    """

    previous: int
    recent: int
    z: float | None  # None when both windows are empty
    p_value: float
    rate_ratio: float | None  # recent / previous; None when previous is 0

    @property
    def significant(self) -> bool:
        """At the 5% level, by the exact test."""
        return self.p_value < 0.05


def poisson_change(*, previous: int, recent: int) -> PoissonChange:
    total = previous + recent
    return PoissonChange(
        previous=previous,
        recent=recent,
        z=(recent - previous) / math.sqrt(total) if total else None,
        p_value=binomial_two_sided_p(previous, recent),
        rate_ratio=recent / previous if previous else None,
    )


def poisson_interval(count: int, level: float = 0.95) -> tuple[float, float]:
    """The exact (Garwood, 1936) interval of a Poisson mean from one observed count k, as R's
    `poisson.test(k)$conf.int` gives it: the lower bound is χ²(α/2; 2k) / 2, 0 when k is 0; the
    upper χ²(1 − α/2; 2k + 2) / 2, with α = 1 − level and χ²(p; ν) the p-quantile of the
    chi-squared distribution with ν degrees of freedom. Its coverage is at least `level`."""
    if count < 0 or not 0 < level < 1:
        raise ValueError("a count is at least 0, a level between 0 and 1")
    alpha = 1.0 - level
    low = 0.0 if count == 0 else float(chi2.ppf(alpha / 2, 2 * count)) / 2
    high = float(chi2.isf(alpha / 2, 2 * count + 2)) / 2
    return low, high


def binomial_two_sided_p(previous: int, recent: int) -> float:
    """The exact two-sided p-value of `recent` successes in n = previous + recent trials with
    probability 1/2: twice the smaller tail, P(X ≤ min(c1, c2)), at most 1 (for p = 1/2 this
    equals summing every outcome no likelier than the one seen, as R's binom.test does)."""
    n = previous + recent
    k = min(previous, recent)
    if n == 0 or 2 * k == n:
        return 1.0
    return min(1.0, 2.0 * _lower_tail_of_half_binomial(n, k))


def _lower_tail_of_half_binomial(n: int, k: int) -> float:
    """P(X ≤ k) for X ~ Binomial(n, 1/2) and k < n/2.

    From the largest term, P(X = k), down: C(n, i−1) = C(n, i) · i / (n − i + 1). The ratio
    falls as i does, so what is left after a term is at most term · r / (1 − r); the sum stops
    once that cannot change it.
    """
    term = _half_binomial_pmf(n, k)
    terms = [term]
    i = k
    while i > 0 and term > 0.0:
        ratio = i / (n - i + 1)
        term *= ratio
        i -= 1
        terms.append(term)
        if term * ratio / (1.0 - ratio) < 1e-17 * terms[0]:
            break
    return math.fsum(terms)


_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def _stirling_error(m: int) -> float:
    """log m! − (m log m − m + ½ log 2πm): Stirling's series from 16 on (its next term is
    below 2e-14 there), lgamma below, where the values are small and exact enough."""
    if m < 16:
        return math.lgamma(m + 1) - (m + 0.5) * math.log(m) + m - _HALF_LOG_2PI
    m2 = m * m
    return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / (1188 * m2)) / m2) / m2) / m2) / m


def _half_binomial_pmf(n: int, k: int) -> float:
    """C(n, k) / 2^n without forming either, for any n (Loader's saddle-point form, as R's
    dbinom computes it): log C(n, k) − n log 2 = s(n) − s(k) − s(n − k) − n·KL(k/n ‖ 1/2)
    + ½ log(n / (2π k (n − k))), with s the Stirling error and the divergence written with
    log1p, so that neither cancels away the digits that matter."""
    if k == 0:
        return math.ldexp(1.0, -n)
    d = (n - 2 * k) / n
    divergence = k * math.log1p(-d) + (n - k) * math.log1p(d)  # n·KL(k/n ‖ 1/2)
    log_pmf = (
        _stirling_error(n)
        - _stirling_error(k)
        - _stirling_error(n - k)
        - divergence
        + 0.5 * math.log(n / (k * (n - k)))
        - _HALF_LOG_2PI
    )
    return math.exp(log_pmf)


# --- The figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A row's place: a district, the reports with no district, or the whole municipality."""

    key: str  # a district's code, UNLOCATED or ALL
    name_en: str
    name_el: str
    population: int | None
    population_year: int | None

    @property
    def name(self) -> str:
        return in_current_language(self, "name")


def place_named(
    key: str, name: Promise, population: int | None = None, year: int | None = None
) -> Place:
    """A place that is no area (UNLOCATED, or ALL without a municipality), named in both
    languages from the catalogue."""
    with translation.override("en"):
        name_en = str(name)
    with translation.override("el"):
        name_el = str(name)
    return Place(key, name_en, name_el, population, year)


@dataclass(frozen=True)
class MonthFigure:
    month: date  # its first day
    count: int
    rate: float | None  # per 1,000 residents, in that month
    rolling_12: int  # this month and the 11 before
    rolling_12_rate: float | None  # per 1,000 residents: a yearly rate
    partial: bool  # the month had not ended when the figures were computed


@dataclass(frozen=True)
class ReportSeries:
    """One category group (or ALL) in one place, month by month over the period."""

    group: str
    place: Place
    months: tuple[MonthFigure, ...]
    count: int  # over the period
    rate: float | None  # over the period, per 1,000 residents
    change: PoissonChange


@dataclass(frozen=True)
class ReportFigures:
    """Reports per category group, place and month over a period, with the change of the
    period's last 12 months against the 12 before (`previous_months`, `recent_months`: the
    first and last month of each window)."""

    first_month: date
    last_month: date
    previous_months: tuple[date, date]
    recent_months: tuple[date, date]
    time_zone: str  # whose calendar months these are
    groups: tuple[str, ...]
    places: tuple[Place, ...]
    series: tuple[ReportSeries, ...]

    def series_of(self, group: str, place: str) -> ReportSeries | None:
        return next((s for s in self.series if s.group == group and s.place.key == place), None)


MonthlyCounts = Mapping[tuple[str, str, date], int]  # (group, district code or UNLOCATED, month)


def report_figures_build(
    *,
    counts: MonthlyCounts,
    groups: Sequence[str],
    districts: Sequence[Place],
    municipality: Place,
    first_month: date,
    last_month: date,
    today: date,
    time_zone: str,
) -> ReportFigures:
    """The figures from the monthly counts of every group and district (missing: 0), which
    must cover `months_to_fetch(first_month, last_month)`. The ALL place adds the districts and
    the reports without one; the ALL group adds the groups."""
    unlocated = place_named(UNLOCATED, UNLOCATED_NAME)
    places = (*districts, unlocated, municipality)
    fetched = months_from_to(*months_to_fetch(first_month, last_month))
    shown_from = fetched.index(first_month)
    previous_last = month_add(last_month, -ROLLING_MONTHS)
    series = []
    for group in (*groups, ALL):
        for place in places:
            monthly = [_count(counts, group, place.key, groups, districts, m) for m in fetched]
            rolling = rolling_sums(monthly)
            shown = [
                MonthFigure(
                    month=month,
                    count=monthly[index],
                    rate=rate_per_1000(monthly[index], place.population),
                    rolling_12=_known(rolling[index]),
                    rolling_12_rate=rate_per_1000(_known(rolling[index]), place.population),
                    partial=month_add(month, 1) > today,
                )
                for index, month in enumerate(fetched)
                if index >= shown_from
            ]
            total = sum(m.count for m in shown)
            series.append(
                ReportSeries(
                    group=group,
                    place=place,
                    months=tuple(shown),
                    count=total,
                    rate=rate_per_1000(total, place.population),
                    change=poisson_change(
                        previous=_known(rolling[fetched.index(previous_last)]),
                        recent=_known(rolling[-1]),
                    ),
                )
            )
    return ReportFigures(
        first_month=first_month,
        last_month=last_month,
        previous_months=(month_add(previous_last, 1 - ROLLING_MONTHS), previous_last),
        recent_months=(month_add(last_month, 1 - ROLLING_MONTHS), last_month),
        time_zone=time_zone,
        groups=(*groups, ALL),
        places=places,
        series=tuple(series),
    )


def _count(
    counts: MonthlyCounts,
    group: str,
    place: str,
    groups: Sequence[str],
    districts: Sequence[Place],
    month: date,
) -> int:
    group_keys = groups if group == ALL else (group,)
    place_keys = [*(d.key for d in districts), UNLOCATED] if place == ALL else [place]
    return sum(counts.get((g, p, month), 0) for g in group_keys for p in place_keys)


def _known(value: int | None) -> int:
    # The fetched months always reach 11 months before any month a figure needs.
    if value is None:
        raise ValueError("the counts do not cover the months the figures need")
    return value


# --- CSV ----------------------------------------------------------------------------------------


def _cell(value: float | int | None) -> float | int | str:
    return "" if value is None else value


def report_counts_csv_rows(figures: ReportFigures) -> Iterator[list[Any]]:
    """The monthly table, a header then one row per group, place and month."""
    yield [
        "group",
        "district",
        "district_name",
        "population",
        "population_year",
        "month",
        "reports",
        "rate_per_1000",
        "rolling_12_months",
        "rolling_12_months_rate_per_1000",
        "month_complete",
    ]
    for series in figures.series:
        place = series.place
        for month in series.months:
            yield [
                series.group,
                place.key,
                place.name,
                _cell(place.population),
                _cell(place.population_year),
                f"{month.month:%Y-%m}",
                month.count,
                _cell(month.rate),
                month.rolling_12,
                _cell(month.rolling_12_rate),
                "no" if month.partial else "yes",
            ]


def report_changes_csv_rows(figures: ReportFigures) -> Iterator[list[Any]]:
    """The change of the last 12 months against the 12 before, a header then one row per group
    and place."""
    yield [
        "group",
        "district",
        "district_name",
        "previous_from",
        "previous_to",
        "previous_reports",
        "recent_from",
        "recent_to",
        "recent_reports",
        "rate_ratio",
        "z",
        "p_value",
        "significant",
    ]
    (previous_from, previous_to), (recent_from, recent_to) = (
        figures.previous_months,
        figures.recent_months,
    )
    for series in figures.series:
        change = series.change
        yield [
            series.group,
            series.place.key,
            series.place.name,
            f"{previous_from:%Y-%m}",
            f"{previous_to:%Y-%m}",
            change.previous,
            f"{recent_from:%Y-%m}",
            f"{recent_to:%Y-%m}",
            change.recent,
            _cell(change.rate_ratio),
            _cell(change.z),
            change.p_value,
            "yes" if change.significant else "no",
        ]


# --- Places rated least safe at night ---------------------------------------------------------


@dataclass(frozen=True)
class NightPlace:
    """A public 50 m cell of place evaluations made for the night, with their mean ratings
    (1 poor … 5 good) and how many there are (never fewer than the map's minimum)."""

    longitude: float  # the cell's centre
    latitude: float
    district: Place | None
    ratings: int
    feeling: float
    lighting: float
    visibility: float
    people: float
    security: float
    walk_path: float


def night_places_csv_rows(places: Sequence[NightPlace]) -> Iterator[list[Any]]:
    """A header, then one row per place, least safe first."""
    yield [
        "rank",
        "longitude",
        "latitude",
        "district",
        "district_name",
        "ratings",
        "feeling",
        "lighting",
        "visibility",
        "people",
        "security",
        "walk_path",
    ]
    for rank, place in enumerate(places, start=1):
        yield [
            rank,
            place.longitude,
            place.latitude,
            place.district.key if place.district else "",
            place.district.name if place.district else "",
            place.ratings,
            place.feeling,
            place.lighting,
            place.visibility,
            place.people,
            place.security,
            place.walk_path,
        ]
