"""Changes that alter what the estimates mean ask for a rebuild of the wave's statistics.

New responses are added by the services; these are the other changes, made in the admin.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save

from surveys.models import Choice, Indicator, IndicatorItem, PopulationMargin, Question, Survey
from surveys.refresh import survey_changed


def _waves_with_responses() -> list[int]:
    return list(
        Survey.objects.filter(responses__isnull=False).distinct().values_list("pk", flat=True)
    )


def margin_changed(sender: type, instance: PopulationMargin, **kwargs: Any) -> None:
    survey_changed(survey_ids=[instance.survey_id], rebuild=True)


def question_changed(sender: type, instance: Question | Choice, **kwargs: Any) -> None:
    survey_id = (
        instance.survey_id if isinstance(instance, Question) else instance.question.survey_id
    )
    if Survey.objects.filter(pk=survey_id, responses__isnull=False).exists():
        survey_changed(survey_ids=[survey_id], rebuild=True)


def indicator_changed(sender: type, instance: Indicator | IndicatorItem, **kwargs: Any) -> None:
    survey_changed(survey_ids=_waves_with_responses(), rebuild=True)


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(margin_changed, sender=PopulationMargin, dispatch_uid=f"margin-{signal}")
        for asked in (Question, Choice):
            signal.connect(question_changed, sender=asked, dispatch_uid=f"{asked}-{signal}")
        for measure in (Indicator, IndicatorItem):
            signal.connect(indicator_changed, sender=measure, dispatch_uid=f"{measure}-{signal}")
