"""The council's figures of reports, recomputed here with pandas from the rows each test writes:
counts per group, district and Athens month, rates per 1,000 residents, rolling 12-month sums,
the change's z-score and exact p-value; which reports count and who reads them."""

import math
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import Any

import pandas as pd
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.areas.models import Area
from curim.reports.models import Category, CategoryGroup, CouncilMonthCount, Report
from curim.reports.selectors import (
    COUNCIL_FIGURE_READERS,
    _whole_municipality,
    council_report_figures,
)
from curim.reports.services.workflow import report_merge, report_transition
from curim.reports.statistics import (
    ALL,
    UNLOCATED,
    Place,
    ReportFigures,
    binomial_two_sided_p,
    month_add,
    period_default,
    poisson_change,
    report_changes_csv_rows,
    report_counts_csv_rows,
    rolling_sums,
)
from tests.factories import area_create, user_create, user_with_role
from tests.reports.conftest import connections_recorded

ZONE = "Europe/Athens"
# Statuses a moderator has accepted: restated here, not imported, so that the test is a second
# opinion on the selector's rule.
COUNTED = {"published", "forwarded", "resolved", "closed"}
NOT_COUNTED = ["submitted", "rejected", "spam"]
GROUPS = list(CategoryGroup.values)
# One category per group, and one that is never public (it still counts for the council).
CATEGORY_OF = {
    "incivility": "graffiti",
    "crime": "theft",
    "urban_risk": "poor-lighting",
    "cyber": "phishing",
}
PRIVATE = "sexual-harassment"
DISTRICTS = [f"piraeus-{n}" for n in range(1, 6)]

FIRST, LAST, TODAY = date(2025, 1, 1), date(2026, 6, 1), date(2026, 7, 15)


@pytest.fixture
def council_member(db: None) -> User:
    return user_with_role(Role.COUNCIL_MEMBER, email="member@example.org")


def _exact_p(previous: int, recent: int) -> float:
    """The two-sided binomial test with p = 1/2, by the definition: the probability, in exact
    fractions, of every outcome no likelier than the one seen."""
    n = previous + recent
    if n == 0:
        return 1.0
    seen = math.comb(n, recent)
    mass = sum(math.comb(n, i) for i in range(n + 1) if math.comb(n, i) <= seen)
    return min(1.0, float(Fraction(mass, 2**n)))


def _insert(rows: list[dict[str, Any]]) -> list[Report]:
    """Reports as they are stored, with the fields the figures read set by hand."""
    categories = {c.slug: c for c in Category.objects.all()}
    areas = {a.code: a for a in Area.objects.all()}
    reports = []
    for row in rows:
        area = areas[row["area"]] if row["area"] else None
        point = area.geometry.point_on_surface if area else None
        reports.append(
            Report(
                category=categories[row["category"]],
                description="For the council's figures",
                occurred_at=row["occurred_at"],
                severity=3,
                feeling_unsafe=3,
                status=row["status"],
                area=area,
                location=point,
                public_location=point,
                duplicate_of_id=row.get("duplicate_of"),
            )
        )
    return Report.objects.bulk_create(reports)


def _random_rows(rng: random.Random, count: int) -> list[dict[str, Any]]:
    start = datetime(2023, 11, 1, tzinfo=UTC)
    span = (datetime(2026, 8, 1, tzinfo=UTC) - start).total_seconds()
    statuses = ["published"] * 8 + ["forwarded", "resolved", "closed", *NOT_COUNTED]
    places = [*DISTRICTS, "piraeus-2-kaminia", None]
    rows = []
    for _ in range(count):
        group = rng.choice(GROUPS)
        category = PRIVATE if group == "crime" and rng.random() < 0.2 else CATEGORY_OF[group]
        rows.append(
            {
                "category": category,
                "occurred_at": start + timedelta(seconds=rng.uniform(0, span)),
                "status": rng.choice(statuses),
                "area": None if group == "cyber" and rng.random() < 0.6 else rng.choice(places),
            }
        )
    return rows


