"""The evaluation's data: the counts panel of one SQL GROUP BY equals a recount in pandas of the
same reports (areas for a social intervention; the treated zone, the displacement ring, its
control and the control areas for a spatial one), windows of equal length, and the suggested
comparison areas (the closest counts before)."""

from datetime import date, timedelta

import pandas as pd
import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.utils import timezone

from curim.analytics.models import Sources
from curim.areas.models import Area
from curim.reports.models import Category, Report, ReportStatus
from interventions.evaluation_data import (
    CountsPanel,
    PanelRequest,
    Windows,
    comparison_suggest,
    counts_panel,
)
from interventions.services.evaluations import parameters_clean
from tests.interventions.evaluation_world import (
    at,
    intervention_make,
    playground_design,
    reports_scatter,
)

WINDOWS = Windows(date(2024, 7, 1), date(2024, 12, 31), date(2025, 2, 1), date(2025, 8, 3), 6)


def _district(code: str) -> Area:
    return Area.objects.get(code=code)


Cells = dict[tuple[str, str, int], int]


def _recount(zones: dict[str, GEOSGeometry], categories: set[int], windows: Windows) -> Cells:
    """The same counts in pandas: each counted report's zone (by GEOS, in EPSG:2100), window
    and period."""
    rows = []
    for report in Report.objects.filter(
        status=ReportStatus.PUBLISHED, duplicate_of__isnull=True, category_id__in=categories
    ):
        point = report.location.transform(2100, clone=True)
        for key, geometry in zones.items():
            if geometry.covers(point):
                rows.append({"zone": key, "t": report.occurred_at})
    frame = pd.DataFrame(rows, columns=["zone", "t"])
    found: Cells = {}
    for name in ("before", "after"):
        start, end = windows.bounds(name)
        inside = frame[(frame.t >= start) & (frame.t < end)].copy()
        # Periods of whole local days: day d of the window's D is in period ⌊d·P/D⌋.
        local_day = inside.t.dt.tz_convert(start.tzinfo).dt.tz_localize(None).dt.normalize()
        days = (local_day - pd.Timestamp(start.date())).dt.days
        inside["period"] = days * windows.periods // windows.days
        sizes = inside.groupby(["zone", "period"]).size()
        for (key, cell), n in zip(sizes.index, sizes.to_numpy(), strict=True):
            found[(str(key), name, int(cell))] = int(n)
    return found


def _cells(panel: CountsPanel) -> Cells:
    return {key: n for key, n in panel.counts.items() if n}


@pytest.mark.django_db
def test_the_counts_of_a_social_intervention_are_a_recount_of_the_same_reports(
    piraeus: None,
) -> None:
    intervention = intervention_make(area_code="piraeus-2", categories=("graffiti",))
    for k, code in enumerate(["piraeus-1", "piraeus-2", "piraeus-3"]):
        within = _district(code).geometry
        reports_scatter(
            within=within, count=60, start=date(2024, 5, 1), end=date(2025, 9, 30), seed=k
        )
        # Not counted: another category, and reports a moderator has not accepted.
        reports_scatter(
            within=within,
            count=5,
            start=date(2024, 8, 1),
            end=date(2025, 3, 1),
            category="littering",
            seed=10 + k,
        )
        reports_scatter(
            within=within,
            count=5,
            start=date(2024, 8, 1),
            end=date(2025, 3, 1),
            seed=20 + k,
            status=ReportStatus.SUBMITTED,
        )
    # Reports either side of a period's first day (day 31 of 184, period 1 of 6), late in the
    # day before (a cut at exact times, 30⅔ days, put 20:00 in period 1), and late on the day
    # before period 4 (1 November), after the clocks went back: 123 days and half an hour have
    # passed since the window began, but its local day is the 122nd: each in its day's period.
    for moment in (
        at(date(2024, 7, 31), 20),
        at(date(2024, 7, 31), 23) + timedelta(minutes=59),
        at(date(2024, 8, 1), 0) + timedelta(minutes=30),
        at(date(2024, 10, 31), 23) + timedelta(minutes=30),
    ):
        place = _district("piraeus-2").geometry.point_on_surface
        Report.objects.create(
            category=Category.objects.get(slug="graffiti"),
            description="On a period's edge",
            occurred_at=moment,
            location=place,
            public_location=place,
            area=_district("piraeus-2"),
            severity=3,
            feeling_unsafe=3,
            status=ReportStatus.PUBLISHED,
            published_at=timezone.now(),
        )
    graffiti = Category.objects.get(slug="graffiti").pk
    panel = counts_panel(
        PanelRequest(
            intervention=intervention,
            windows=WINDOWS,
            sources=Sources.REPORTS,
            category_ids=(graffiti,),
            comparison_ids=(_district("piraeus-1").pk, _district("piraeus-3").pk),
        )
    )
    zones = {
        "treated": _district("piraeus-2").geometry.transform(2100, clone=True),
        "control:piraeus-1": _district("piraeus-1").geometry.transform(2100, clone=True),
        "control:piraeus-3": _district("piraeus-3").geometry.transform(2100, clone=True),
    }
    expected = _recount(zones, {graffiti}, WINDOWS)
    assert _cells(panel) == expected
    assert sum(expected.values()) > 100  # the windows hold most of the reports
    assert [zone.key for zone in panel.zones] == list(zones)
    # Every category: more counted.
    everything = counts_panel(
        PanelRequest(
            intervention=intervention,
            windows=WINDOWS,
            sources=Sources.REPORTS,
            category_ids=(),
            comparison_ids=(_district("piraeus-1").pk,),
        )
    )
    assert everything.count("treated", "before") > panel.count("treated", "before")


