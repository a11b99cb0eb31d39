"""An analyst can reproduce an evaluation's figures from its exported data: the CSV of a
version is re-estimated here independently (statsmodels' Poisson GLM with unit and period
dummies and errors clustered by unit, the WDD and WDQ by plain arithmetic, the survey change
from the districts' estimates) and must give the stored figures; the export is those who read
every intervention's full figures' only, and an older version keeps its own data."""

import io
import math
from datetime import date

import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from django.contrib.gis.geos import MultiPoint, Point
from django.test import Client
from django.urls import reverse

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.areas.models import Area
from interventions.evaluation.did import poisson_did
from interventions.models import Evaluation, Intervention, InterventionKind
from interventions.services.evaluations import evaluation_compute, evaluation_request
from surveys.models import Indicator, IndicatorEstimate, Survey
from tests.factories import user_with_role
from tests.interventions.evaluation_world import (
    analyst,
    at,
    intervention_make,
    reports_in_area,
    reports_scatter,
)
from tests.interventions.test_evaluation_data import WINDOWS

pytestmark = pytest.mark.django_db

SITES = [(23.6300, 37.9500), (23.6360, 37.9500), (23.6420, 37.9500)]
K = 24  # with the 3 sites, 27 units: the cluster-robust interval (20 units or more)


def _parameters(**overrides: object) -> dict[str, object]:
    return {
        "before_start": WINDOWS.before_start.isoformat(),
        "before_end": WINDOWS.before_end.isoformat(),
        "after_start": WINDOWS.after_start.isoformat(),
        "after_end": WINDOWS.after_end.isoformat(),
        "periods": WINDOWS.periods,
        "sources": "reports",
        "buffer_m": 100,
        "ring_m": 150,
        **overrides,
    }


def _evaluate(intervention: Intervention, **overrides: object) -> Evaluation:
    evaluation = evaluation_request(
        intervention=intervention, by=analyst(), parameters=_parameters(**overrides)
    )
    found = evaluation_compute(evaluation_id=evaluation.pk)
    assert found is not None
    assert found.status == "done", found.message
    found.refresh_from_db()  # the figures as stored
    return found


def _url(evaluation: Evaluation) -> str:
    return reverse(
        "interventions:evaluation_inputs",
        args=[evaluation.intervention.reference, evaluation.version],
    )


def _download(evaluation: Evaluation, user: User | None = None) -> bytes:
    client = Client()
    client.force_login(user or analyst())
    response = client.get(_url(evaluation))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return bytes(response.content)


def _frame(content: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(content), encoding="utf-8-sig")


def _did(frame: pd.DataFrame) -> tuple[float, float, float, float]:
    """The recipe of docs/interventions/evaluation.md: (estimate, se, ci_low, ci_high)."""
    panel = frame[frame["table"] == "panel"].copy()
    # The estimator drops a unit whose counts are all zero, and a period with no count.
    panel = panel[panel.groupby("unit")["count"].transform("sum") > 0]
    panel = panel[panel.groupby("period")["count"].transform("sum") > 0]
    model = smf.glm(
        "count ~ treated:post + C(unit) + C(period)", data=panel, family=sm.families.Poisson()
    )
    fit = model.fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(panel["unit"])[0]}, tol=1e-13
    )
    low, high = fit.conf_int().loc["treated:post"]
    return (
        float(fit.params["treated:post"]),
        float(fit.bse["treated:post"]),
        float(low),
        float(high),
    )


def _totals(frame: pd.DataFrame, table: str, column: str, value: str) -> tuple[float, float]:
    rows = frame[(frame["table"] == table) & (frame[column] == value)]
    by_window = rows.groupby("window")["count"].sum()
    return float(by_window.get("before", 0)), float(by_window.get("after", 0))


def _sites_world() -> Intervention:
    geometry = MultiPoint([Point(x, y, srid=4326) for x, y in SITES], srid=4326)
    intervention = intervention_make(
        area_code="piraeus-4", kind=InterventionKind.PLAYGROUND, geometry=geometry
    )
    municipality = Area.objects.get(code="piraeus").geometry
    reports_scatter(within=municipality, count=700, start=date(2024, 7, 1), end=date(2025, 8, 3))
    for n, (x, y) in enumerate(SITES):
        site = Point(x, y, srid=4326).transform(2100, clone=True).buffer(90)
        site.transform(4326)
        reports_scatter(
            within=site, count=10, start=WINDOWS.before_start, end=WINDOWS.before_end, seed=10 + n
        )
        reports_scatter(
            within=site, count=4, start=WINDOWS.after_start, end=WINDOWS.after_end, seed=20 + n
        )
    return intervention


