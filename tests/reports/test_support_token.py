"""A report in a victimisation category lets its reporter ask the unit for contact; the report
itself stores nothing about it."""

import base64
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from curim.reports.models import Report
from curim.reports.support import support_token_read
from tests.reports.conftest import report_body

pytestmark = pytest.mark.usefixtures("piraeus")
URL = "/api/v1/reports/"


def _submit(client: Client, category: str) -> dict[str, str]:
    response = client.post(URL, report_body(category=category), content_type="application/json")
    assert response.status_code == 201
    body: dict[str, str] = response.json()
    return body


def test_only_a_victimisation_category_answers_with_a_support_token(client: Client) -> None:
    victim = _submit(client, "sexual-harassment")
    assert support_token_read(victim["support"]) == victim["id"]
    assert "support" not in _submit(client, "graffiti")


def test_a_forged_or_altered_token_is_worth_nothing(client: Client) -> None:
    body = _submit(client, "sexual-harassment")
    forged = signing.dumps(body["id"], salt="curim.reports.support-request")
    assert support_token_read(forged) is None
    assert support_token_read(body["support"][:-2] + "xx") is None
    assert support_token_read("not even base64!") is None
    # Encrypted: the report's id cannot be read off the token.
    assert body["id"] not in base64.urlsafe_b64decode(body["support"] + "==").decode("latin-1")


def test_an_expired_token_is_refused(client: Client) -> None:
    body = _submit(client, "sexual-harassment")
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert support_token_read(body["support"]) is None


def test_the_thank_you_page_offers_support_only_with_a_valid_token(client: Client) -> None:
    body = _submit(client, "sexual-harassment")
    page = client.get(reverse("reports:submitted"), {"id": body["id"], "support": body["support"]})
    assert reverse("victims:support_request") in page.content.decode()
    forged = client.get(reverse("reports:submitted"), {"id": body["id"], "support": "nonsense"})
    assert reverse("victims:support_request") not in forged.content.decode()


def test_a_request_from_a_report_is_linked_only_inside_the_unit(client: Client) -> None:
    from victims.models import IntakeRequest

    body = _submit(client, "sexual-harassment")
    response = client.post(
        reverse("victims:support_request"),
        {
            "report": body["support"],
            "name": "Sofia",
            "channel": "email",
            "email": "sofia@example.org",
            "agree": "on",
        },
    )
    assert response.status_code == 302
    assert IntakeRequest.objects.get().details["report"] == body["id"]
    # Nothing on the report row changed or points to the request.
    report = Report.objects.get(public_id=body["id"])
    assert not [f for f in Report._meta.get_fields() if f.related_model is IntakeRequest]
    assert report.events.count() == 1
