"""An analyst evaluates a completed intervention in a real browser, with a real Celery worker:
the intervention's area (one square of 25) lost three quarters of its reports after it, the
other 24 did not (as in tests/interventions/test_evaluation_runs.py). The analyst fills the
evaluation form (the windows, the 24 comparison areas ticked), sends it, and reloads the result
page until the worker has computed it; the page gives the estimate, its 95% interval, the
Maryland level and a plain sentence that says "fewer"; the analyst writes an EMMIE heading and
saves it. axe finds no serious problem on the result page at 360 px."""

import re
import time
from collections.abc import Iterator

import numpy as np
import pytest
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.test import Client
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, expect
from pytest_django.live_server_helper import LiveServer

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.areas.models import Area
from interventions.models import Evaluation, EvaluationStatus, InterventionStatus
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accessibility import problems_on
from tests.factories import user_with_role
from tests.interventions.evaluation_world import (
    intervention_make,
    neighbourhood_grid,
    reports_in_area,
)
from tests.interventions.test_evaluation_runs import AFTER, BEFORE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EFFECT = 0.25  # the treated square keeps a quarter of its expected reports
WAIT_SECONDS = 180


def _planted() -> list[Area]:
    """25 squares with Poisson(40) reports before and after each, but the first (treated) one,
    which has EFFECT × 40 expected after (seeded)."""
    rng = np.random.default_rng(7)
    squares = neighbourhood_grid()
    for k, area in enumerate(squares):
        before = int(rng.poisson(40))
        after = int(rng.poisson(40 * (EFFECT if k == 0 else 1.0)))
        reports_in_area(area, count=before, start=BEFORE[0], end=BEFORE[1], seed=2 * k)
        reports_in_area(area, count=after, start=AFTER[0], end=AFTER[1], seed=2 * k + 1)
    return squares


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    yield context
    context.close()


def _sign_in(context: BrowserContext, live_server: LiveServer, user: User) -> None:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "url": live_server.url}]
    )


def _english(value: float, digits: int) -> str:
    with translation.override("en"):
        return str(floatformat(value, digits))


def test_an_analyst_runs_an_evaluation_and_reads_that_it_worked(
    celery_worker: str, phone: BrowserContext, live_server: LiveServer
) -> None:
    squares = _planted()
    intervention = intervention_make(
        area_code=squares[0].code, title_en="Awareness sessions in the square's school"
    )
    analyst = user_with_role(Role.ANALYST, email="analyst-evaluates@example.org")
    _sign_in(phone, live_server, analyst)
    page = phone.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # The form, reached from nowhere but its address (the intervention page has no link to it
    # for the public); the windows, then the comparison areas.
    page.goto(f"{live_server.url}/interventions/manage/{intervention.reference}/evaluate/")
    expect(page.get_by_role("heading", name="Evaluate the intervention")).to_be_visible()
    page.get_by_label("Window before: first day").fill(BEFORE[0].isoformat())
    page.get_by_label("Window before: last day").fill(BEFORE[1].isoformat())
    page.get_by_label("Window after: first day").fill(AFTER[0].isoformat())
    page.get_by_label("Window after: last day").fill(AFTER[1].isoformat())
    page.get_by_label("Periods in each window").fill("6")
    expect(page.get_by_label("Citizen reports", exact=True)).to_be_checked()
    comparison = page.locator("fieldset", has=page.get_by_text("Comparison areas"))
    boxes = comparison.get_by_role("checkbox")
    expect(boxes).to_have_count(len(squares) - 1)
    for square in squares[1:]:
        comparison.get_by_label(str(square.name), exact=True).check()
    page.get_by_role("button", name="Run the evaluation").click()

    # Queued: the result page says so until the worker has computed it.
    expect(page).to_have_url(
        f"{live_server.url}/interventions/{intervention.reference}/evaluations/1/"
    )
    verdict = page.locator("[data-verdict]")
    deadline = time.monotonic() + WAIT_SECONDS
    while verdict.count() == 0 and time.monotonic() < deadline:
        time.sleep(1)
        page.reload()
    evaluation = Evaluation.objects.get(intervention=intervention)
    assert evaluation.status == EvaluationStatus.DONE, evaluation.message
    expect(verdict).to_have_attribute("data-verdict", "fewer")
    expect(verdict).to_contain_text("Clearly fewer reports than the comparison areas predict")

    # What the page says is what was computed: the estimate, its interval, the level.
    result = evaluation.result
    assert result["ci_high"] < 0
    assert result["comparison"]["how"] == "chosen"
    assert evaluation.sms_level == 3
    summary = page.locator(".curim-evaluation-summary")
    change = summary.locator(".govuk-summary-list__row", has_text="Change relative to")
    expect(change).to_contain_text(f"{_english(result['percent_change'], 1)}%")
    low, high = result["percent_ci"]
    expect(change).to_contain_text(f"95% interval: {_english(low, 1)}% to {_english(high, 1)}%")
    estimate = summary.locator(".govuk-summary-list__row", has_text="Estimate (log rate ratio)")
    expect(estimate).to_contain_text(
        f"{_english(result['estimate'], 3)} "
        f"({_english(result['ci_low'], 3)} to {_english(result['ci_high'], 3)})"
    )
    strength = summary.locator(".govuk-summary-list__row", has_text="Strength of the design")
    expect(strength).to_contain_text("Level 3 of 5")
    expect(summary).to_contain_text("Chosen by the analyst.")
    treated = page.locator("#evaluation-counts tbody tr", has_text=str(squares[0].name))
    counts = next(row for row in result["counts"] if row["zone"] == "treated")
    expect(treated.locator("td")).to_have_text([str(counts["before"]), str(counts["after"])])
    intervention.refresh_from_db()
    assert intervention.status == InterventionStatus.EVALUATED
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "intervention-evaluation-360.png"), full_page=True)
    assert problems_on(page, phone=True) == []

    # The analyst's word on the effect, saved beside the figures.
    effect = "Fewer reports in the square than its neighbours predict, by about three quarters."
    page.get_by_label("Effect: did it work, by how much?").fill(effect)
    page.get_by_role("button", name="Save the notes").click()
    expect(page.get_by_text("The EMMIE notes are saved.")).to_be_visible()
    expect(page.get_by_label("Effect: did it work, by how much?")).to_have_value(effect)
    evaluation.refresh_from_db()
    assert evaluation.emmie_effect == effect
    assert re.search(r"/evaluations/1/$", page.url)
    assert problems_on(page, phone=True) == []
    assert errors == []
