"""The API's refusals of a report or an evaluation say what to do, in the asker's language, in
the same shape as ever: 400 with a list of messages per field."""

from typing import Any

import pytest
from django.test import Client

from curim.reports.models import AUDIT_PARAMETERS

pytestmark = pytest.mark.django_db

EMPTY_REPORT_FORM = {
    # What the report form sends when nothing is chosen or written (multipart, as the page does).
    "category": "",
    "description": "",
    "severity": "",
    "feeling_unsafe": "",
}

# A report the API accepts; each test changes what it refuses.
REPORT = {
    "category": "graffiti",
    "description": "Tags on the wall",
    "latitude": 37.9475,
    "longitude": 23.6395,
    "severity": 2,
    "feeling_unsafe": 3,
}


def _refusal(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    errors: dict[str, list[str]] = response.json()
    assert all(isinstance(messages, list) for messages in errors.values())
    return errors


def test_an_empty_report_form_is_refused_in_words_per_field(client: Client, piraeus: None) -> None:
    errors = _refusal(client.post("/api/v1/reports/", EMPTY_REPORT_FORM))
    assert errors == {
        "category": ["Choose a category."],
        "description": ["Describe what happened."],
        "severity": ["Choose how serious it is, from 1 to 5."],
        "feeling_unsafe": ["Choose how unsafe it makes you feel, from 1 to 5."],
    }


def test_an_empty_report_form_is_refused_in_greek(client: Client, piraeus: None) -> None:
    errors = _refusal(
        client.post("/api/v1/reports/", EMPTY_REPORT_FORM, headers={"Accept-Language": "el"})
    )
    assert errors["category"] == ["Επιλέξτε κατηγορία."]
    assert errors["severity"] == ["Επιλέξτε πόσο σοβαρό είναι, από 1 έως 5."]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("category", "no-such-category", "There is no category in use with this code."),
        ("severity", 9, "Choose how serious it is, from 1 to 5."),
        ("severity", "very", "Choose how serious it is, from 1 to 5."),
        ("latitude", 91, "Give the place's latitude: a number from -90 to 90."),
        ("description", "x" * 5001, "Keep the description to 5000 characters or fewer."),
    ],
)
def test_a_wrong_value_is_refused_in_words(
    client: Client, piraeus: None, field: str, value: object, message: str
) -> None:
    body = {**REPORT, field: value}
    errors = _refusal(client.post("/api/v1/reports/", body, content_type="application/json"))
    assert errors == {field: [message]}


def test_an_evaluation_without_place_or_ratings_is_refused_in_words(client: Client) -> None:
    errors = _refusal(
        client.post("/api/v1/evaluations/", {"time_of_day": "day"}, content_type="application/json")
    )
    assert errors["latitude"] == ["Give the place's latitude: a number from -90 to 90."]
    assert errors["longitude"] == ["Give the place's longitude: a number from -180 to 180."]
    for rating in ("feeling", *AUDIT_PARAMETERS):
        assert errors[rating] == ["Choose a rating from 1 to 5."]


def test_a_limit_message_follows_each_request_s_language(client: Client, piraeus: None) -> None:
    # The submission's fields are built once per thread (curim/reports/api/reports.py) and DRF
    # formats a limit's message once: each language needs fields of its own.
    body = {**REPORT, "description": "x" * 5001}
    expected = {
        "en": "Keep the description to 5000 characters or fewer.",
        "el": "Η περιγραφή πρέπει να έχει έως 5000 χαρακτήρες.",
    }
    for language in ("en", "el", "en", "el"):
        response = client.post(
            "/api/v1/reports/",
            body,
            content_type="application/json",
            headers={"Accept-Language": language},
        )
        assert _refusal(response) == {"description": [expected[language]]}


def test_one_submission_s_refusal_does_not_stay_for_the_next(client: Client, piraeus: None) -> None:
    body = REPORT
    assert _refusal(
        client.post("/api/v1/reports/", {**body, "severity": 9}, content_type="application/json")
    ) == {"severity": ["Choose how serious it is, from 1 to 5."]}
    response = client.post("/api/v1/reports/", body, content_type="application/json")
    assert response.status_code == 201, response.content
