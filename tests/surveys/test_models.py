"""A wave's questions change freely until it has responses; then what answers mean is frozen."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import translation

from surveys.models import Answer, Choice, Question, Response, Section, Survey
from tests.factories import verified_client


def respond(survey: Survey) -> Response:
    response = Response.objects.create(survey=survey, source="web", group="resident")
    Answer.objects.create(
        response=response, question=survey.questions.get(code="safe_day"), number=4
    )
    Answer.objects.create(
        response=response,
        question=survey.questions.get(code="trust_police"),
        choice=Choice.objects.get(code="high"),
    )
    return response


def test_before_responses_anything_may_change(wave: Survey) -> None:
    question = wave.questions.get(code="safe_day")
    question.kind = "number"
    question.code = "safe_by_day"
    question.full_clean()
    question.save()
    question.delete()


def test_with_responses_a_questions_meaning_is_frozen(wave: Survey) -> None:
    respond(wave)
    question = wave.questions.get(code="safe_day")
    for field, value in [("kind", "number"), ("code", "other"), ("scale_max", 7)]:
        changed = Question.objects.get(pk=question.pk)
        setattr(changed, field, value)
        with pytest.raises(ValidationError) as error:
            changed.full_clean()
        assert field in error.value.message_dict
    # Its wording and help may still be corrected.
    question.text_el = "Πόσο ασφαλής νιώθετε τη μέρα;"
    question.full_clean()
    question.save()


def test_with_responses_a_number_range_may_widen_but_not_narrow(wave: Survey) -> None:
    respond(wave)
    question = wave.questions.get(code="years_here")
    question.number_max = 120
    question.full_clean()
    question.number_min = 5
    with pytest.raises(ValidationError, match="widen"):
        question.full_clean()


def test_with_responses_choice_codes_and_scores_are_frozen(wave: Survey) -> None:
    respond(wave)
    choice = Choice.objects.get(code="low")
    choice.score = 2
    with pytest.raises(ValidationError) as error:
        choice.full_clean()
    assert "score" in error.value.message_dict
    choice = Choice.objects.get(code="low")
    choice.label_en = "Low trust"
    choice.full_clean()


def test_answered_questions_and_choices_cannot_be_deleted(wave: Survey) -> None:
    respond(wave)
    with pytest.raises(ProtectedError):
        wave.questions.get(code="safe_day").delete()
    with pytest.raises(ProtectedError):
        Choice.objects.get(code="high").delete()
    with pytest.raises(ProtectedError):
        wave.delete()


def test_a_question_stays_in_a_section_of_its_own_survey(wave: Survey) -> None:
    other = Survey.objects.create(code="other", title_en="Other", title_el="Άλλη")
    foreign = Section.objects.create(survey=other, title_en="S", title_el="Σ")
    question = wave.questions.get(code="comment")
    question.section = foreign
    with pytest.raises(ValidationError, match="another survey"):
        question.full_clean()


def test_the_database_refuses_bad_scales_and_duplicate_codes(wave: Survey) -> None:
    question = wave.questions.get(code="safe_day")
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.filter(pk=question.pk).update(scale_min=5, scale_max=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(
            survey=wave, section=question.section, code="safe_day", kind="text", text_en="x"
        )


def test_an_answer_is_stored_once_per_question_and_choice(wave: Survey) -> None:
    response = respond(wave)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(
            response=response, question=wave.questions.get(code="safe_day"), number=2
        )


def test_texts_follow_the_language(wave: Survey) -> None:
    with translation.override("el"):
        assert wave.title == "Αφετηρία"
    with translation.override("en"):
        assert wave.title == "Baseline"
    wave.title_el = ""
    with translation.override("el"):
        assert wave.title == "Baseline"  # English stands in for a missing translation


def test_a_question_code_cannot_take_a_profile_fields_name(wave: Survey) -> None:
    question = wave.questions.get(code="comment")
    question.code = "district"
    with pytest.raises(ValidationError, match="profile field"):
        question.full_clean()


def test_a_wave_is_copied_into_a_new_draft_that_follows_it(wave: Survey) -> None:
    from surveys.services.questionnaire import survey_copy

    respond(wave)
    copy = survey_copy(survey=wave)
    assert (copy.code, copy.status, copy.follows) == ("baseline-test-copy", "draft", wave)
    assert sorted(copy.questions.values_list("code", flat=True)) == sorted(
        wave.questions.values_list("code", flat=True)
    )
    assert list(Choice.objects.filter(question__survey=copy).values_list("code", "score")) == list(
        Choice.objects.filter(question__survey=wave).values_list("code", "score")
    )
    assert not copy.has_responses()
    question = copy.questions.get(code="safe_day")
    question.kind = "number"  # the copy may change freely
    question.full_clean()
    assert survey_copy(survey=wave).code == "baseline-test-copy-2"


def test_an_analyst_copies_a_wave_in_the_admin(wave: Survey, client: Any) -> None:
    from curim.accounts.roles import Role
    from tests.factories import user_with_role

    verified_client(user_with_role(Role.ANALYST), client)
    response = client.post(
        "/admin/surveys/survey/",
        {"action": "copy_as_new_wave", "_selected_action": [wave.pk]},
    )
    assert response.status_code == 302
    assert Survey.objects.filter(code="baseline-test-copy", follows=wave).exists()


def test_a_new_choice_cannot_stretch_an_answered_scale(wave: Survey) -> None:
    respond(wave)
    question = wave.questions.get(code="trust_police")
    inside = Choice(question=question, code="mid", label_en="m", label_el="μ", score=3)
    inside.full_clean()
    outside = Choice(question=question, code="max", label_en="x", label_el="ξ", score=7)
    with pytest.raises(ValidationError, match="within 1–5"):
        outside.full_clean()


def test_the_admin_says_what_is_missing_instead_of_failing(wave: Survey, client: Any) -> None:
    from curim.accounts.roles import Role
    from tests.factories import user_with_role

    verified_client(user_with_role(Role.ANALYST), client)
    response = client.post(
        "/admin/surveys/question/add/",
        {
            "code": "new",
            "kind": "likert",
            "text_en": "x",
            "text_el": "ξ",
            "scale_min": 1,
            "scale_max": 5,
            "position": 0,
            "choices-TOTAL_FORMS": 0,
            "choices-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
