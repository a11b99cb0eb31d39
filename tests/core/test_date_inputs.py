"""Every date and time input of every form round-trips in every language (issue 11, finding 1).

A value goes out as the page writes it, through what the browser keeps of it (a date input
empties anything but ISO), and comes back through the field: it must be the value it was. The
project's forms are found by walking every form class of the project's modules, the admin's
by asking each registered ModelAdmin for its form, so a new form is covered without a test
of its own.
"""

import datetime
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone, translation

from curim.core import date_inputs
from tests.factories import user_create
from tests.form_html import form_inputs

ROOT = Path(__file__).resolve().parents[2]
APPS = ("curim", "surveys", "victims", "councils", "interventions")
LANGUAGES = [code for code, _name in settings.LANGUAGES]

SAMPLES: list[tuple[type[forms.Field], Any]] = [
    # The split field first: it is a MultiValueField, not a DateTimeField.
    (forms.SplitDateTimeField, datetime.datetime(2026, 12, 1, 14, 5, 30)),
    (forms.DateTimeField, datetime.datetime(2026, 12, 1, 14, 5)),
    (forms.DateField, datetime.date(1980, 1, 2)),
    (forms.TimeField, datetime.time(14, 5)),
]
ISO_WIDGETS = (date_inputs.DateInput, date_inputs.TimeInput, date_inputs.DateTimeInput)


def _sample(field: forms.Field) -> Any:
    for kind, value in SAMPLES:
        if isinstance(field, kind):
            if isinstance(value, datetime.datetime):
                return timezone.make_aware(value)
            return value
    return None


def _project_forms() -> Iterator[type[forms.BaseForm]]:
    importlib.import_module(settings.ROOT_URLCONF)  # the views, and with them their forms
    for path in ROOT.glob("*/**/forms*.py"):
        if path.parts[len(ROOT.parts)] in APPS and ".venv" not in path.parts:
            importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
    seen: set[type[forms.BaseForm]] = set()
    pending = list(forms.BaseForm.__subclasses__())
    while pending:
        form = pending.pop()
        if form in seen:
            continue
        seen.add(form)
        pending.extend(form.__subclasses__())
        if form.__module__.startswith(APPS):
            yield form


def _admin_forms() -> Iterator[tuple[str, type[forms.BaseForm]]]:
    request = RequestFactory().get("/admin/")
    request.user = user_create(is_superuser=True, is_staff=True)
    for model, model_admin in admin.site._registry.items():
        yield f"admin {model._meta.label}", model_admin.get_form(request, None)


def _date_fields(form: type[forms.BaseForm]) -> Iterator[tuple[str, forms.Field]]:
    fields: dict[str, forms.Field] = getattr(form, "base_fields", {})
    for name, field in fields.items():
        if _sample(field) is not None:
            yield name, field


def _round_trip(field: forms.Field, name: str, value: Any) -> Any:
    html = field.widget.render(name, field.prepare_value(value))
    sent = form_inputs(html).values
    try:
        return field.clean(field.widget.value_from_datadict(sent, {}, name))
    except ValidationError as error:
        return f"{error.messages} from {sent}"


def test_the_walk_finds_the_forms_with_dates() -> None:
    found = {form.__name__ for form in _project_forms() if any(_date_fields(form))}
    assert {"PersonForm", "CaseForm", "SessionForm", "ConsentForm"} <= found


def test_every_date_or_time_field_of_the_project_uses_an_iso_input() -> None:
    # Django's own widgets write the language's format, which a date input cannot show. The
    # admin's forms are left to the admin, whose text inputs and calendar take that format.
    wrong = [
        f"{form.__module__}.{form.__name__}.{name}: {type(field.widget).__name__}"
        for form in _project_forms()
        if not form.__module__.endswith(".admin")
        for name, field in _date_fields(form)
        if not isinstance(field.widget, ISO_WIDGETS)
    ]
    assert not wrong, "use curim.core.date_inputs:\n" + "\n".join(wrong)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_date_or_time_of_the_project_forms_comes_back_as_it_went(language: str) -> None:
    lost = []
    with translation.override(language):
        for form in _project_forms():
            for name, field in _date_fields(form):
                value = _sample(field)
                back = _round_trip(field, name, value)
                if back != value:
                    lost.append(f"{form.__name__}.{name}: {value!r} came back as {back!r}")
    assert not lost, "\n".join(lost)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_date_or_time_of_the_admin_forms_comes_back_as_it_went(language: str) -> None:
    lost, checked = [], []
    with translation.override(language):
        for label, form in _admin_forms():
            for name, field in _date_fields(form):
                value = _sample(field)
                back = _round_trip(field, name, value)
                checked.append(f"{label}.{name}")
                if back != value:
                    lost.append(f"{label}.{name}: {value!r} came back as {back!r}")
    assert "admin councils.Meeting.starts_at" in checked, f"the walk is broken: {checked}"
    assert not lost, "\n".join(lost)
