"""The questionnaires before and after a session: the change per indicator is the survey's own
(after − before, SE = √(SE₀² + SE₁²), normal 95% interval) from the waves' stored estimates,
suppressed cells give none, the public reads it only once both waves' results are published,
and the reads take the same queries for 1 session as for 3."""

import math
from statistics import NormalDist

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curim.accounts.models import User
from curim.areas.models import Area
from interventions.models import Intervention, InterventionKind, Session, SessionPlace
from interventions.services.session_records import session_save
from interventions.session_questionnaires import QuestionnaireState, session_questionnaires
from surveys.models import Indicator, IndicatorEstimate, Survey
from surveys.services.publication import results_publish
from tests.interventions.conftest import intervention_made

Z = NormalDist().inv_cdf(0.975)
# indicator: (estimate, standard error) before and after
FIGURES = {
    "trust": ((41.2, 2.5), (56.5, 2.75)),
    "interest": ((30.0, 4.5), (52.0, 5.0)),
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicators(db: None) -> dict[str, Indicator]:
    return {
        code: Indicator.objects.create(
            code=code, position=n, name_en=f"{code} (en)", name_el=f"{code} (ελ)", method="mean"
        )
        for n, code in enumerate(FIGURES)
    }


def wave_made(code: str, follows: Survey | None = None) -> Survey:
    return Survey.objects.create(
        code=code,
        title_en=code,
        title_el=code,
        status=Survey.Status.CLOSED,
        follows=follows,
    )


def estimate_made(
    wave: Survey, indicator: Indicator, figure: tuple[float, float], *, suppressed: bool = False
) -> IndicatorEstimate:
    """The total cell (all districts, all groups), as the refresh stores it."""
    if suppressed:
        return IndicatorEstimate.objects.create(
            survey=wave, indicator=indicator, area=None, group="", suppressed=True
        )
    estimate, se = figure
    return IndicatorEstimate.objects.create(
        survey=wave,
        indicator=indicator,
        area=None,
        group="",
        n=60,
        estimate=estimate,
        std_error=se,
        ci_low=estimate - Z * se,
        ci_high=estimate + Z * se,
        effective_n=60,
    )


def waves_estimated(
    indicators: dict[str, Indicator], name: str, *, suppressed: frozenset[str] = frozenset()
) -> tuple[Survey, Survey]:
    """A wave before and after with the FIGURES; `suppressed`: the indicators whose cell
    before is suppressed."""
    before = wave_made(f"{name}-before")
    after = wave_made(f"{name}-after", follows=before)
    for code, (was, now) in FIGURES.items():
        estimate_made(before, indicators[code], was, suppressed=code in suppressed)
        estimate_made(after, indicators[code], now)
    return before, after


def session_made(
    intervention: Intervention, before: Survey | None, after: Survey | None, day: int = 1
) -> Session:
    return session_save(
        session=Session(
            intervention=intervention,
            held_on=f"2026-02-{day:02d}",
            place_kind=SessionPlace.SCHOOL,
            place_name=f"Gymnasium {day}",
            facilitator="School psychologist",
            survey_before=before,
            survey_after=after,
        ),
        participants={("students", 8): 40},
    )


@pytest.fixture
def awareness(district: Area, analyst: User) -> Intervention:
    return intervention_made(
        by=analyst,
        status="completed",
        kind=InterventionKind.AWARENESS,
        geometry=None,
        title_en="Awareness sessions",
    )


def publish(analyst: User, *waves: Survey) -> None:
    for wave in waves:
        results_publish(survey=wave, user=analyst)


def detail(client: Client, intervention: Intervention, language: str = "en") -> str:
    url = reverse("interventions:detail", args=[intervention.reference])
    page = client.get(url, headers={"Accept-Language": language})
    assert page.status_code == 200
    return page.content.decode()


def api_sessions(client: Client, intervention: Intervention) -> list[dict[str, object]]:
    body = client.get(reverse("api:intervention_detail", args=[intervention.reference])).json()
    sessions: list[dict[str, object]] = body["sessions"]
    return sessions


def test_the_change_is_after_minus_before_with_the_summed_variances(
    awareness: Intervention, indicators: dict[str, Indicator], member: User
) -> None:
    before, after = waves_estimated(indicators, "school")
    session = session_made(awareness, before, after)
    measured = session_questionnaires(member, [session])[session.pk]
    assert measured.state == QuestionnaireState.SHOWN
    assert [row.indicator.code for row in measured.indicators] == ["trust", "interest"]
    for row in measured.indicators:
        (y0, se0), (y1, se1) = FIGURES[row.indicator.code]
        change, se = y1 - y0, math.sqrt(se0**2 + se1**2)
        assert row.change is not None
        assert row.change.change == pytest.approx(change, abs=1e-9)
        assert row.change.std_error == pytest.approx(se, abs=1e-9)
        assert row.change.ci_low == pytest.approx(change - Z * se, abs=1e-9)
        assert row.change.ci_high == pytest.approx(change + Z * se, abs=1e-9)
        assert row.change.significant == (change - Z * se > 0)


def test_the_page_and_the_api_show_each_indicator_before_after_and_the_change(
    client: Client, awareness: Intervention, indicators: dict[str, Indicator], member: User
) -> None:
    before, after = waves_estimated(indicators, "school")
    session_made(awareness, before, after)
    session_made(awareness, None, None, day=2)  # no questionnaire: no section, status none
    client.force_login(member)
    page = detail(client, awareness)
    assert "What the questionnaires before and after measured" in page
    # trust: 41.2 → 56.5, +15.3, SE √(2.5² + 2.75²) = 3.7165, interval +8.0 to +22.6.
    for text in ("trust (en)", "41.2", "56.5", "+15.3", "+8.0 to +22.6"):
        assert text in page, text
    first, second = api_sessions(client, awareness)
    assert first["questionnaire"] is True
    assert first["questionnaires_status"] == "shown"
    trust = first["questionnaires"][0]  # type: ignore[index]
    assert trust["indicator"] == "trust"
    assert trust["before"] == 41.2
    assert trust["after"] == 56.5
    assert trust["change"] == pytest.approx(15.3, abs=1e-9)
    assert trust["std_error"] == pytest.approx(math.hypot(2.5, 2.75), abs=1e-9)
    assert trust["significant"] is True
    # Every field the session had is still there.
    assert {"held_on", "place_kind", "place_name", "area", "participants"} <= set(first)
    assert {"participants_total", "questionnaire", "proposals"} <= set(first)
    assert second["questionnaires_status"] == "none"
    assert second["questionnaires"] == []


def test_a_suppressed_wave_gives_no_figure(
    client: Client, awareness: Intervention, indicators: dict[str, Indicator], member: User
) -> None:
    before, after = waves_estimated(indicators, "one", suppressed=frozenset({"trust"}))
    session = session_made(awareness, before, after)
    measured = session_questionnaires(member, [session])[session.pk]
    rows = {row.indicator.code: row for row in measured.indicators}
    assert rows["trust"].suppressed
    assert rows["trust"].change is None
    assert rows["interest"].change is not None
    client.force_login(member)
    page = detail(client, awareness)
    assert ">fewer than 10 respondents</td>" in page  # trust's cell before
    assert "An indicator without a change had fewer than 10 respondents" in page
    assert "+15.3" not in page  # trust's change
    assert "41.2" not in page
    trust = api_sessions(client, awareness)[0]["questionnaires"][0]  # type: ignore[index]
    assert trust["suppressed"] is True
    assert trust["before"] is None
    assert trust["change"] is None
    assert trust["ci_low"] is None


def test_a_session_with_every_indicator_suppressed_says_so(
    client: Client, awareness: Intervention, indicators: dict[str, Indicator], member: User
) -> None:
    before, after = waves_estimated(indicators, "all", suppressed=frozenset(FIGURES))
    session = session_made(awareness, before, after)
    assert session_questionnaires(member, [session])[session.pk].state == "suppressed"
    client.force_login(member)
    page = detail(client, awareness)
    assert "No change is shown: fewer than 10 people answered" in page
    assert api_sessions(client, awareness)[0]["questionnaires_status"] == "suppressed"


def test_a_wave_without_estimates_yet_says_so(
    client: Client, awareness: Intervention, indicators: dict[str, Indicator], member: User
) -> None:
    before = wave_made("waiting-before")
    estimate_made(before, indicators["trust"], FIGURES["trust"][0])
    after = wave_made("waiting-after", follows=before)  # not refreshed yet
    session = session_made(awareness, before, after)
    measured = session_questionnaires(member, [session])[session.pk]
    assert measured.state == QuestionnaireState.NOT_ESTIMATED
    assert measured.waiting == ("after",)
    client.force_login(member)
    assert "The questionnaire after has no estimates yet" in detail(client, awareness)


def test_the_public_reads_the_figures_once_both_waves_are_published(
    client: Client,
    awareness: Intervention,
    indicators: dict[str, Indicator],
    member: User,
    analyst: User,
) -> None:
    before, after = waves_estimated(indicators, "school")
    session = session_made(awareness, before, after)
    public = session_questionnaires(AnonymousUser(), [session])[session.pk]
    assert public.state == QuestionnaireState.NOT_PUBLISHED
    assert public.indicators == []
    page = detail(client, awareness)
    assert "not published yet" in page
    assert "41.2" not in page
    assert "56.5" not in page
    shown = api_sessions(client, awareness)[0]
    assert shown["questionnaires_status"] == "not_published"
    assert shown["questionnaires"] == []
    # One wave published is not enough: the change and it would give the other away.
    publish(analyst, after)
    page = detail(client, awareness)
    assert "56.5" not in page
    assert "not published yet" in page
    # The council reads them all along.
    assert session_questionnaires(member, [session])[session.pk].state == "shown"
    publish(analyst, before)
    page = detail(client, awareness)
    assert "+15.3" in page
    assert api_sessions(client, awareness)[0]["questionnaires_status"] == "shown"


def test_the_reads_take_as_many_queries_for_three_sessions_as_for_one(
    client: Client,
    awareness: Intervention,
    indicators: dict[str, Indicator],
    member: User,
    analyst: User,
) -> None:
    client.force_login(member)

    def counted(sessions: int) -> tuple[int, int, int]:
        for day in range(Session.objects.filter(intervention=awareness).count(), sessions):
            before, after = waves_estimated(indicators, f"school-{day}")
            session_made(awareness, before, after, day=day + 1)
        rows = list(Session.objects.filter(intervention=awareness))
        reader = User.objects.get(pk=member.pk)  # its roles not read yet
        with CaptureQueriesContext(connection) as read:
            measured = session_questionnaires(reader, rows)
        assert len(measured) == sessions
        assert all(m.state == "shown" for m in measured.values())
        with CaptureQueriesContext(connection) as page:
            detail(client, awareness)
        with CaptureQueriesContext(connection) as api:
            api_sessions(client, awareness)
        return len(read), len(page), len(api)

    one = counted(1)
    # The reader's roles, the waves it reads, every estimate at once, the waves' margins.
    assert one[0] == 4
    assert counted(3) == one


def test_the_page_reads_in_greek(
    client: Client, awareness: Intervention, indicators: dict[str, Indicator], member: User
) -> None:
    before, after = waves_estimated(indicators, "school")
    session_made(awareness, before, after)
    client.force_login(member)
    page = detail(client, awareness, language="el")
    assert '<html lang="el"' in page
    assert "trust (ελ)" in page
    # The locale's numbers: a decimal comma.
    assert "41,2" in page
    assert "+15,3" in page
