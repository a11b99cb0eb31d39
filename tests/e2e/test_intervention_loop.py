"""The public follows the loop in Greek, in a real browser on a phone-sized screen: from a
citizen's published report ("What came of it") to the playground renovation it led to, to the
council's recommendation that intervention carries out, and back; the measured change with its
95% interval and the Maryland level are on the recommendation's page and on the intervention's.

The visitor chooses Greek with the site's language switcher. Greek wording is not asserted
(the translations are filled in apart): the flow checks the structure, the links, the numbers
in the Greek format (a decimal comma) and `lang="el"`."""

import math
import re
from datetime import date

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from councils.services.recommendations import recommendation_interventions_set
from curim.accounts.roles import Role
from curim.areas.demo import DEMO_AREAS
from curim.areas.models import Area
from curim.areas.services import areas_load_file
from interventions.models import Intervention, InterventionStatus
from interventions.services.interventions import intervention_save
from tests.councils.factories import council_create, recommendation_adopted, secretary_of
from tests.e2e.test_accessibility import problems_on
from tests.factories import user_with_role
from tests.interventions.evaluation_world import finished_evaluation
from tests.interventions.test_follow_ups import report_published

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PLAYGROUND = (23.6465, 37.9425)  # longitude, latitude
# The evaluation's figures: a log rate ratio of −0.5 (−0.9 to −0.1), that is −39.3 %
# (−59.3 % to −9.5 %), on counts large enough to be shown to the public.
ESTIMATE, LOW, HIGH = -0.5, -0.9, -0.1


def _percent(log_ratio: float) -> float:
    return 100 * (math.exp(log_ratio) - 1)


COUNTS = [
    {
        "zone": "treated",
        "role": "treated",
        "code": "piraeus-5",
        "name_en": "5th district",
        "name_el": "5ο διαμέρισμα",
        "before": 40,
        "after": 22,
        "periods_before": [20, 20],
        "periods_after": [11, 11],
    },
    {
        "zone": "control:piraeus-1",
        "role": "control",
        "code": "piraeus-1",
        "name_en": "1st district",
        "name_el": "1ο διαμέρισμα",
        "before": 38,
        "after": 36,
        "periods_before": [19, 19],
        "periods_after": [18, 18],
    },
]


@pytest.fixture(autouse=True)
def _offline_map(settings: SettingsWrapper) -> None:
    settings.MAP_TILE_URL = "/static/img/blank-tile.png?{z}{x}{y}"
    settings.MAP_CENTRE = PLAYGROUND[::-1]
    settings.MAP_ZOOM = 16
    areas_load_file(path=DEMO_AREAS)


def _greek(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "el")


