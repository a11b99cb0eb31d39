"""Wave-on-wave change: recomputed with pandas from the stored estimates of both waves, only
where both cells are shown, in the API, the CSV and the dashboard."""

import csv
import io
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from curim.accounts.roles import Role
from surveys.changes import series_baseline, wave_pairs
from surveys.margins import MarginLine
from surveys.models import IndicatorEstimate
from surveys.services.margins import margins_clear, margins_replace
from surveys.services.refresh import estimates_refresh
from tests.factories import user_with_role
from tests.surveys.generate import GENDERS, Wave, build_wave

Z = NormalDist().inv_cdf(0.975)  # 1.959964...
FIELDS = [
    "survey_from",
    "survey_to",
    "indicator",
    "area",
    "group",
    "change",
    "std_error",
    "ci_low",
    "ci_high",
    "significant",
]
URL = "/api/v1/indicators/changes/"


def rake_to_districts_and_gender(wave: Wave) -> None:
    lines = [
        MarginLine(area=d, gender="", age_band="", population=p)
        for d, p in zip(wave.districts, (30_000, 25_000, 5_000), strict=True)
    ] + [
        MarginLine(area=None, gender=g, age_band="", population=p)
        for g, p in zip(GENDERS[:2], (31_000, 29_000), strict=True)
    ]
    margins_replace(survey=wave.survey, lines=lines)


@pytest.fixture
def waves(db: None) -> tuple[Wave, Wave]:
    baseline = build_wave(seed=51, n=500)
    later = build_wave(
        seed=52, n=500, districts=baseline.districts, follows=baseline.survey, lift=0.5
    )
    for wave in (baseline, later):
        rake_to_districts_and_gender(wave)
        estimates_refresh(survey=wave.survey)
    return baseline, later


@pytest.fixture
def council(client: Client) -> Client:
    client.force_login(user_with_role(Role.COUNCIL_MEMBER))
    return client


def every_change(client: Client, query: str = "") -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    url: str | None = URL + query
    while url:
        page = client.get(url)
        assert page.status_code == 200, page.content
        rows += page.json()["results"]
        url = page.json()["next"]
    return rows


def stored(wave: Wave) -> pd.DataFrame:
    """The stored estimates of a wave, keyed as the API keys them (None for all)."""
    rows = IndicatorEstimate.objects.filter(survey=wave.survey).values(
        "indicator__code",
        "area__code",
        "group",
        "suppressed",
        "estimate",
        "std_error",
        "ci_low",
        "ci_high",
    )
    frame = pd.DataFrame(list(rows)).rename(
        columns={"indicator__code": "indicator", "area__code": "area"}
    )
    frame["area"] = frame["area"].fillna("all")
    frame["group"] = frame["group"].replace("", "all")
    return frame


def reference(before: Wave, after: Wave) -> pd.DataFrame:
    """The changes, independently: both waves' stored estimates joined on the cell."""
    both = stored(before).merge(
        stored(after), on=["indicator", "area", "group"], suffixes=("_from", "_to")
    )
    both = both[~both["suppressed_from"] & ~both["suppressed_to"]].copy()
    both["change"] = both["estimate_to"] - both["estimate_from"]
    both["std_error"] = np.sqrt(both["std_error_from"] ** 2 + both["std_error_to"] ** 2)
    both["ci_low"] = both["change"] - Z * both["std_error"]
    both["ci_high"] = both["change"] + Z * both["std_error"]
    both["significant"] = (both["ci_low"] > 0) | (both["ci_high"] < 0)
    return both.set_index(["indicator", "area", "group"]).sort_index()