def test_the_did_and_displacement_are_reproduced_from_the_csv_and_an_old_version_keeps_its_data(
    piraeus: None,
) -> None:
    intervention = _sites_world()
    first = _evaluate(intervention, suggest_k=K)
    result = first.result
    assert result["inference"]["method"] == "cluster", result["n_areas"]
    assert result["dropped_zones"] == []
    content = _download(first)
    frame = _frame(content)

    # The DiD, by statsmodels on the exported panel.
    estimate, se, low, high = _did(frame)
    assert estimate == pytest.approx(result["estimate"], abs=1e-6)
    assert se == pytest.approx(result["se"], abs=1e-6)
    assert low == pytest.approx(result["ci_low"], abs=1e-6)
    assert high == pytest.approx(result["ci_high"], abs=1e-6)
    panel = frame[frame["table"] == "panel"]
    assert panel["unit"].nunique() == 3 + K
    assert len(panel) == (3 + K) * 2 * WINDOWS.periods
    assert set(panel[panel["treated"] == 1]["unit"]) == {"treated:1", "treated:2", "treated:3"}

    # The WDD and WDQ, by arithmetic on the exported counts.
    t_b, t_a = _totals(frame, "panel", "role", "treated")
    c_b, c_a = _totals(frame, "panel", "role", "control")
    d_b, d_a = _totals(frame, "ring", "unit", "ring")
    e_b, e_a = _totals(frame, "ring", "unit", "ring_control")
    displacement = result["displacement"]
    assert displacement["counts"] == {
        "treated": [t_b, t_a],
        "control": [c_b, c_a],
        "buffer": [d_b, d_a],
        "buffer_control": [e_b, e_a],
    }
    wdd = (t_a - t_b) - (c_a - c_b) + (d_a - d_b) - (e_a - e_b)
    wdd_se = math.sqrt(t_b + t_a + c_b + c_a + d_b + d_a + e_b + e_a)
    assert displacement["wdd"]["estimate"] == pytest.approx(wdd, abs=1e-6)
    assert displacement["wdd"]["se"] == pytest.approx(wdd_se, abs=1e-6)
    wdq = (d_a / d_b - c_a / c_b) / (t_a / t_b - c_a / c_b)
    assert displacement["wdq"]["value"] == pytest.approx(wdq, abs=1e-6)

    # New reports arrive at the sites; version 2 counts them, version 1's export does not.
    for n, (x, y) in enumerate(SITES):
        site = Point(x, y, srid=4326).transform(2100, clone=True).buffer(90)
        site.transform(4326)
        reports_scatter(
            within=site, count=6, start=WINDOWS.after_start, end=WINDOWS.after_end, seed=30 + n
        )
    second = _evaluate(intervention, suggest_k=K)
    assert second.version == 2
    assert _totals(_frame(_download(second)), "panel", "role", "treated") == (t_b, t_a + 18)
    assert _download(first) == content


def _survey_world(intervention: Intervention) -> None:
    """Two waves around the intervention, each district's estimate of one indicator."""
    intervention.indicator = Indicator.objects.create(
        code="perception", name_en="Perception of safety", name_el="Αίσθημα", method="mean"
    )
    intervention.save(update_fields=["indicator"])
    before = Survey.objects.create(code="baseline", title_en="Baseline", title_el="Βάση")
    after = Survey.objects.create(code="follow-up", title_en="Follow-up", title_el="Συνέχεια")
    Survey.objects.filter(pk=before.pk).update(created_at=at(date(2024, 6, 1)))
    Survey.objects.filter(pk=after.pk).update(created_at=at(date(2025, 9, 1)))
    for wave, shift in ((before, 0.0), (after, 5.0)):
        for k, code in enumerate(["piraeus-1", "piraeus-2", "piraeus-3", "piraeus-4"]):
            IndicatorEstimate.objects.create(
                survey=wave,
                indicator=intervention.indicator,
                area=Area.objects.get(code=code),
                group="",
                n=100,
                estimate=50.0 + k + shift * (k == 1),
                std_error=2.0 + k / 2,
            )


@pytest.fixture
def area_evaluation(piraeus: None) -> Evaluation:
    """A social intervention in piraeus-2 against the other districts, with a survey."""
    intervention = intervention_make(area_code="piraeus-2")
    for n, code in enumerate(["piraeus-1", "piraeus-2", "piraeus-3", "piraeus-4", "piraeus-5"]):
        reports_in_area(
            Area.objects.get(code=code),
            count=40,
            start=WINDOWS.before_start,
            end=WINDOWS.after_end,
            seed=n,
        )
    _survey_world(intervention)
    return _evaluate(intervention, suggest_k=4)


