"""Writes of a wave's population margins: replacing them all, or removing them all.

Both change every weight of the wave, so both ask for a rebuild of its estimates.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from surveys.margins import MarginLine
from surveys.models import PopulationMargin, Survey
from surveys.services.publication import refuse_if_published
from surveys.services.refresh import survey_changed


def margins_replace(*, survey: Survey, lines: list[MarginLine]) -> None:
    """The wave's margins become these lines, all or none."""
    refuse_if_published(survey)
    if not lines:
        # Removing every margin reweights the whole wave: only `margins_clear` does that.
        raise ValidationError({"margins": [_("Give at least one margin.")]})
    margins = [
        PopulationMargin(
            survey=survey,
            area=line.area,
            gender=line.gender,
            age_band=line.age_band,
            population=line.population,
        )
        for line in lines
    ]
    for margin in margins:
        # The constraints hold by construction (`margins_parse`), and checking uniqueness
        # against the stored margins, which these replace, would be wrong.
        margin.full_clean(
            exclude=["survey", "area"], validate_unique=False, validate_constraints=False
        )
    with transaction.atomic():
        PopulationMargin.objects.filter(survey=survey).delete()
        PopulationMargin.objects.bulk_create(margins)
        survey_changed(survey_ids=[survey.pk], rebuild=True)


def margins_clear(*, survey: Survey) -> int:
    """Remove every margin of the wave (its estimates become unweighted); returns how many."""
    refuse_if_published(survey)
    with transaction.atomic():
        removed, _by_model = PopulationMargin.objects.filter(survey=survey).delete()
        if removed:
            survey_changed(survey_ids=[survey.pk], rebuild=True)
    return removed
