"""The unit's date and time inputs round-trip in every language (issue 11, finding 1).

A date input rendered in the language's format (`02/01/1980` in Greek) is empty in the
browser, and saving the form unchanged erased the date of birth.
"""

import datetime
import re
from typing import Any

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone, translation

from curim.accounts.models import User
from tests.form_html import form_inputs
from tests.victims.clients import case_create, member, verified_client
from victims.forms import CaseForm, ConsentForm, PersonForm, SessionForm
from victims.models import Person

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "el"]
BIRTH = datetime.date(1980, 1, 2)
GREEK = {"Accept-Language": "el"}


def _value(form: forms.Form, name: str) -> str:
    """The value= of a field's input, as the page writes it."""
    found = re.search(r'\bvalue="([^"]*)"', str(form[name]))
    assert found, f"{name} is rendered without a value: {form[name]}"
    return found.group(1)


def _round_trip(form: forms.Form, name: str) -> Any:
    """The field's rendered value, parsed back by the field, in the active language."""
    field = form.fields[name]
    return field.clean(_value(form, name))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_person_form_writes_the_birth_date_and_call_times_in_iso(language: str) -> None:
    with translation.override(language):
        form = PersonForm(
            initial={"date_of_birth": BIRTH, "calls_from": "09:00", "calls_until": "18:30"}
        )
        assert _value(form, "date_of_birth") == "1980-01-02"
        assert _value(form, "calls_from") == "09:00"
        assert _value(form, "calls_until") == "18:30"
        assert _round_trip(form, "date_of_birth") == BIRTH
        assert _round_trip(form, "calls_until") == datetime.time(18, 30)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_case_form_writes_todays_intake_date_in_iso(language: str) -> None:
    with translation.override(language):
        form = CaseForm()
        assert _value(form, "intake_date") == timezone.localdate().isoformat()
        assert _round_trip(form, "intake_date") == timezone.localdate()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_session_form_writes_its_date_and_time_in_iso(language: str) -> None:
    held = timezone.make_aware(datetime.datetime(2026, 12, 1, 14, 5))
    with translation.override(language):
        form = SessionForm(initial={"held_at": held})
        assert _value(form, "held_at") == "2026-12-01T14:05"
        assert _round_trip(form, "held_at") == held


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_consent_form_writes_its_date_and_time_in_iso(language: str) -> None:
    with translation.override(language):
        form = ConsentForm()
        now = timezone.localtime().replace(second=0, microsecond=0)
        assert _value(form, "given_at") == now.strftime("%Y-%m-%dT%H:%M")
        assert _round_trip(form, "given_at") == now


def _person_with_birth_date(worker: User) -> tuple[Any, Person]:
    case = case_create(worker, person_fields={"full_name": "Eleni P.", "date_of_birth": BIRTH})
    assert case.person is not None
    return case, case.person


def test_a_greek_edit_page_saved_untouched_keeps_the_date_of_birth() -> None:
    worker = member()
    client = verified_client(worker)
    case, person = _person_with_birth_date(worker)
    url = reverse("victims:case_edit", args=[case.pk])

    page = form_inputs(client.get(url, headers=GREEK).content.decode())
    response = client.post(url, page.values, headers=GREEK)
    assert response.status_code == 302, response.content.decode()
    person.refresh_from_db()
    assert person.date_of_birth == BIRTH
    assert page.types["person-date_of_birth"] == "date"
    assert page.values["person-date_of_birth"] == "1980-01-02"


def test_the_greek_new_case_page_fills_in_todays_intake_date() -> None:
    client = verified_client(member())
    page = form_inputs(client.get(reverse("victims:case_new"), headers=GREEK).content.decode())
    assert page.types["case-intake_date"] == "date"
    assert page.values["case-intake_date"] == timezone.localdate().isoformat()


def test_the_greek_session_page_fills_in_the_time_in_iso() -> None:
    worker = member()
    client = verified_client(worker)
    case = case_create(worker)
    url = reverse("victims:session_new", args=[case.pk])
    page = form_inputs(client.get(url, headers=GREEK).content.decode())
    assert page.types["held_at"] == "datetime-local"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", page.values["held_at"])


def test_the_greek_consent_page_fills_in_the_time_in_iso() -> None:
    worker = member()
    client = verified_client(worker)
    case = case_create(worker)
    url = reverse("victims:consent_new", args=[case.pk])
    page = form_inputs(client.get(url, headers=GREEK).content.decode())
    assert page.types["given_at"] == "datetime-local"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", page.values["given_at"])
