"""Reading answers: raw values from a form, the API or an imported row, checked per question.

One parser serves every way in, so that a web page, a paper questionnaire typed in by staff and
a row of an imported file are held to the same rules and get the same messages.
"""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from curim.areas.models import Area
from surveys.models import (
    AgeBand,
    Choice,
    Gender,
    Question,
    QuestionKind,
    RespondentGroup,
    Survey,
)

MAX_TEXT = 5000
PROFILE_FIELDS = ("group", "district", "age_band", "gender")

Raw = str | list[str] | None


@dataclass(frozen=True)
class Definition:
    """A wave's questions with their choices, and the districts, loaded once."""

    survey: Survey
    questions: list[Question]
    choices: dict[int, dict[str, Choice]]  # question id -> code -> choice
    districts: dict[str, Area]  # code -> district

    @classmethod
    def load(cls, survey: Survey) -> "Definition":
        questions = list(
            survey.questions.select_related("section").order_by(
                "section__position", "section_id", "position", "pk"
            )
        )
        choices: dict[int, dict[str, Choice]] = {q.pk: {} for q in questions}
        for choice in Choice.objects.filter(question__survey=survey).order_by("position", "pk"):
            choices[choice.question_id][choice.code] = choice
        districts = {a.code: a for a in Area.objects.filter(level=Area.Level.DISTRICT)}
        return cls(survey, questions, choices, districts)

    @property
    def codes(self) -> set[str]:
        return {q.code for q in self.questions}


@dataclass(frozen=True)
class Answered:
    question: Question
    number: float | None = None
    choices: tuple[Choice, ...] = ()
    area: Area | None = None
    text: str = ""


@dataclass(frozen=True)
class Profile:
    group: str
    district: Area | None
    age_band: str = ""
    gender: str = ""


@dataclass
class Parsed:
    profile: Profile | None = None
    answers: list[Answered] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def answers_parse(
    definition: Definition, raw: Mapping[str, Raw], *, complete: bool, unknown_allowed: bool
) -> Parsed:
    """Check a whole response. `complete`: required questions must be answered (a response
    saved to continue later may leave them). Errors are keyed by question code or profile field.
    """
    parsed = Parsed()
    raw = {name: _printable(value) for name, value in raw.items()}
    parsed.profile = _profile(definition, raw, parsed)
    if not unknown_allowed:
        for name in sorted(set(raw) - definition.codes - set(PROFILE_FIELDS)):
            # Named as sent, but in characters any page or JSON answer can carry.
            parsed.fail(
                SURROGATE.sub("\ufffd", CONTROL.sub("", name)),
                _("There is no question with this code in the survey."),
            )
    for question in definition.questions:
        value = raw.get(question.code)
        values = [v.strip() for v in value] if isinstance(value, list) else [(value or "").strip()]
        values = [v for v in values if v]
        if not values:
            if complete and question.required:
                parsed.fail(question.code, _("This question needs an answer."))
            continue
        if any(SURROGATE.search(v) for v in values):
            parsed.fail(question.code, _("The answer has characters that cannot be stored."))
            continue
        answered = _answer(definition, question, values, parsed)
        if answered is not None:
            parsed.answers.append(answered)
    return parsed


# Control characters (NUL above all) have no place in an answer; tab and line breaks stay.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Half of a UTF-16 pair, alone (JSON can say "\ud800"): no text encoding can store it, so such
# an answer is refused, not silently changed.
SURROGATE = re.compile("[\ud800-\udfff]")


def _printable(value: Raw) -> Raw:
    if isinstance(value, list):
        return [CONTROL.sub("", str(item)) for item in value]
    return None if value is None else CONTROL.sub("", str(value))


def _profile(definition: Definition, raw: Mapping[str, Raw], parsed: Parsed) -> Profile | None:
    def one(name: str) -> str:
        value = raw.get(name)
        return (value[0] if isinstance(value, list) and value else str(value or "")).strip()

    group, district_code = one("group"), one("district")
    age_band, gender = one("age_band"), one("gender")
    if group not in RespondentGroup.values:
        parsed.fail("group", _("Choose resident, shop owner or local employee."))
    district = definition.districts.get(district_code)
    if district is None:
        parsed.fail("district", _("Choose a district of the municipality."))
    if age_band and age_band not in AgeBand.values:
        parsed.fail("age_band", _("Choose one of the age bands."))
    if gender and gender not in Gender.values:
        parsed.fail("gender", _("Choose one of the answers."))
    if {"group", "district", "age_band", "gender"} & set(parsed.errors):
        return None
    return Profile(group=group, district=district, age_band=age_band, gender=gender)


def _answer(
    definition: Definition, question: Question, values: list[str], parsed: Parsed
) -> Answered | None:
    code, kind = question.code, question.kind
    if kind != QuestionKind.MULTIPLE and len(values) > 1:
        parsed.fail(code, _("Give one answer."))
        return None
    value = values[0]
    if kind == QuestionKind.LIKERT:
        try:
            point = int(value)
        except ValueError:
            point = question.scale_min - 1
        if not question.scale_min <= point <= question.scale_max:
            parsed.fail(
                code,
                _("Choose a point from %(low)d to %(high)d.")
                % {"low": question.scale_min, "high": question.scale_max},
            )
            return None
        return Answered(question, number=float(point))
    if kind == QuestionKind.NUMBER:
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            number = math.nan
        low = -math.inf if question.number_min is None else question.number_min
        high = math.inf if question.number_max is None else question.number_max
        if not math.isfinite(number) or not low <= number <= high:
            parsed.fail(code, _number_message(question))
            return None
        return Answered(question, number=number)
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        known = definition.choices[question.pk]
        unknown = [v for v in values if v not in known]
        if unknown or len(set(values)) != len(values):
            parsed.fail(code, _("Choose among the answers offered."))
            return None
        return Answered(question, choices=tuple(known[v] for v in values))
    if kind == QuestionKind.DISTRICT:
        district = definition.districts.get(value)
        if district is None:
            parsed.fail(code, _("Choose a district of the municipality."))
            return None
        return Answered(question, area=district)
    if len(value) > MAX_TEXT:
        parsed.fail(code, _("Keep the answer under %(n)d characters.") % {"n": MAX_TEXT})
        return None
    return Answered(question, text=value)


def _number_message(question: Question) -> str:
    if question.number_min is not None and question.number_max is not None:
        return _("Give a number from %(low)s to %(high)s.") % {
            "low": f"{question.number_min:g}",
            "high": f"{question.number_max:g}",
        }
    return _("Give a number.")
