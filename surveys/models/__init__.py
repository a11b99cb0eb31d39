"""The safety survey's records: the questionnaire, the responses, and the estimates made of them."""

from surveys.models.choices import AgeBand, Gender, RespondentGroup
from surveys.models.estimates import (
    CellStatistic,
    IndicatorEstimate,
    PopulationMargin,
    SurveyRefresh,
)
from surveys.models.questionnaire import (
    FROZEN_CHOICE_FIELDS,
    FROZEN_QUESTION_FIELDS,
    RESERVED_CODES,
    Choice,
    Indicator,
    IndicatorItem,
    Question,
    QuestionKind,
    Section,
    Survey,
)
from surveys.models.responses import Answer, ExportRecord, ImportBatch, Invitation, Response

__all__ = [
    "FROZEN_CHOICE_FIELDS",
    "FROZEN_QUESTION_FIELDS",
    "RESERVED_CODES",
    "AgeBand",
    "Answer",
    "CellStatistic",
    "Choice",
    "ExportRecord",
    "Gender",
    "ImportBatch",
    "Indicator",
    "IndicatorEstimate",
    "IndicatorItem",
    "Invitation",
    "PopulationMargin",
    "Question",
    "QuestionKind",
    "RespondentGroup",
    "Response",
    "Section",
    "Survey",
    "SurveyRefresh",
]
