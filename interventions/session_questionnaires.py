"""What the short questionnaires before and after a session measured: per indicator, the change
after − before with its standard error and 95% interval (docs/interventions/evaluation.md,
"Session questionnaires").

A read, like `selectors.py`. The figures are the survey module's: each wave's stored estimate of
the indicator for all districts and all groups (`IndicatorEstimate`, written by its refresh),
read through `surveys.selectors` as the reader may read them (the public: the waves whose results
are published; the council and the survey staff: every wave), and the change is its own
arithmetic (`surveys.changes.change_of`: independent waves, SE = √(SE₀² + SE₁²), no change where
either wave's cell is suppressed). The public gets a session's figures only when both waves'
results are published, as the survey's own changes (a change and one wave give the other).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser

from curim.accounts.models import User
from interventions.models import Session
from surveys.changes import Change, Pair, change_of
from surveys.models import Indicator, IndicatorEstimate
from surveys.selectors import estimates_visible_to, waves_comparable, waves_readable_by


class QuestionnaireState(StrEnum):
    SHOWN = "shown"  # at least one indicator's change
    NOT_PUBLISHED = "not_published"  # the reader may not read one of the waves
    NOT_ESTIMATED = "not_estimated"  # a wave has no estimates yet (not refreshed)
    SUPPRESSED = "suppressed"  # no change: each shared indicator is suppressed in a wave
    NOTHING_SHARED = "nothing_shared"  # the waves measure no indicator in common


@dataclass(frozen=True)
class IndicatorChange:
    indicator: Indicator
    before: IndicatorEstimate | None  # None: the wave does not measure the indicator
    after: IndicatorEstimate | None
    change: Change | None  # None: not measured in both, or suppressed in one

    @property
    def suppressed(self) -> bool:
        return any(e is not None and e.suppressed for e in (self.before, self.after))


@dataclass(frozen=True)
class SessionQuestionnaires:
    session_id: int
    state: QuestionnaireState
    # For NOT_ESTIMATED: which waves have no estimates ("before", "after").
    waiting: tuple[str, ...]
    indicators: list[IndicatorChange]


def session_questionnaires(
    user: User | AnonymousUser, sessions: Iterable[Session]
) -> dict[int, SessionQuestionnaires]:
    """By session id, what the questionnaires of each session with a wave before and a wave
    after measured, as `user` may read it; sessions without both waves are left out. Three
    queries whatever the number of sessions (the readable waves, every estimate, the margins)."""
    pairs: dict[int, Pair] = {
        s.pk: (s.survey_before_id, s.survey_after_id)
        for s in sessions
        if s.survey_before_id is not None and s.survey_after_id is not None
    }
    if not pairs:
        return {}
    ids = {pk for pair in pairs.values() for pk in pair}
    readable = set(waves_readable_by(user).filter(pk__in=ids).values_list("pk", flat=True))
    shown = {sid: pair for sid, pair in pairs.items() if set(pair) <= readable}
    shown_ids = {pk for pair in shown.values() for pk in pair}
    # The total cell of each wave (all districts, all groups), from what the reader may read.
    totals: dict[int, dict[int, IndicatorEstimate]] = {pk: {} for pk in shown_ids}
    if shown_ids:
        for e in estimates_visible_to(user).filter(
            survey_id__in=shown_ids, area__isnull=True, group=""
        ):
            totals[e.survey_id][e.indicator_id] = e
    comparable = waves_comparable(shown.values()) if shown else {}
    return {
        sid: (
            _measured(sid, pair, totals, comparable[pair])
            if sid in shown
            else SessionQuestionnaires(sid, QuestionnaireState.NOT_PUBLISHED, (), [])
        )
        for sid, pair in pairs.items()
    }


def _measured(
    session_id: int,
    pair: Pair,
    totals: dict[int, dict[int, IndicatorEstimate]],
    comparable: bool,
) -> SessionQuestionnaires:
    before, after = totals[pair[0]], totals[pair[1]]
    waiting = tuple(name for name, wave in (("before", before), ("after", after)) if not wave)
    if waiting:
        return SessionQuestionnaires(session_id, QuestionnaireState.NOT_ESTIMATED, waiting, [])
    indicators = {e.indicator_id: e.indicator for e in (*before.values(), *after.values())}
    rows = []
    for pk, indicator in sorted(indicators.items(), key=lambda i: (i[1].position, i[1].code)):
        was, now = before.get(pk), after.get(pk)
        change = change_of(was, now, comparable=comparable) if was and now else None
        rows.append(IndicatorChange(indicator, was, now, change))
    if any(row.change is not None for row in rows):
        state = QuestionnaireState.SHOWN
    elif any(row.suppressed for row in rows):
        state = QuestionnaireState.SUPPRESSED
    else:
        state = QuestionnaireState.NOTHING_SHARED
    return SessionQuestionnaires(session_id, state, (), rows)
