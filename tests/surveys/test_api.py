"""The survey API: definitions, responses with errors per question, estimates for staff only."""

from typing import Any

import pytest
from django.test import Client

from curim.accounts.roles import Role
from surveys.models import Response, Survey
from surveys.services.refresh import estimates_refresh
from surveys.services.responses import invitations_issue
from tests.factories import user_with_role
from tests.surveys.generate import build_wave

BODY: dict[str, Any] = {
    "group": "resident",
    "district": "piraeus-1",
    "answers": {"safe_day": 4, "years_here": 12.5, "trust_police": "high", "works_in": "piraeus-2"},
}


@pytest.fixture
def open_wave(wave: Survey, piraeus: None) -> Survey:
    wave.status = Survey.Status.OPEN
    wave.save()
    return wave


def post(client: Client, survey: Survey, body: dict[str, Any]) -> Any:
    return client.post(
        f"/api/v1/surveys/{survey.code}/responses/", body, content_type="application/json"
    )


@pytest.mark.django_db
def test_open_waves_are_described_with_their_questions(client: Client, open_wave: Survey) -> None:
    (wave,) = client.get("/api/v1/surveys/").json()
    assert wave["code"] == open_wave.code
    questions = {q["code"]: q for q in wave["sections"][0]["questions"]}
    assert questions["safe_day"]["kind"] == "likert"
    assert [c["code"] for c in questions["trust_police"]["choices"]] == ["low", "high"]
    assert client.get(f"/api/v1/surveys/{open_wave.code}/").status_code == 200
    open_wave.status = Survey.Status.DRAFT
    open_wave.save()
    assert client.get("/api/v1/surveys/").json() == []
    assert client.get(f"/api/v1/surveys/{open_wave.code}/").status_code == 404


@pytest.mark.django_db
def test_a_response_is_created(client: Client, open_wave: Survey) -> None:
    created = post(client, open_wave, BODY)
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "complete"
    assert Response.objects.get().answers.count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"safe_day": 0}, "safe_day"),
        ({"safe_day": True}, "safe_day"),
        ({"years_here": "many"}, "years_here"),
        ({"trust_police": ["low", "high"]}, "trust_police"),
        ({"unknown_question": 1}, "unknown_question"),
        ({"trust_police": None}, "trust_police"),  # required
    ],
)
def test_bad_answers_are_400_per_question_and_nothing_is_saved(
    client: Client, open_wave: Survey, answers: dict[str, Any], field: str
) -> None:
    refused = post(client, open_wave, {**BODY, "answers": {**BODY["answers"], **answers}})
    assert refused.status_code == 400
    assert field in refused.json()
    assert not Response.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "answers",
    [
        '"comment": "a lone half of a pair: \\ud800"',
        '"seen": ["\\udfff"]',
        '"\\ud800unknown": "1"',
        '"comment": "\\u0000\\ud800"',
    ],
)
def test_a_lone_surrogate_anywhere_in_the_answers_is_a_400_not_a_500(
    client: Client, open_wave: Survey, answers: str
) -> None:
    # Written out as JSON text: Python could not encode such a string to send it.
    body = (
        '{"group": "resident", "district": "piraeus-1", "answers": {"safe_day": 4, '
        '"years_here": 1, "trust_police": "high", "works_in": "piraeus-2", ' + answers + "}}"
    )
    client.raise_request_exception = False
    refused = client.post(
        f"/api/v1/surveys/{open_wave.code}/responses/", body, content_type="application/json"
    )
    assert refused.status_code == 400
    assert refused.json()
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_bad_bodies_are_400(client: Client, open_wave: Survey) -> None:
    assert post(client, open_wave, {"answers": "nope"}).status_code == 400
    assert post(client, open_wave, {**BODY, "group": "tourist"}).json().keys() == {"group"}
    assert post(client, open_wave, {**BODY, "district": "atlantis"}).status_code == 400


@pytest.mark.django_db
def test_invitations_and_limits(client: Client, open_wave: Survey, settings: Any) -> None:
    settings.SURVEY_RESPONSES_PER_HOUR = 1
    assert post(client, open_wave, BODY).status_code == 201
    assert post(client, open_wave, BODY).status_code == 429
    open_wave.uses_invitations = True
    open_wave.save()
    (token,) = invitations_issue(survey=open_wave, count=1)
    assert post(client, open_wave, BODY).status_code == 403
    assert post(client, open_wave, {**BODY, "token": token}).status_code == 201
    assert post(client, open_wave, {**BODY, "token": token}).status_code == 403


@pytest.mark.django_db
def test_estimates_are_for_the_council_and_survey_staff(client: Client) -> None:
    """Until the wave's results are published (tests/surveys/test_results.py)."""
    wave = build_wave(seed=31, n=300)
    estimates_refresh(survey=wave.survey)
    assert client.get("/api/v1/indicators/").json()["results"] == []
    client.force_login(user_with_role(Role.CITIZEN))
    assert client.get("/api/v1/indicators/").json()["results"] == []
    client.force_login(user_with_role(Role.COUNCIL_MEMBER))
    rows = client.get(
        f"/api/v1/indicators/?survey={wave.survey.code}&indicator=perception&area=all&group=all"
    ).json()["results"]
    assert len(rows) == 1
    assert rows[0]["area"] is None
    assert rows[0]["group"] is None
    assert rows[0]["n"] > 200
    everything = client.get(f"/api/v1/indicators/?survey={wave.survey.code}&page_size=1000")
    suppressed = [r for r in everything.json()["results"] if r["suppressed"]]
    assert suppressed
    for row in suppressed:
        assert row["n"] is None
        assert row["estimate"] is None
        assert row["std_error"] is None
        assert row["ci_low"] is None