def _expected(rows: list[dict[str, Any]]) -> dict[str, pd.DataFrame]:
    """The figures computed with pandas from the raw rows: counts, rates, rolling sums per
    (group, place) × month, over every month from the first row's to LAST."""
    groups = {slug: group for group, slug in CATEGORY_OF.items()} | {PRIVATE: "crime"}
    frame = pd.DataFrame(rows)
    frame = frame[frame["status"].isin(COUNTED) & frame["duplicate_of"].isna()].copy()
    frame["group"] = frame["category"].map(groups)
    # A neighbourhood's reports count in its district.
    frame["place"] = frame["area"].fillna(UNLOCATED).str.removesuffix("-kaminia")
    local = pd.to_datetime(frame["occurred_at"], utc=True).dt.tz_convert(ZONE)
    frame["month"] = local.dt.tz_localize(None).dt.to_period("M")
    every = pd.concat(
        [
            frame,
            frame.assign(group=ALL),
            frame.assign(place=ALL),
            frame.assign(group=ALL, place=ALL),
        ]
    )
    months = pd.period_range("2023-11", f"{LAST:%Y-%m}", freq="M")
    index = pd.MultiIndex.from_product([[*GROUPS, ALL], [*DISTRICTS, UNLOCATED, ALL]])
    counts = (
        every.groupby(["group", "place", "month"])
        .size()
        .unstack("month")
        .reindex(index=index, columns=months, fill_value=0)
        .fillna(0)
        .astype(int)
    )
    rolling = counts.T.rolling(12).sum().T
    populations = pd.Series(
        {
            code: population
            for code, population in Area.objects.values_list("code", "population")
            if population
        }
    ).rename({"piraeus": ALL})
    per_place = pd.Series(index.get_level_values(1), index=index).map(populations)
    return {
        "counts": counts,
        "rolling": rolling,
        "rate": counts.mul(1000).div(per_place, axis=0),
        "rolling_rate": rolling.mul(1000).div(per_place, axis=0),
    }


@pytest.fixture
def neighbourhood(piraeus: None) -> Area:
    """A neighbourhood of the 2nd district: its reports count in the district."""
    district = Area.objects.get(code="piraeus-2")
    return area_create(
        code="piraeus-2-kaminia",
        level=Area.Level.NEIGHBOURHOOD,
        parent=district,
        geometry=district.geometry,
    )


@pytest.fixture
def dataset(neighbourhood: Area, moderator: User) -> list[dict[str, Any]]:
    Area.objects.filter(code="piraeus-5").update(population=None, population_year=None)
    rng = random.Random(13)  # noqa: S311 - a repeatable sequence, not a secret
    rows = _random_rows(rng, 600)
    inserted = _insert(rows)
    # Duplicates merged into a counted report: closed, pointing at it, never counted twice.
    original = next(r for r, row in zip(inserted, rows, strict=True) if row["status"] in COUNTED)
    copies = [dict(row) for row in rng.sample(rows, 40)]
    for row in copies:
        row["status"], row["duplicate_of"] = "closed", original.pk
    _insert(copies)
    for row in rows:
        row.setdefault("duplicate_of", None)
    return rows + copies


def _cell(frame: pd.DataFrame, key: tuple[str, str], month: str) -> float:
    """A (group, place) × month cell of an expected table (NaN: no population)."""
    return float(frame.loc[key, pd.Period(month, freq="M")])  # type: ignore[index,arg-type]


def _figures(user: User, **period: date) -> ReportFigures:
    return council_report_figures(
        user,
        first_month=period.get("first_month", FIRST),
        last_month=period.get("last_month", LAST),
        today=period.get("today", TODAY),
    )


