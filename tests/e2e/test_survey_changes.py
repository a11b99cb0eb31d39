"""The dashboard's change since the baseline in a real browser: the change column with its
interval and significance, the chart of changes around zero, in English and Greek, on a phone
and a desktop, with no accessibility violation."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from curim.accounts.roles import Role
from curim.areas.demo import DEMO_AREAS
from curim.areas.models import Area
from curim.areas.services import areas_load_file
from surveys.models import Indicator, IndicatorEstimate, PopulationMargin, Survey
from tests.e2e.test_accessibility import problems_on
from tests.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture(autouse=True)
def _offline_map(settings: SettingsWrapper) -> None:
    settings.MAP_TILE_URL = "/static/img/blank-tile.png?{z}{x}{y}"
    areas_load_file(path=DEMO_AREAS)


def _waves() -> None:
    """Two waves raked to the same district margins; everybody's change is +3.9 (SE 1.92,
    significant although the waves' intervals overlap), the first district's +1.0 (not)."""
    district = Area.objects.filter(level="district").order_by("code").first()
    indicator = Indicator.objects.create(
        code="perception", name_en="Perception of safety", name_el="Αντίληψη ασφάλειας"
    )
    baseline = Survey.objects.create(
        code="baseline-2020", title_en="Baseline 2020", title_el="Αρχική μέτρηση 2020"
    )
    later = Survey.objects.create(
        code="follow-up-2023",
        title_en="Follow-up 2023",
        title_el="Επαναληπτική μέτρηση 2023",
        follows=baseline,
    )
    cells = {
        baseline: [(None, 54.1, 1.2, 51.8, 56.4), (district, 61.0, 3.0, 55.0, 66.7)],
        later: [(None, 58.0, 1.5, 55.0, 60.9), (district, 62.0, 3.0, 56.0, 67.6)],
    }
    for wave, rows in cells.items():
        PopulationMargin.objects.create(survey=wave, area=district, population=1000)
        for area, estimate, se, low, high in rows:
            IndicatorEstimate.objects.create(
                survey=wave,
                indicator=indicator,
                area=area,
                n=400,
                weighted=True,
                estimate=estimate,
                std_error=se,
                ci_low=low,
                ci_high=high,
                effective_n=380.0,
            )


@pytest.mark.parametrize("language", ["en", "el"])
@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_the_dashboard_shows_the_change_column_and_the_chart_of_changes(
    browser: Browser, live_server: LiveServer, language: str, screen: str
) -> None:
    _waves()
    client = Client()
    client.force_login(user_with_role(Role.COUNCIL_MEMBER))
    context = browser.new_context(viewport=SCREENS[screen])  # type: ignore[arg-type]
    context.add_cookies(
        [
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/surveys/dashboard/?survey=follow-up-2023")

    greek = language == "el"
    heading = "Μεταβολή από Αρχική μέτρηση 2020" if greek else "Change since Baseline 2020"
    expect(page.locator("#table-district thead")).to_contain_text(heading)
    everyone = page.locator("#table-district tbody tr").last
    expect(everyone).to_contain_text("+3,9 (+0,1 έως +7,7)" if greek else "+3.9 (+0.1 to +7.7)")
    expect(everyone.locator(".govuk-tag")).to_have_text("σημαντική" if greek else "significant")
    first = page.locator("#table-district tbody tr").first
    expect(first).to_contain_text("+1,0 (−7,3 έως +9,3)" if greek else "+1.0 (−7.3 to +9.3)")
    expect(first.locator(".govuk-tag")).to_have_count(0)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.locator("#change-comparable")).to_contain_text(
        "Και τα δύο κύματα" if greek else "Both waves are weighted"
    )

    # The chart: one interval and one dot per change, on an axis symmetric about zero.
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-change')")
    chart = page.evaluate(
        "() => { const c = Chart.getChart('chart-change'); return {"
        " labels: c.data.labels, bars: c.data.datasets[0].data,"
        " dots: c.data.datasets[1].data, min: c.scales.y.min, max: c.scales.y.max }; }"
    )
    assert len(chart["labels"]) == 2
    assert chart["dots"][-1] == pytest.approx(3.9)
    assert chart["bars"][-1][0] == pytest.approx(0.135, abs=1e-3)
    assert chart["min"] == -chart["max"]
    assert page.locator("#chart-change").bounding_box()["height"] > 100  # type: ignore[index]

    assert problems_on(page, phone=screen == "phone") == []
    assert errors == []
    context.close()
