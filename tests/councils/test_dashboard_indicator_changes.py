"""The dashboard's indicators per district, baseline against follow-up, with the difference and
its 95% interval: the page's table and its CSV against the surveys' independent reference
(`tests/surveys/test_changes.reference`: both waves' stored estimates joined on the cell, the
difference and its interval computed with pandas), never through `changes_visible_to`.

The panel's rules: the totals of each district and of all districts (no respondent group);
every follow-up against its series' baseline (not against the wave before it); only where both
waves' cells are shown (a suppressed cell has no change); in a district, only that district;
indicators in their order (position, then code), each district by code, all districts last,
the follow-ups in order.
"""

import csv
import io

import pandas as pd
import pytest
from django.test import Client

from curim.accounts.roles import Role
from curim.areas.models import Area
from surveys.models import Indicator
from surveys.services.refresh import estimates_refresh
from tests.councils.page_tables import page_tables
from tests.factories import user_with_role
from tests.surveys.generate import Wave, build_wave
from tests.surveys.test_changes import rake_to_districts_and_gender, reference

URL = "/council/dashboard/"
CSV_URL = "/council/dashboard/indicator-changes.csv"
CAPTION = "Indicators per district: baseline, follow-up and the difference with its interval"
# Positions and names given here, so that the order is by position before code.
NAMES = {
    "trust": (1, "Trust in the police", "Εμπιστοσύνη στην αστυνομία"),
    "perception": (2, "Feeling safe", "Αίσθημα ασφάλειας"),
    "participation": (3, "Taking part", "Συμμετοχή"),
}


@pytest.fixture
def waves(db: None) -> tuple[Wave, Wave, Wave]:
    """A baseline and two follow-ups in one series (the second follows the first); the second
    is small, so that its small district's totals are suppressed."""
    baseline = build_wave(seed=61, n=500)
    middle = build_wave(
        seed=62, n=500, districts=baseline.districts, follows=baseline.survey, lift=0.4
    )
    late = build_wave(seed=63, n=140, districts=baseline.districts, follows=middle.survey, lift=0.6)
    for wave in (baseline, middle, late):
        rake_to_districts_and_gender(wave)
        estimates_refresh(survey=wave.survey)
    for code, (position, english, greek) in NAMES.items():
        Indicator.objects.filter(code=code).update(
            position=position, name_en=english, name_el=greek
        )
    return baseline, middle, late


@pytest.fixture
def member(client: Client) -> Client:
    client.force_login(user_with_role(Role.COUNCIL_MEMBER))
    return client


def expected(pairs: list[tuple[Wave, Wave]], district: str = "") -> pd.DataFrame:
    """The panel from the reference: district totals of every (baseline, follow-up) pair, in the
    panel's order."""
    frames = []
    for before, after in pairs:
        frame = reference(before, after).reset_index()
        frame["survey_from"], frame["survey_to"] = before.survey.code, after.survey.code
        frames.append(frame)
    panel = pd.concat(frames, ignore_index=True)
    panel = panel[panel["group"] == "all"]
    if district:
        panel = panel[panel["area"] == district]
    panel = panel.assign(
        position=panel["indicator"].map(lambda code: NAMES[code][0]),
        totals_last=panel["area"] == "all",
    )
    return panel.sort_values(["position", "totals_last", "area", "survey_to"]).reset_index(
        drop=True
    )


def _near(shown: str, value: float, digits: int = 1) -> None:
    """A number as the page shows it: rounded to `digits`, so within half a unit."""
    assert abs(float(shown.replace("−", "-")) - value) <= 0.5 * 10**-digits + 1e-9, (shown, value)


def _compare(client: Client, ours: pd.DataFrame, query: dict[str, str]) -> None:
    page = client.get(URL, query)
    assert page.status_code == 200
    table = page_tables(page.content.decode())[CAPTION]
    download = client.get(CSV_URL, query)
    assert download.status_code == 200
    lines = list(csv.DictReader(io.StringIO(download.content.decode())))
    names = dict(Area.objects.values_list("code", "name_en"))
    assert len(lines) == len(table) == len(ours)
    for line, cells, expect in zip(lines, table, ours.to_dict("records"), strict=True):
        # The CSV: codes and the figures unrounded.
        assert line["indicator"] == expect["indicator"]
        assert line["district"] == expect["area"]
        assert (line["survey_from"], line["survey_to"]) == (
            expect["survey_from"],
            expect["survey_to"],
        )
        for column, theirs in (
            ("estimate_from", "estimate_from"),
            ("estimate_to", "estimate_to"),
            ("change", "change"),
            ("ci_low", "ci_low"),
            ("ci_high", "ci_high"),
        ):
            assert float(line[column]) == pytest.approx(expect[theirs], abs=1e-9), column
        assert line["significant"] == ("yes" if expect["significant"] else "no")
        # The page: names, and the figures as a reader sees them.
        assert cells[0] == NAMES[expect["indicator"]][1]
        assert cells[1] == ("All districts" if expect["area"] == "all" else names[expect["area"]])
        assert cells[2:4] == [expect["survey_from"], expect["survey_to"]]
        _near(cells[4], expect["estimate_from"])
        _near(cells[5], expect["estimate_to"])
        _near(cells[6], expect["change"])
        low, high = cells[7].split(" – ")
        _near(low, expect["ci_low"])
        _near(high, expect["ci_high"])
        assert cells[8] == ("yes" if expect["significant"] else "no")


@pytest.mark.django_db
def test_every_district_against_the_baseline(
    waves: tuple[Wave, Wave, Wave], member: Client
) -> None:
    baseline, middle, late = waves
    ours = expected([(baseline, middle), (baseline, late)])
    _compare(member, ours, {})
    # What the data holds, so that a broken rule shows: both kinds of change, every district
    # and the totals, and a district whose small cells are suppressed in some wave.
    assert ours["significant"].any()
    assert not ours["significant"].all()
    codes = [d.code for d in baseline.districts]
    assert set(ours["area"]) == {*codes, "all"}
    full = expected([(baseline, middle), (baseline, late)]).pipe(len)
    every_cell = len(NAMES) * (len(codes) + 1) * 2
    assert full < every_cell  # some cells are suppressed: no change for them
    # Against the wave before it, the second follow-up's change would be another.
    consecutive = expected([(middle, late)]).set_index(["indicator", "area"])["change"]
    later = ours[ours["survey_to"] == late.survey.code].set_index(["indicator", "area"])["change"]
    assert (consecutive - later).abs().max() > 0.01
    # Groups exist in the reference, and are not the panel's.
    assert (reference(baseline, late).reset_index()["group"] != "all").any()


@pytest.mark.django_db
def test_in_a_district_only_that_district(waves: tuple[Wave, Wave, Wave], member: Client) -> None:
    baseline, middle, late = waves
    for district in baseline.districts:
        ours = expected([(baseline, middle), (baseline, late)], district.code)
        assert set(ours["area"]) <= {district.code}
        _compare(member, ours, {"district": district.code})