@pytest.mark.django_db
def test_the_zones_of_a_spatial_intervention_are_counted_as_geos_draws_them(
    piraeus: None,
) -> None:
    request, zones = playground_design(WINDOWS)
    district = _district("piraeus-4")
    near = zones["treated"].buffer(300).buffer(200).transform(4326, clone=True)
    # Dense near the playground (treated zone and ring), thinner over the district and the
    # control district.
    reports_scatter(within=near, count=150, start=date(2024, 5, 1), end=date(2025, 9, 30), seed=1)
    reports_scatter(
        within=district.geometry, count=80, start=date(2024, 5, 1), end=date(2025, 9, 30), seed=2
    )
    control = _district("piraeus-5")
    reports_scatter(
        within=control.geometry, count=80, start=date(2024, 5, 1), end=date(2025, 9, 30), seed=3
    )
    panel = counts_panel(request)
    categories = set(Category.objects.values_list("pk", flat=True))
    expected = _recount(zones, categories, WINDOWS)
    assert _cells(panel) == expected
    for key in zones:
        assert panel.count(key, "before") > 0, key
    # The zones do not overlap: each report is in one zone at most.
    assert sum(panel.counts.values()) <= Report.objects.count()


@pytest.mark.django_db
def test_the_suggested_comparison_areas_are_those_closest_in_counts_before(
    piraeus: None,
) -> None:
    intervention = intervention_make(area_code="piraeus-2")
    before = (WINDOWS.before_start, WINDOWS.before_end)
    for seed, (code, n) in enumerate(
        [
            ("piraeus-2", 20),
            ("piraeus-1", 2),
            ("piraeus-3", 18),
            ("piraeus-4", 26),
            ("piraeus-5", 80),
        ]
    ):
        reports_scatter(
            within=_district(code).geometry, count=n, start=before[0], end=before[1], seed=seed
        )
    # After the window before: not counted for the suggestion.
    reports_scatter(
        within=_district("piraeus-1").geometry,
        count=30,
        start=date(2025, 2, 1),
        end=date(2025, 3, 1),
    )
    pk = {area.code: area.pk for area in Area.objects.all()}
    two = comparison_suggest(
        intervention=intervention, windows=WINDOWS, sources=Sources.REPORTS, category_ids=(), k=2
    )
    assert two.own_count == 20
    assert two.area_ids == (pk["piraeus-3"], pk["piraeus-4"])
    every = comparison_suggest(
        intervention=intervention, windows=WINDOWS, sources=Sources.REPORTS, category_ids=()
    )
    assert every.area_ids == (pk["piraeus-3"], pk["piraeus-4"], pk["piraeus-5"], pk["piraeus-1"])
    assert every.counts[pk["piraeus-1"]] == 2
    assert pk["piraeus-2"] not in every.area_ids


def _params(**overrides: object) -> dict[str, object]:
    return {
        "before_start": "2024-07-01",
        "before_end": "2024-12-31",
        "after_start": "2025-02-01",
        "after_end": "2025-08-03",
        "periods": 6,
        "sources": "reports",
        **overrides,
    }


@pytest.mark.django_db
def test_the_windows_are_of_equal_length_in_the_past_and_the_rest_within_bounds() -> None:
    today = date(2026, 1, 1)
    cleaned = parameters_clean(_params(), spatial=False, today=today)
    assert cleaned.windows.days == 184
    assert cleaned.windows.bounds("after")[1] - cleaned.windows.bounds("after")[0] >= timedelta(
        days=184
    ) - timedelta(hours=1)
    cases = {
        "after_end": _params(after_end="2025-08-04"),  # one day longer
        "after_start": _params(after_start="2024-12-15", after_end="2025-06-16"),  # overlapping
        "before_end": _params(before_end="2024-06-01"),  # ends before it starts
        "periods": _params(periods=40),
        "sources": _params(sources="rumours"),
        "buffer_m": _params(buffer_m=5),
        "ring_m": _params(ring_m="wide"),
        "category_ids": _params(category_ids=[999_999]),
        "before_start": _params(before_start="1st of July"),
    }
    for field, raw in cases.items():
        with pytest.raises(ValidationError) as caught:
            parameters_clean(raw, spatial=True, today=today)
        assert field in caught.value.message_dict, (field, caught.value.message_dict)
    # Not in the future: the window after ends before today.
    with pytest.raises(ValidationError) as caught:
        parameters_clean(_params(), spatial=False, today=date(2025, 8, 3))
    assert "after_end" in caught.value.message_dict