def test_every_figure_matches_pandas_from_the_raw_rows(
    dataset: list[dict[str, Any]], council_member: User
) -> None:
    expected = _expected(dataset)
    figures = _figures(council_member)
    assert [p.key for p in figures.places] == [*DISTRICTS, UNLOCATED, ALL]
    assert figures.groups == (*GROUPS, ALL)
    assert len(figures.series) == 5 * 7
    shown = pd.period_range(f"{FIRST:%Y-%m}", f"{LAST:%Y-%m}", freq="M")
    for series in figures.series:
        key = (series.group, series.place.key)
        assert [f"{m.month:%Y-%m}" for m in series.months] == [str(p) for p in shown]
        for month in series.months:
            period = f"{month.month:%Y-%m}"
            assert month.count == _cell(expected["counts"], key, period)
            assert month.rolling_12 == _cell(expected["rolling"], key, period)
            for got, column in ((month.rate, "rate"), (month.rolling_12_rate, "rolling_rate")):
                want = _cell(expected[column], key, period)
                if math.isnan(want):
                    assert got is None, (key, period)
                else:
                    assert got == pytest.approx(want, abs=1e-9), (key, period)
            assert not month.partial
        assert series.count == expected["counts"].loc[key, shown].sum()
        c1 = int(_cell(expected["rolling"], key, "2025-06"))
        c2 = int(_cell(expected["rolling"], key, "2026-06"))
        change = series.change
        assert (change.previous, change.recent) == (c1, c2)
        assert change.z == pytest.approx((c2 - c1) / math.sqrt(c1 + c2), abs=1e-9)
        assert change.p_value == pytest.approx(_exact_p(c1, c2), rel=1e-9, abs=1e-300)
        assert change.rate_ratio == (pytest.approx(c2 / c1, abs=1e-9) if c1 else None)
    assert figures.previous_months == (date(2024, 7, 1), date(2025, 6, 1))
    assert figures.recent_months == (date(2025, 7, 1), date(2026, 6, 1))
    # The data are not empty, not all in one place, and a district's population was removed.
    total = figures.series_of(ALL, ALL)
    assert total is not None
    assert total.count > 200
    assert total.place.population == 168_151
    assert figures.series_of("cyber", UNLOCATED).count > 0
    unlocated = figures.places[-2]
    assert (unlocated.name_en, unlocated.name_el) == (
        "No district (reported without a place)",
        "Χωρίς δημοτική κοινότητα (αναφορά χωρίς τοποθεσία)",
    )
    assert figures.places[-1].name_el == "Πειραιάς"
    unknown = figures.series_of("crime", "piraeus-5")
    assert unknown.count > 0
    assert unknown.rate is None
    assert unknown.months[0].rate is None


def test_the_monthly_csv_has_a_row_per_group_place_and_month(
    dataset: list[dict[str, Any]], council_member: User
) -> None:
    figures = _figures(council_member)
    header, *rows = list(report_counts_csv_rows(figures))
    assert header[:3] == ["group", "district", "district_name"]
    assert len(rows) == 5 * 7 * 18
    by_key = {(row[0], row[1], row[5]): dict(zip(header, row, strict=True)) for row in rows}
    series = figures.series_of("incivility", "piraeus-1")
    month = series.months[-1]
    row = by_key[("incivility", "piraeus-1", "2026-06")]
    assert row["reports"] == month.count
    assert row["rate_per_1000"] == month.rate
    assert row["rolling_12_months"] == month.rolling_12
    assert row["population"] == 40_500
    assert by_key[("crime", "piraeus-5", "2026-06")]["rate_per_1000"] == ""
    header, *changes = list(report_changes_csv_rows(figures))
    assert len(changes) == 5 * 7
    change = dict(zip(header, changes[0], strict=True))
    assert (change["previous_from"], change["recent_to"]) == ("2024-07", "2026-06")
    assert change["z"] == figures.series[0].change.z


