"""Writes of what the admin builds (questions, choices, indicators) and copying a wave.

What a question, a choice or an indicator means feeds every estimate made from it, so each
write here asks for a rebuild of the statistics of the waves it touches (`survey_changed`),
in the same transaction. The admin's save and delete paths call these.
"""

from django.db import transaction

from surveys.models import Choice, Indicator, IndicatorItem, Question, Survey
from surveys.selectors import surveys_with_responses
from surveys.services.refresh import survey_changed


def question_save(*, question: Question) -> Question:
    question.full_clean()
    with transaction.atomic():
        question.save()
        _wave_changed(question.survey_id)
    return question


def question_delete(*, question: Question) -> None:
    survey_id = question.survey_id
    with transaction.atomic():
        question.delete()
        _wave_changed(survey_id)


def choice_save(*, choice: Choice) -> Choice:
    choice.full_clean()
    with transaction.atomic():
        choice.save()
        _wave_changed(choice.question.survey_id)
    return choice


def choice_delete(*, choice: Choice) -> None:
    survey_id = choice.question.survey_id
    with transaction.atomic():
        choice.delete()
        _wave_changed(survey_id)


def indicator_save(*, indicator: Indicator) -> Indicator:
    indicator.full_clean()
    with transaction.atomic():
        indicator.save()
        _indicators_changed()
    return indicator


def indicator_delete(*, indicator: Indicator) -> None:
    with transaction.atomic():
        indicator.delete()
        _indicators_changed()


def indicator_item_save(*, item: IndicatorItem) -> IndicatorItem:
    item.full_clean()
    with transaction.atomic():
        item.save()
        _indicators_changed()
    return item


def indicator_item_delete(*, item: IndicatorItem) -> None:
    with transaction.atomic():
        item.delete()
        _indicators_changed()


def _wave_changed(survey_id: int) -> None:
    # Only a wave with responses has statistics to rebuild.
    if Survey.objects.filter(pk=survey_id, responses__isnull=False).exists():
        survey_changed(survey_ids=[survey_id], rebuild=True)


def _indicators_changed() -> None:
    # An indicator is measured alike in every wave that asks its questions.
    survey_changed(survey_ids=surveys_with_responses(), rebuild=True)


def survey_copy(*, survey: Survey) -> Survey:
    """A new draft wave with the same sections, questions and choices, following this one.

    How a wave changes once it has responses: its copy can be edited freely, and indicators
    measure both alike as long as the question codes stay.
    """
    code = f"{survey.code}-copy"
    n = 2
    while Survey.objects.filter(code=code).exists():
        code, n = f"{survey.code}-copy-{n}", n + 1
    with transaction.atomic():
        copy = Survey.objects.create(
            code=code[:50],
            title_en=f"{survey.title_en} (copy)",
            title_el=f"{survey.title_el} (αντίγραφο)",
            intro_en=survey.intro_en,
            intro_el=survey.intro_el,
            uses_invitations=survey.uses_invitations,
            follows=survey,
        )
        for section in survey.sections.prefetch_related("questions__choices"):
            questions = list(section.questions.all())
            section.pk, section.survey = None, copy
            section.save()
            for question in questions:
                choices = list(question.choices.all())
                question.pk, question.survey, question.section = None, copy, section
                question.save()
                for choice in choices:
                    choice.pk, choice.question = None, question
                    choice.save()
    return copy