def keyed(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame["area"] = frame["area"].fillna("all")
    frame["group"] = frame["group"].fillna("all")
    return frame.set_index(["indicator", "area", "group"]).sort_index()


@pytest.mark.django_db
def test_the_changes_match_an_independent_recomputation(
    waves: tuple[Wave, Wave], council: Client
) -> None:
    baseline, later = waves
    ours = keyed(every_change(council))
    theirs = reference(baseline, later)
    assert list(ours.index) == list(theirs.index)
    assert (ours["survey_from"] == baseline.survey.code).all()
    assert (ours["survey_to"] == later.survey.code).all()
    for column in ("change", "std_error", "ci_low", "ci_high"):
        assert np.abs(ours[column] - theirs[column]).max() <= 1e-9, column
    assert (ours["significant"] == theirs["significant"]).all()
    # Both kinds occur, and some significant changes would be missed by looking for two
    # waves' intervals that do not overlap.
    assert ours["significant"].any()
    assert not ours["significant"].all()
    overlap = (theirs["ci_low_to"] <= theirs["ci_high_from"]) & (
        theirs["ci_low_from"] <= theirs["ci_high_to"]
    )
    assert (ours["significant"] & overlap).any()
    assert ours["comparable"].all()  # both raked to districts and gender


@pytest.mark.django_db
def test_a_change_is_published_only_where_both_cells_are_shown(
    waves: tuple[Wave, Wave], council: Client
) -> None:
    baseline, later = waves
    ours = set(keyed(every_change(council)).index)
    both = stored(baseline).merge(stored(later), on=["indicator", "area", "group"])
    hidden = both[both["suppressed_x"] | both["suppressed_y"]]
    assert len(hidden)  # the small district's cells
    for cell in hidden[["indicator", "area", "group"]].itertuples(index=False):
        assert tuple(cell) not in ours
    shown = both[~both["suppressed_x"] & ~both["suppressed_y"]]
    assert len(ours) == len(shown)


@pytest.mark.django_db
def test_the_rows_keep_the_contract(waves: tuple[Wave, Wave], council: Client) -> None:
    baseline, later = waves
    rows = every_change(council)
    for row in rows:
        assert set(FIELDS) <= row.keys()
        assert isinstance(row["significant"], bool)
    # area and group as /api/v1/indicators/ gives them: codes, null for all.
    estimates = council.get(f"/api/v1/indicators/?survey={later.survey.code}").json()["results"]
    cells = {(e["indicator"], e["area"], e["group"]) for e in estimates}
    assert {(r["indicator"], r["area"], r["group"]) for r in rows} <= cells
    assert any(r["area"] is None and r["group"] is None for r in rows)
    one = every_change(
        council, f"?indicator=perception&area={baseline.districts[0].code}&group=all"
    )
    assert len(one) == 1
    assert one[0]["area"] == baseline.districts[0].code
    assert one[0]["group"] is None


@pytest.mark.django_db
def test_the_pair_of_waves_can_be_chosen(waves: tuple[Wave, Wave], council: Client) -> None:
    baseline, later = waves
    forward = keyed(every_change(council))
    backward = keyed(every_change(council, f"?from={later.survey.code}&to={baseline.survey.code}"))
    assert np.abs(backward["change"] + forward["change"]).max() <= 1e-9
    assert (backward["significant"] == forward["significant"]).all()
    assert len(every_change(council, f"?to={later.survey.code}")) == len(forward)
    assert every_change(council, f"?to={baseline.survey.code}") == []  # a baseline: no change
    assert every_change(council, "?from=nowhere&to=" + later.survey.code) == []
    same = council.get(f"{URL}?from={later.survey.code}&to={later.survey.code}")
    assert same.status_code == 400
    assert "to" in same.json()
    assert council.get(URL + "?indicator=%00").status_code == 200


def test_the_baseline_of_a_series_is_the_first_wave_of_its_chain() -> None:
    waves = [(1, "base", None), (2, "mid", 1), (3, "late", 2), (4, "alone", None)]
    assert series_baseline(3, {pk: previous for pk, _, previous in waves}) == 1
    assert wave_pairs(waves) == [(1, 2), (1, 3)]
    assert wave_pairs(waves, survey_to="late") == [(1, 3)]
    assert wave_pairs(waves, survey_from="mid") == []  # mid is no baseline
    assert wave_pairs(waves, "mid", "late") == [(2, 3)]
    assert series_baseline(1, {1: 2, 2: 1}) in (1, 2)  # a cycle ends


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_the_rows(
    waves: tuple[Wave, Wave], council: Client
) -> None:
    def queries(query: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert council.get(URL + query).status_code == 200
        return len(captured)

    assert queries("?indicator=perception&area=all&group=all") == queries("")


@pytest.mark.django_db
def test_the_flag_says_when_the_waves_are_not_weighted_alike(
    waves: tuple[Wave, Wave], council: Client
) -> None:
    _, later = waves
    margins_clear(survey=later.survey)
    estimates_refresh(survey=later.survey)
    rows = every_change(council)
    assert rows
    assert not any(row["comparable"] for row in rows)
    page = council.get(f"/surveys/dashboard/?survey={later.survey.code}").content.decode()
    assert "not weighted to population margins over the same dimensions" in page


@pytest.mark.django_db
def test_changes_are_for_the_council_and_survey_staff(
    waves: tuple[Wave, Wave], client: Client
) -> None:
    """Until both waves' results are published (tests/surveys/test_results.py)."""
    assert client.get(URL).json()["results"] == []
    client.force_login(user_with_role(Role.CITIZEN))
    assert client.get(URL).json()["results"] == []
    assert client.get("/surveys/dashboard/changes.csv").status_code == 404
    client.force_login(user_with_role(Role.ANALYST))
    assert client.get(URL).json()["results"]


@pytest.mark.django_db
def test_the_csv_holds_the_same_changes(waves: tuple[Wave, Wave], council: Client) -> None:
    response = council.get("/surveys/dashboard/changes.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    api = {
        (r["indicator"], r["area"] or "all", r["group"] or "all"): r for r in every_change(council)
    }
    assert len(rows) == len(api)
    for row in rows:
        expected = api[(row["indicator"], row["district"], row["group"])]
        assert abs(float(row["change"]) - expected["change"]) <= 1e-9
        assert abs(float(row["ci_low"]) - expected["ci_low"]) <= 1e-9
        assert row["significant"] == ("yes" if expected["significant"] else "no")
        assert row["survey_from"] == expected["survey_from"]


@pytest.mark.django_db
def test_the_dashboard_shows_the_change_since_the_baseline(
    waves: tuple[Wave, Wave], council: Client
) -> None:
    baseline, later = waves
    page = council.get(
        f"/surveys/dashboard/?survey={later.survey.code}&indicator=perception"
    ).content.decode()
    assert f"Change since {baseline.survey.title_en}" in page
    assert 'id="chart-change"' in page
    assert "Both waves are weighted to population margins over the same dimensions" in page
    assert "/surveys/dashboard/changes.csv" in page
    # The baseline itself has nothing to compare with.
    first = council.get(f"/surveys/dashboard/?survey={baseline.survey.code}").content.decode()
    assert 'id="chart-change"' not in first