def test_the_public_follows_a_report_to_its_intervention_and_recommendation_in_greek(
    page: Page, live_server: LiveServer
) -> None:
    reporter = user_with_role(Role.CITIZEN, email="reporter-loop@example.org")
    analyst = user_with_role(Role.ANALYST, email="analyst-loop@example.org")
    report = report_published(reporter)
    intervention = intervention_save(
        intervention=Intervention(
            title_en="The playground of Kastella renovated",
            title_el="Ανακαίνιση της παιδικής χαράς της Καστέλλας",
            kind="playground",
            status=InterventionStatus.EVALUATED,
            organisation="Municipality of Piraeus",
            area=Area.objects.get(code="piraeus-5"),
            geometry=Point(*PLAYGROUND, srid=4326),
            starts_on=date(2025, 1, 1),
            ends_on=date(2025, 1, 31),
        ),
        by=analyst,
        report_ids=[report.pk],
    )
    finished_evaluation(
        intervention,
        estimate=ESTIMATE,
        ci_low=LOW,
        ci_high=HIGH,
        percent_change=_percent(ESTIMATE),
        percent_ci=[_percent(LOW), _percent(HIGH)],
        rate_ratio=math.exp(ESTIMATE),
        counts=COUNTS,
    )
    council = council_create()
    recommendation = recommendation_adopted(
        council,
        title_en="Renovate the playgrounds of the 5th district",
        title_el="Ανακαίνιση των παιδικών χαρών του 5ου διαμερίσματος",
        evidence_report_filter={"category": "graffiti"},
    )
    recommendation_interventions_set(
        recommendation=recommendation, by=secretary_of(council), interventions=[intervention]
    )
    intervention_path = f"/interventions/{intervention.reference}/"
    recommendation_path = f"/council/recommendations/{recommendation.reference}/"

    # The visitor chooses Greek with the switcher in the header.
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Ελληνικά").click()
    _greek(page)

    # The report's page says what came of it: the intervention, by its Greek title.
    page.goto(f"{live_server.url}/reports/{report.public_id}/")
    _greek(page)
    expect(page.locator("#follow-ups")).to_be_visible()
    came_of_it = page.locator("#follow-ups + ul")
    link = came_of_it.get_by_role(
        "link", name=f"{intervention.reference}: Ανακαίνιση της παιδικής χαράς της Καστέλλας"
    )
    expect(link).to_have_attribute("href", intervention_path)
    link.click()

    # The intervention's page: the measured change with its interval, in the Greek format,
    # and the design's level.
    expect(page).to_have_url(live_server.url + intervention_path)
    _greek(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ανακαίνιση της παιδικής χαράς της Καστέλλας"
    )
    _the_change_in_greek_on_the_intervention_page(page)
    # It leads to the council's recommendation it carries out.
    decided = page.locator("#decided + ul")
    to_recommendation = decided.get_by_role(
        "link",
        name=f"{recommendation.reference}: Ανακαίνιση των παιδικών χαρών του 5ου διαμερίσματος",
    )
    expect(to_recommendation).to_have_attribute("href", recommendation_path)
    assert problems_on(page, phone=False) == []
    to_recommendation.click()

    # The recommendation's page walks from the evidence to the result: the intervention, and
    # its measured change with the interval and the Maryland level.
    expect(page).to_have_url(live_server.url + recommendation_path)
    _greek(page)
    loop = page.locator("section", has=page.locator("#loop"))
    steps = loop.locator("ol.curim-loop > li")
    expect(steps).to_have_count(4)
    expect(steps.nth(0).get_by_role("link")).to_have_attribute(
        "href", re.compile(r"^/reports/\?category=graffiti$")
    )
    expect(steps.nth(1).get_by_role("link")).to_have_attribute(
        "href", re.compile(r"^/council/meetings/[0-9a-f-]{36}/$")
    )
    back = steps.nth(2).get_by_role(
        "link", name=f"{intervention.reference}: Ανακαίνιση της παιδικής χαράς της Καστέλλας"
    )
    expect(back).to_have_attribute("href", intervention_path)
    effect = steps.nth(3)
    expect(effect).to_contain_text(intervention.reference)
    # −39 % (−59 % to −10 %), whole percents; level 3 of 5; the method.
    expect(effect).to_contain_text(re.compile(r"-39%[\s\S]+-59%\D+-10%"))
    expect(effect).to_contain_text(re.compile(r"\b3\b\D{1,12}\b5\b"))
    expect(effect).to_contain_text("Διαφορά των διαφορών Poisson")  # the method, in Greek
    assert problems_on(page, phone=False) == []

    # And back to the intervention, still in Greek.
    back.click()
    expect(page).to_have_url(live_server.url + intervention_path)
    _greek(page)
    _the_change_in_greek_on_the_intervention_page(page)


def _the_change_in_greek_on_the_intervention_page(page: Page) -> None:
    summary = page.locator(".curim-evaluation-summary")
    expect(summary.locator("[data-verdict]")).to_have_attribute("data-verdict", "fewer")
    rows = summary.locator(".govuk-summary-list__row")
    # The change and its 95% interval, with a decimal comma: −39,3 % (−59,3 % to −9,5 %).
    expect(rows.nth(0)).to_contain_text(re.compile(r"-39,3%[\s\S]+-59,3%\D+-9,5%"))
    # The estimate on the log scale: −0,500 (−0,900 to −0,100).
    expect(rows.nth(1)).to_contain_text(re.compile(r"-0,500 \(-0,900\D+-0,100\)"))
    # The Maryland level: 3 of 5.
    expect(rows.nth(3)).to_contain_text(re.compile(r"\b3\b\D{1,12}\b5\b"))
