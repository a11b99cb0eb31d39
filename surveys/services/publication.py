"""Publishing a wave's results: the council's analysts decide when the public sees them.

A published wave's estimates and changes are read by everyone: on `/surveys/results/`, in its
CSV files and in `/api/v1/indicators/` (and `/changes/`, for pairs of published waves). Only a
closed wave whose estimates are up to date can be published, so that the public reads final
figures; withdrawing hides them again at once. Both are written to the wave's history in the
Django admin, with who did it and when.
"""

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from curim.accounts.models import User
from surveys.models import IndicatorEstimate, Survey, SurveyRefresh
from surveys.selectors import wave_published_now
from surveys.services.refresh import survey_changed

FROZEN = gettext_lazy(
    "The results of this wave are published, so its data cannot change: withdraw the results "
    "first (on the survey data page)."
)


def refuse_if_published(survey: Survey) -> None:
    """A published wave's data are frozen: its responses, imports and margins cannot change
    while the public reads its results (two downloads on either side of one new response would
    tell that respondent apart). Withdraw the results first."""
    if wave_published_now(survey.pk):
        raise ValidationError({"survey": [FROZEN]})


def results_publication_problems(survey: Survey) -> list[str]:
    """Why the wave's results cannot be published now (nothing: they can)."""
    problems = []
    if survey.status != Survey.Status.CLOSED:
        problems.append(_("Close the wave first: results are published once fieldwork ends."))
    if not IndicatorEstimate.objects.filter(survey=survey).exists():
        problems.append(_("The wave has no estimates yet."))
    refresh = SurveyRefresh.objects.filter(survey=survey).first()
    if refresh is not None and (
        refresh.state != SurveyRefresh.State.IDLE
        or (refresh.changed_at is not None and refresh.refreshed_through != refresh.changed_at)
    ):
        problems.append(
            _("The estimates are being recomputed: publish them once they are up to date.")
        )
    return problems


def results_publish(*, survey: Survey, user: User) -> None:
    """Open the wave's results to the public, or raise ValidationError saying why not."""
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.results_published_at is not None:
            return
        # survey_changed locks this row before it reads whether the wave is published: either
        # it marked the wave changed before (and the check below sees it) or it sees the wave
        # published and leaves its estimates alone.
        SurveyRefresh.objects.select_for_update().filter(survey=survey).first()
        problems = results_publication_problems(survey)
        if problems:
            raise ValidationError(problems)
        survey.results_published_at = timezone.now()
        survey.results_published_by = user
        survey.save(update_fields=["results_published_at", "results_published_by"])
        _log(survey, user)


def results_withdraw(*, survey: Survey, user: User) -> None:
    """Hide the wave's results from the public again."""
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.results_published_at is None:
            return
        survey.results_published_at = None
        survey.results_published_by = None
        survey.save(update_fields=["results_published_at", "results_published_by"])
        _log(survey, user)
        refresh = SurveyRefresh.objects.filter(survey=survey).first()
        if refresh is not None and refresh.changed_at != refresh.refreshed_through:
            # Changed while frozen (an indicator, say): refreshed now that it may change.
            survey_changed(survey_ids=[survey.pk], rebuild=True)


def _log(survey: Survey, user: User) -> None:
    """A line of the wave's admin history ("Changed results published."), in the admin's
    structured form so that it is shown in the reader's language."""
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[survey],
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": ["results published"]}}],
        single_object=True,
    )