def test_a_report_late_on_the_last_day_of_a_month_in_utc_counts_in_athens_next_month(
    piraeus: None, council_member: User
) -> None:
    at = {
        # 23:30 UTC on 31 March 2025 is 02:30 on 1 April in Athens (summer time, UTC+3).
        "april": datetime(2025, 3, 31, 23, 30, tzinfo=UTC),
        # 22:30 UTC on 31 January is 00:30 on 1 February (winter time, UTC+2)...
        "february": datetime(2025, 1, 31, 22, 30, tzinfo=UTC),
        # ... and 21:30 UTC is still 23:30 on 31 January.
        "january": datetime(2025, 1, 31, 21, 30, tzinfo=UTC),
    }
    _insert(
        [
            {"category": "graffiti", "occurred_at": when, "status": "published", "area": None}
            for when in at.values()
        ]
    )
    figures = _figures(council_member, first_month=date(2025, 1, 1), last_month=date(2025, 4, 1))
    months = figures.series_of("incivility", UNLOCATED).months
    assert [(m.month, m.count) for m in months] == [
        (date(2025, 1, 1), 1),
        (date(2025, 2, 1), 1),
        (date(2025, 3, 1), 0),
        (date(2025, 4, 1), 1),
    ]
    assert figures.time_zone == ZONE


def test_only_reports_a_moderator_accepted_count_and_duplicates_count_once(
    piraeus: None, council_member: User, moderator: User, make_report: Callable[..., Report]
) -> None:
    when = datetime(2026, 5, 10, 9, tzinfo=UTC)
    counted = [
        make_report(occurred_at=when),
        make_report(occurred_at=when, status="forwarded"),
        make_report(category=PRIVATE, occurred_at=when, status="forwarded"),
    ]
    for then in ("resolved", "closed"):
        report = make_report(occurred_at=when)
        report_transition(report=report, to_status=then, actor=moderator)
        counted.append(report)
    for status in NOT_COUNTED:
        make_report(occurred_at=when, status=status)
    make_report(occurred_at=when, status="rejected")
    report_merge(report=make_report(occurred_at=when), into=counted[0], actor=moderator)
    assert Report.objects.count() == 10
    figures = _figures(council_member, first_month=date(2026, 5, 1), last_month=date(2026, 5, 1))
    assert figures.series_of("incivility", "piraeus-1").count == 4
    assert figures.series_of("crime", ALL).count == 1  # never public, still counted
    assert figures.series_of(ALL, ALL).count == len(counted)


def test_the_last_month_still_running_is_marked_partial(
    piraeus: None, council_member: User
) -> None:
    figures = _figures(council_member, first_month=date(2026, 6, 1), last_month=date(2026, 7, 1))
    assert [m.partial for m in figures.series[0].months] == [False, True]
    assert period_default(TODAY) == (date(2025, 7, 1), date(2026, 6, 1))


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2026, 6, 2), date(2026, 7, 1)),
        (date(2026, 7, 1), date(2026, 6, 1)),
        (date(2006, 1, 1), date(2026, 6, 1)),
    ],
    ids=["not-a-month-start", "backwards", "longer-than-ten-years"],
)
def test_a_period_that_is_not_whole_months_is_refused(
    council_member: User, first: date, last: date
) -> None:
    with pytest.raises(ValueError, match="whole months"):
        _figures(council_member, first_month=first, last_month=last)


def test_the_number_of_queries_does_not_grow_with_reports_or_districts(
    neighbourhood: Area, council_member: User
) -> None:
    def queries() -> int:
        user = User.objects.get(pk=council_member.pk)  # no cached roles
        with CaptureQueriesContext(connection) as captured:
            _figures(user)
        return len(captured)

    rng = random.Random(7)  # noqa: S311 - a repeatable sequence, not a secret
    municipality = Area.objects.get(code="piraeus")
    _insert(_random_rows(rng, 20))
    few = queries()
    for n in range(6, 12):
        area_create(code=f"piraeus-{n}", level=Area.Level.DISTRICT, parent=municipality)
    rows = _random_rows(rng, 300)
    for row in rows[::3]:
        row["area"] = "piraeus-9"
    _insert(rows)
    assert queries() == few
    assert few <= 3  # the user's roles, the counts, the areas


