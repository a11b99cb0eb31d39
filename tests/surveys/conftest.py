"""Fixtures for surveys: a small wave with one question of each kind."""

import pytest

from surveys.models import Choice, Question, QuestionKind, Section, Survey


@pytest.fixture
def wave(db: None) -> Survey:
    survey = Survey.objects.create(code="baseline-test", title_en="Baseline", title_el="Αφετηρία")
    section = Section.objects.create(
        survey=survey, position=1, title_en="Safety", title_el="Ασφάλεια"
    )

    def ask(code: str, kind: str, **fields: object) -> Question:
        return Question.objects.create(
            survey=survey,
            section=section,
            code=code,
            kind=kind,
            text_en=f"Question {code}",
            text_el=f"Ερώτηση {code}",
            **fields,
        )

    ask("safe_day", QuestionKind.LIKERT)
    ask("years_here", QuestionKind.NUMBER, number_min=0, number_max=100)
    ask("comment", QuestionKind.TEXT, required=False)
    ask("works_in", QuestionKind.DISTRICT)
    trust = ask("trust_police", QuestionKind.SINGLE)
    for position, (code, score) in enumerate([("low", 1.0), ("high", 5.0)]):
        Choice.objects.create(
            question=trust, position=position, code=code, label_en=code, label_el=code, score=score
        )
    ask("seen", QuestionKind.MULTIPLE, required=False)
    return survey
