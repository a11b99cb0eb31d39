"""The questionnaire form: what it shows (sections, questions, choices, the values given and
the errors) and the raw answers a posted form or a saved response holds.

Built here from a wave's definition, so that the template only lays it out; the answers are
checked by `surveys.answers`, whichever way they come.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from curim.core.bilingual import in_current_language
from curim.core.templatetags.components import SummaryItem
from surveys.answers import PROFILE_FIELDS, Definition, Raw
from surveys.models import (
    AgeBand,
    Gender,
    Question,
    QuestionKind,
    RespondentGroup,
    Response,
)

# The kinds of item drawn as a group of radios or checkboxes.
BOX_KINDS = ("radio", QuestionKind.LIKERT, QuestionKind.SINGLE, QuestionKind.MULTIPLE)
# A scale up to this many points fits on one line of the two-thirds column.
INLINE_SCALE_POINTS = 7


@dataclass
class Option:
    value: str
    label: str
    chosen: bool = False


@dataclass
class Item:
    name: str
    label: str
    kind: str
    help: str = ""
    required: bool = False
    options: list[Option] = field(default_factory=list)
    value: str = ""
    errors: list[str] = field(default_factory=list)
    low_label: str = ""
    high_label: str = ""
    minimum: float | None = None
    maximum: float | None = None

    @property
    def boxes(self) -> bool:
        """Drawn as radios or checkboxes in a fieldset (not one control with a label)."""
        return self.kind in BOX_KINDS

    @property
    def control_id(self) -> str:
        """The id an error summary links to: the control, or the first box of a group (as
        `{% field %}` does for a Django form)."""
        return f"id_{self.name}_0" if self.boxes else f"id_{self.name}"

    @property
    def described_by(self) -> str:
        """The ids of the hint and the error message, for `aria-describedby`."""
        ids = [
            f"{self.name}-hint" if self.help else "",
            f"{self.name}-error" if self.errors else "",
        ]
        return " ".join(filter(None, ids))

    @property
    def inline(self) -> bool:
        """Radios side by side from a tablet up (GOV.UK stacks them on a phone): a short
        scale, or two short choices."""
        if self.kind == QuestionKind.LIKERT:
            return len(self.options) <= INLINE_SCALE_POINTS
        return self.kind in ("radio", QuestionKind.SINGLE) and len(self.options) <= 2


@dataclass
class Part:
    title: str
    items: list[Item]


def error_summary_items(parts: list[Part]) -> list[SummaryItem]:
    """The errors of the questionnaire for GOV.UK's error summary, in the order of the
    questions, each after its question and linking to its control."""
    return [
        SummaryItem(f"{item.label}: {error}", f"#{item.control_id}")
        for part in parts
        for item in part.items
        for error in item.errors
    ]


def raw_from_post(definition: Definition, data: QueryDict) -> dict[str, Raw]:
    multiple = {q.code for q in definition.questions if q.kind == QuestionKind.MULTIPLE}
    raw: dict[str, Raw] = {}
    for name in [*PROFILE_FIELDS, *(q.code for q in definition.questions)]:
        raw[name] = data.getlist(name) if name in multiple else data.get(name, "")
    return raw


def raw_from_response(response: Response) -> dict[str, Raw]:
    raw: dict[str, Raw] = {
        "group": response.group,
        "district": response.area.code if response.area else "",
        "age_band": response.age_band,
        "gender": response.gender,
    }
    for answer in response.answers.select_related("question", "choice", "area"):
        code = answer.question.code
        if answer.question.kind == QuestionKind.MULTIPLE and answer.choice is not None:
            chosen = raw.setdefault(code, [])
            if isinstance(chosen, list):
                chosen.append(answer.choice.code)
        elif answer.choice is not None:
            raw[code] = answer.choice.code
        elif answer.area is not None:
            raw[code] = answer.area.code
        elif answer.number is not None:
            raw[code] = f"{answer.number:g}"
        else:
            raw[code] = answer.text
    return raw


def form_parts(
    definition: Definition, raw: Mapping[str, Raw], errors: Mapping[str, list[str]]
) -> list[Part]:
    districts = [
        Option(code, in_current_language(area, "name"))
        for code, area in sorted(definition.districts.items())
    ]

    def pick(name: str, label: str, kind: str, options: list[Option], required: bool) -> Item:
        value = raw.get(name) or ""
        chosen = set(value) if isinstance(value, list) else {value}
        return Item(
            name=name,
            label=label,
            kind=kind,
            required=required,
            options=[Option(o.value, o.label, o.value in chosen) for o in options],
            errors=list(errors.get(name, [])),
        )

    about = Part(
        _("About you"),
        [
            pick(
                "group",
                _("You answer as"),
                "radio",
                [Option(v, str(label)) for v, label in RespondentGroup.choices],
                True,
            ),
            pick("district", _("Your district"), "select", districts, True),
            pick(
                "age_band",
                _("Your age"),
                "select",
                [Option(v, str(label)) for v, label in AgeBand.choices],
                False,
            ),
            pick(
                "gender",
                _("Gender"),
                "select",
                [Option(v, str(label)) for v, label in Gender.choices],
                False,
            ),
        ],
    )
    parts = [about]
    by_section: dict[int, Part] = {}
    for question in definition.questions:
        part = by_section.get(question.section_id)
        if part is None:
            part = by_section[question.section_id] = Part(question.section.title, [])
            parts.append(part)
        part.items.append(_item(definition, question, raw, errors, districts))
    return parts


def _item(
    definition: Definition,
    question: Question,
    raw: Mapping[str, Raw],
    errors: Mapping[str, list[str]],
    districts: list[Option],
) -> Item:
    value = raw.get(question.code) or ""
    chosen = set(value) if isinstance(value, list) else {value}
    item = Item(
        name=question.code,
        label=question.text,
        kind=question.kind,
        help=question.help,
        required=question.required,
        value=value if isinstance(value, str) else "",
        errors=list(errors.get(question.code, [])),
    )
    if question.kind == QuestionKind.LIKERT:
        points = range(question.scale_min, question.scale_max + 1)
        item.options = [Option(str(p), str(p), str(p) in chosen) for p in points]
        item.low_label = in_current_language(question, "low_label")
        item.high_label = in_current_language(question, "high_label")
        # The ends of the scale are said in the hint, so that its points stay on one line.
        ends = [
            _("%(point)s is “%(meaning)s”") % {"point": point, "meaning": meaning}
            for point, meaning in [
                (question.scale_min, item.low_label),
                (question.scale_max, item.high_label),
            ]
            if meaning
        ]
        if ends:
            item.help = " ".join(filter(None, [item.help, ", ".join(ends) + "."]))
    elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        item.options = [
            Option(code, choice.label, code in chosen)
            for code, choice in definition.choices[question.pk].items()
        ]
    elif question.kind == QuestionKind.DISTRICT:
        item.options = [Option(o.value, o.label, o.value in chosen) for o in districts]
    elif question.kind == QuestionKind.NUMBER:
        item.minimum, item.maximum = question.number_min, question.number_max
    return item


class ResumeEmailForm(forms.Form):
    """The address to send a saved survey's resume link to: used for that one e-mail, and
    never stored (surveys.services.resume)."""

    email = forms.EmailField(
        label=gettext_lazy("Your e-mail address"),
        help_text=gettext_lazy(
            "We send the link to this address once and do not keep it: it is not saved with "
            "your answers or anywhere else."
        ),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