@pytest.mark.parametrize(
    "who",
    [
        "anonymous",
        "no role",
        "superuser without a role",
        *(r for r in Role if r not in COUNCIL_FIGURE_READERS),
    ],
)
def test_who_may_not_read_the_figures_gets_nothing(dataset: list[dict[str, Any]], who: str) -> None:
    user: User | AnonymousUser
    if who == "anonymous":
        user = AnonymousUser()
    elif who == "no role":
        user = user_create()
    elif who == "superuser without a role":
        user = user_create(is_superuser=True, is_staff=True)
    else:
        user = user_with_role(Role(who))
    figures = council_report_figures(user, first_month=FIRST, last_month=LAST, today=TODAY)
    assert figures.series == ()
    assert figures.places == ()
    assert list(report_counts_csv_rows(figures))[1:] == []


@pytest.mark.parametrize("role", COUNCIL_FIGURE_READERS)
def test_the_council_analysts_and_admins_read_the_figures(
    dataset: list[dict[str, Any]], role: Role
) -> None:
    figures = _figures(user_with_role(role))
    assert figures.series_of(ALL, ALL).count > 0


# --- The statistics alone -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "recent"),
    [(0, 0), (0, 1), (1, 0), (5, 5), (10, 20), (20, 10), (3, 17), (0, 40), (120, 95), (500, 430)],
)
def test_the_change_is_the_poisson_z_and_the_exact_binomial_test(
    previous: int, recent: int
) -> None:
    change = poisson_change(previous=previous, recent=recent)
    total = previous + recent
    if total:
        assert change.z == pytest.approx((recent - previous) / math.sqrt(total), abs=1e-12)
    else:
        assert change.z is None
    assert change.p_value == pytest.approx(_exact_p(previous, recent), rel=1e-9, abs=1e-300)
    assert change.significant == (change.p_value < 0.05)


def test_the_binomial_test_stays_exact_for_large_counts() -> None:
    for previous, recent in [(15_000, 15_300), (15_000, 16_500), (24_000, 25_999), (7, 30_000)]:
        n, k = previous + recent, min(previous, recent)
        tail, term = 0, 1  # exact integers: Σ C(n, i) for i ≤ k
        for i in range(k + 1):
            tail += term
            term = term * (n - i) // (i + 1)
        exact = min(1.0, float(Fraction(2 * tail, 2**n)))
        assert binomial_two_sided_p(previous, recent) == pytest.approx(exact, rel=1e-9)


def test_rolling_sums_wait_for_twelve_months() -> None:
    counts = list(range(1, 16))
    sums = rolling_sums(counts)
    assert sums[:11] == [None] * 11
    assert sums[11:] == [sum(counts[i - 11 : i + 1]) for i in range(11, 15)]


