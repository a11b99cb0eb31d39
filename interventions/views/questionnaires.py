"""The questionnaires of an intervention's sessions as its page shows them: per session, a table
of each indicator before, after, the change and its 95% interval (the design system's
`{% table %}`, numbers in the reader's format, as the survey's own pages write them), or a
sentence saying why there is no figure."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from curim.core.templatetags.components import Column
from interventions.models import Session
from interventions.session_questionnaires import (
    IndicatorChange,
    QuestionnaireState,
    SessionQuestionnaires,
)
from surveys.dashboard import signed
from surveys.models import IndicatorEstimate


@dataclass(frozen=True)
class QuestionnaireSection:
    session: Session
    table: dict[str, list[Any]] | None  # rows and head for {% table %}
    sentence: str  # why some or all figures are missing; "" when all are there


def questionnaire_sections(
    sessions: list[Session], measured: dict[int, SessionQuestionnaires]
) -> list[QuestionnaireSection]:
    """One section per session with a questionnaire before and after, in the sessions' order."""
    k = settings.SURVEY_MIN_CELL_SIZE
    sections = []
    for session in sessions:
        found = measured.get(session.pk)
        if found is None:
            continue
        table: dict[str, list[Any]] | None = None
        if found.indicators:
            table = {"rows": [_row(item, k) for item in found.indicators], "head": _head()}
        sections.append(QuestionnaireSection(session, table, _sentence(found, k)))
    return sections


def _head() -> list[Column]:
    return [
        Column(_("Indicator")),
        Column(_("Before"), numeric=True),
        Column(_("After"), numeric=True),
        Column(_("Change"), numeric=True),
        Column(_("%(level)s%% interval") % {"level": 95}, numeric=True),
    ]


def _row(item: IndicatorChange, k: int) -> list[object]:
    change = item.change
    return [
        item.indicator.name,
        _figure(item.before, k),
        _figure(item.after, k),
        signed(change.change) if change else "—",
        _("%(low)s to %(high)s") % {"low": signed(change.ci_low), "high": signed(change.ci_high)}
        if change
        else "—",
    ]


def _figure(estimate: IndicatorEstimate | None, k: int) -> str:
    if estimate is None:
        return "—"
    if estimate.suppressed or estimate.estimate is None:
        return ngettext("fewer than %(k)d respondent", "fewer than %(k)d respondents", k) % {"k": k}
    return str(floatformat(estimate.estimate, 1))


def _sentence(found: SessionQuestionnaires, k: int) -> str:
    state = found.state
    if state == QuestionnaireState.NOT_PUBLISHED:
        return _("The results of this session's questionnaires are not published yet.")
    if state == QuestionnaireState.NOT_ESTIMATED:
        if found.waiting == ("before", "after"):
            return _(
                "Neither questionnaire has estimates yet: they are computed in the background "
                "once the answers are in."
            )
        if found.waiting == ("before",):
            return _(
                "The questionnaire before has no estimates yet: they are computed in the "
                "background once its answers are in."
            )
        return _(
            "The questionnaire after has no estimates yet: they are computed in the background "
            "once its answers are in."
        )
    if state == QuestionnaireState.SUPPRESSED:
        return ngettext(
            "No change is shown: fewer than %(k)d person answered one of the questionnaires, "
            "so its figures are hidden.",
            "No change is shown: fewer than %(k)d people answered one of the questionnaires, "
            "so its figures are hidden.",
            k,
        ) % {"k": k}
    if state == QuestionnaireState.NOTHING_SHARED:
        return _("The two questionnaires measure no indicator in common: no change is shown.")
    if any(item.suppressed for item in found.indicators):
        return ngettext(
            "An indicator without a change had fewer than %(k)d respondent in one of the "
            "questionnaires: its figure is hidden.",
            "An indicator without a change had fewer than %(k)d respondents in one of the "
            "questionnaires: its figure is hidden.",
            k,
        ) % {"k": k}
    return ""