def test_the_area_design_and_the_survey_change_are_reproduced_from_the_csv(
    area_evaluation: Evaluation,
) -> None:
    result = area_evaluation.result
    frame = _frame(_download(area_evaluation))
    # Few areas: the interval is the randomization test's; the estimate and CR1 error are
    # statsmodels' all the same.
    estimate, se, _low, _high = _did(frame)
    assert estimate == pytest.approx(result["estimate"], abs=1e-6)
    assert se == pytest.approx(result["se"], abs=1e-6)
    assert not (frame["table"] == "ring").any()
    # Its interval, by the platform's estimator on the exported rows as the docs say.
    assert result["inference"]["method"] == "randomization"
    panel = frame[frame["table"] == "panel"]
    unit, units = pd.factorize(panel["unit"])
    treated = panel.groupby("unit", sort=False)["treated"].first().loc[units]
    post = panel.groupby("period")["post"].first().sort_index()
    again = poisson_did(
        unit,
        panel["period"],
        panel["count"],
        treated.to_numpy(),
        post.to_numpy(),
        seed=result["inference"]["seed"] or 0,
    )
    assert again.estimate == pytest.approx(result["estimate"], abs=1e-9)
    assert again.ci_low == pytest.approx(result["ci_low"], abs=1e-6)
    assert again.ci_high == pytest.approx(result["ci_high"], abs=1e-6)
    assert again.p_value == pytest.approx(result["p_value"], abs=1e-9)

    rows = frame[frame["table"] == "indicator"]
    assert set(rows["survey"]) == {"baseline", "follow-up"}

    def value(district: str, window: str, column: str) -> float:
        (found,) = rows[(rows["unit"] == district) & (rows["window"] == window)][column]
        return float(found)

    others = sorted(set(rows[rows["role"] == "comparison"]["unit"]))
    assert others == ["piraeus-1", "piraeus-3", "piraeus-4"]
    comparison = {
        window: sum(value(code, window, "estimate") for code in others) / len(others)
        for window in ("before", "after")
    }
    difference = (
        value("piraeus-2", "after", "estimate") - value("piraeus-2", "before", "estimate")
    ) - (comparison["after"] - comparison["before"])
    variance = (
        value("piraeus-2", "before", "se") ** 2
        + value("piraeus-2", "after", "se") ** 2
        + 2 * sum(value(code, "before", "se") ** 2 for code in others) / len(others) ** 2
    )
    (stored,) = result["survey"]["indicators"]
    assert stored["change"]["difference"]["estimate"] == pytest.approx(difference, abs=1e-9)
    assert stored["change"]["difference"]["se"] == pytest.approx(math.sqrt(variance), abs=1e-9)


@pytest.mark.parametrize(
    "role", [Role.ANALYST, Role.COUNCIL_SECRETARY, Role.COUNCIL_MEMBER, Role.ADMIN]
)
def test_those_who_read_the_full_figures_download_the_data_and_see_the_link(
    area_evaluation: Evaluation, role: Role
) -> None:
    user = user_with_role(role, email=f"{role}@example.org")
    assert _download(area_evaluation, user).startswith(b"\xef\xbb\xbftable,unit,role,")
    client = Client()
    client.force_login(user)
    page = reverse(
        "interventions:evaluation",
        args=[area_evaluation.intervention.reference, area_evaluation.version],
    )
    assert _url(area_evaluation) in client.get(page).content.decode()


def test_the_public_and_a_citizen_get_a_404_and_no_link(
    area_evaluation: Evaluation, citizen: User
) -> None:
    page = reverse(
        "interventions:evaluation",
        args=[area_evaluation.intervention.reference, area_evaluation.version],
    )
    public = Client()
    assert public.get(_url(area_evaluation)).status_code == 404
    assert public.get(page).status_code == 200
    assert _url(area_evaluation) not in public.get(page).content.decode()
    signed_in = Client()
    signed_in.force_login(citizen)
    assert signed_in.get(_url(area_evaluation)).status_code == 404
    assert _url(area_evaluation) not in signed_in.get(page).content.decode()


def test_a_version_without_stored_data_or_unknown_is_a_404(area_evaluation: Evaluation) -> None:
    client = Client()
    client.force_login(analyst())
    Evaluation.objects.filter(pk=area_evaluation.pk).update(inputs={})
    assert client.get(_url(area_evaluation)).status_code == 404
    url = reverse(
        "interventions:evaluation_inputs", args=[area_evaluation.intervention.reference, 9]
    )
    assert client.get(url).status_code == 404


def test_a_text_cell_cannot_become_a_spreadsheet_formula(area_evaluation: Evaluation) -> None:
    inputs = dict(area_evaluation.inputs)
    inputs["rows"] = [{**inputs["rows"][0], "unit": "=HYPERLINK(1)"}]
    Evaluation.objects.filter(pk=area_evaluation.pk).update(inputs=inputs)
    content = _download(area_evaluation).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in content