def test_month_arithmetic_crosses_years() -> None:
    assert month_add(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert month_add(date(2025, 12, 1), 13) == date(2027, 1, 1)
    assert month_add(date(2026, 6, 1), -23) == date(2024, 7, 1)


def test_the_counts_are_read_from_the_monthly_counts_not_the_reports(
    council_member: User,
) -> None:
    # Migration reports/0021 keeps the counts by month as the reports change; the dashboard
    # reads them there, never counting the reports themselves (docs/performance.md, "The
    # council's monthly counts").
    with CaptureQueriesContext(connection) as captured:
        _figures(council_member)
    reads = [q["sql"] for q in captured]
    assert any(CouncilMonthCount._meta.db_table in sql for sql in reads), reads
    assert not any(Report._meta.db_table in sql for sql in reads), reads


def test_a_report_placed_in_the_whole_municipality_has_no_district(
    piraeus: None, council_member: User
) -> None:
    # Only a district's or a neighbourhood's reports have a district; one whose stored area is
    # of another level (the municipality) counts as unlocated, and in the whole municipality.
    when = datetime(2026, 5, 10, 9, tzinfo=UTC)
    _insert(
        [
            {"category": "graffiti", "occurred_at": when, "status": "published", "area": area}
            for area in ("piraeus", "piraeus-3", None)
        ]
    )
    figures = _figures(council_member, first_month=date(2026, 5, 1), last_month=date(2026, 5, 1))
    assert figures.series_of("incivility", UNLOCATED).count == 2
    assert figures.series_of("incivility", "piraeus-3").count == 1
    assert figures.series_of("incivility", ALL).count == 3


def test_the_counts_are_read_where_the_queryset_is_routed(
    piraeus: None, council_member: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The dashboard's reads go to the replica (curim/core/replica.py): the hand-written
    # statement must follow the queryset's routing, as the ORM's own queries do.
    from django.db import router

    from curim.reports import selectors

    _insert(
        [
            {
                "category": "graffiti",
                "occurred_at": datetime(2026, 5, 10, 9, tzinfo=UTC),
                "status": "published",
                "area": "piraeus-3",
            }
        ]
    )
    routed = router.db_for_read

    def replica_for_reports(model: type[Any], **hints: Any) -> str | None:
        return "replica" if model is CouncilMonthCount else routed(model, **hints)

    monkeypatch.setattr(router, "db_for_read", replica_for_reports)
    asked = connections_recorded(monkeypatch, selectors)
    figures = _figures(council_member, first_month=date(2026, 5, 1), last_month=date(2026, 5, 1))
    assert asked == ["replica"]
    assert figures.series_of("incivility", "piraeus-3").count == 1


def test_the_whole_municipality_is_its_one_municipality_or_all_of_them_together() -> None:
    piraeus = Place("piraeus", "Piraeus", "Πειραιάς", 168_151, 2021)
    assert _whole_municipality([piraeus]) == Place(ALL, "Piraeus", "Πειραιάς", 168_151, 2021)
    keratsini = Place("keratsini", "Keratsini", "Κερατσίνι", 91_045, 2021)
    both = _whole_municipality([piraeus, keratsini])
    assert (both.key, both.name_en, both.name_el, both.population, both.population_year) == (
        ALL,
        "All districts",
        "Όλες οι δημοτικές κοινότητες",
        168_151 + 91_045,
        None,
    )
    # A population is summed only when every municipality's is known; none, none known.
    unknown = Place("perama", "Perama", "Πέραμα", None, None)
    assert _whole_municipality([piraeus, unknown]).population is None
    assert _whole_municipality([]) == Place(
        ALL, "All districts", "Όλες οι δημοτικές κοινότητες", None, None
    )


def test_the_figures_name_their_period_places_and_zone_for_every_reader(
    dataset: list[dict[str, Any]], council_member: User
) -> None:
    # The periods the change compares (the 12 months before the last 12, and the last 12), the
    # period itself and its time zone, whoever reads: the page prints them even when empty.
    from django.conf import settings

    expected = (
        FIRST,
        LAST,
        (date(2024, 7, 1), date(2025, 6, 1)),
        (date(2025, 7, 1), date(2026, 6, 1)),
        settings.TIME_ZONE,
    )
    for user in (AnonymousUser(), council_member):
        figures = council_report_figures(user, first_month=FIRST, last_month=LAST, today=TODAY)
        period = (
            figures.first_month,
            figures.last_month,
            figures.previous_months,
            figures.recent_months,
            figures.time_zone,
        )
        assert period == expected
    assert council_report_figures(AnonymousUser(), first_month=FIRST, last_month=LAST).groups == ()
    # Each district with its names and its population's year, as the areas hold them.
    places = {
        p.key: (p.name_en, p.name_el, p.population, p.population_year) for p in figures.places
    }
    for area in Area.objects.filter(level=Area.Level.DISTRICT):
        assert places[area.code] == (
            area.name_en,
            area.name_el,
            area.population,
            area.population_year,
        )
    assert any(year is not None for *_, year in places.values())
    # The longest period is ten years to the month; a month more is refused.
    longest = council_report_figures(
        council_member, first_month=date(2016, 7, 1), last_month=LAST, today=TODAY
    )
    assert longest.first_month == date(2016, 7, 1)
    with pytest.raises(ValueError, match="1 to 120 whole months"):
        council_report_figures(council_member, first_month=date(2016, 6, 1), last_month=LAST)
