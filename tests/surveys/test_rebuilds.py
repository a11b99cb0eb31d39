"""Changes to what the estimates mean ask for a rebuild, explicitly, whichever way they are made:
margins on the staff pages, questions, choices and indicators in the Django admin."""

from typing import Any

import pytest
from django.db.models import Model
from django.forms.models import model_to_dict
from django.test import Client

from curim.accounts.roles import Role
from surveys.margins import MarginLine
from surveys.models import Choice, Indicator, PopulationMargin, Question, SurveyRefresh
from surveys.services.margins import margins_clear, margins_replace
from surveys.services.refresh import estimates_refresh
from tests.factories import user_with_role, verified_client
from tests.surveys.generate import Wave, build_wave


@pytest.fixture
def refreshed(db: None) -> Wave:
    wave = build_wave(seed=21, n=60)
    estimates_refresh(survey=wave.survey)
    assert asked(wave) == (False, "idle")
    return wave


@pytest.fixture
def analyst(client: Client, db: None) -> Client:
    verified_client(user_with_role(Role.ANALYST), client)
    return client


def asked(wave: Wave) -> tuple[bool, str]:
    """Whether the wave's statistics are to be rebuilt, and the refresh's state."""
    state = SurveyRefresh.objects.get(survey=wave.survey)
    return state.needs_rebuild, state.state


def fields(obj: Model, prefix: str = "") -> dict[str, Any]:
    """An object's fields as the admin's form posts them."""
    data: dict[str, Any] = {}
    for name, value in model_to_dict(obj).items():
        if value is True:
            data[prefix + name] = "on"
        elif value is not None and value is not False:
            data[prefix + name] = value
    return data


def inline(prefix: str, rows: list[Model], *extra: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": len(rows) + len(extra),
        f"{prefix}-INITIAL_FORMS": len(rows),
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for i, stored in enumerate(rows):
        data.update(fields(stored, f"{prefix}-{i}-"))
    for i, added in enumerate(extra, start=len(rows)):
        data.update({f"{prefix}-{i}-{name}": value for name, value in added.items()})
    return data


def test_new_margins_ask_for_a_rebuild(refreshed: Wave) -> None:
    line = MarginLine(area=refreshed.districts[0], gender="", age_band="", population=9)
    margins_replace(survey=refreshed.survey, lines=[line])
    assert asked(refreshed) == (True, "queued")


def test_removing_the_margins_asks_for_a_rebuild(refreshed: Wave) -> None:
    PopulationMargin.objects.create(
        survey=refreshed.survey, area=refreshed.districts[0], population=9
    )
    assert margins_clear(survey=refreshed.survey) == 1
    assert asked(refreshed) == (True, "queued")
    assert not PopulationMargin.objects.exists()


def test_an_indicator_changed_in_the_admin_asks_for_a_rebuild(
    analyst: Client, refreshed: Wave
) -> None:
    trust = Indicator.objects.get(code="trust")
    data = {**fields(trust), "threshold": 50, **inline("items", list(trust.items.all()))}
    assert analyst.post(f"/admin/surveys/indicator/{trust.pk}/change/", data).status_code == 302
    assert Indicator.objects.get(pk=trust.pk).threshold == 50
    assert asked(refreshed) == (True, "queued")


def test_an_indicator_item_added_in_the_admin_asks_for_a_rebuild(
    analyst: Client, refreshed: Wave
) -> None:
    trust = Indicator.objects.get(code="trust")
    new_item = {"question_code": "safe_night", "indicator": trust.pk}
    data = {**fields(trust), **inline("items", list(trust.items.all()), new_item)}
    assert analyst.post(f"/admin/surveys/indicator/{trust.pk}/change/", data).status_code == 302
    assert trust.items.filter(question_code="safe_night").exists()
    assert asked(refreshed) == (True, "queued")


def test_an_indicator_deleted_in_the_admin_asks_for_a_rebuild(
    analyst: Client, refreshed: Wave
) -> None:
    trust = Indicator.objects.get(code="trust")
    deleted = analyst.post(f"/admin/surveys/indicator/{trust.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert not Indicator.objects.filter(code="trust").exists()
    assert asked(refreshed) == (True, "queued")


def test_a_question_edited_in_the_admin_asks_for_a_rebuild(
    analyst: Client, refreshed: Wave
) -> None:
    question = Question.objects.get(survey=refreshed.survey, code="trust_police")
    middle = {"code": "c3b", "label_en": "3b", "label_el": "3b", "score": 3.5, "position": 9}
    data = {
        **fields(question),
        "text_en": "How far do you trust the police?",
        **inline("choices", list(question.choices.all()), {**middle, "question": question.pk}),
    }
    changed = analyst.post(f"/admin/surveys/question/{question.pk}/change/", data)
    assert changed.status_code == 302, changed.content.decode()[:2000]
    assert Question.objects.get(pk=question.pk).text_en == "How far do you trust the police?"
    assert Choice.objects.filter(question=question, code="c3b").exists()
    assert asked(refreshed) == (True, "queued")
