"""What the estimates are made of and what they are: margins, cell statistics, the snapshot.

Margins are written by `surveys.services.margins`, the rest by `surveys.services.refresh`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from curim.areas.models import Area
from surveys.models.choices import AgeBand, Gender, RespondentGroup
from surveys.models.questionnaire import Indicator, Survey


class PopulationMargin(models.Model):
    """How many people a district, gender or age band (or a cell of them) holds.

    With every cell (district × gender × age band) given, estimates are post-stratified; with
    one-way margins only (rows with the other dimensions blank), the weights are raked.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="margins")
    area = models.ForeignKey(
        Area,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices, blank=True)
    age_band = models.CharField(_("age"), max_length=6, choices=AgeBand.choices, blank=True)
    population = models.PositiveIntegerField(_("population"))

    class Meta:
        verbose_name = _("population margin")
        verbose_name_plural = _("population margins")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "area", "gender", "age_band"],
                nulls_distinct=False,
                name="margin_once",
            ),
            models.CheckConstraint(
                condition=models.Q(area__isnull=False)
                | ~models.Q(gender="")
                | ~models.Q(age_band=""),
                name="margin_names_a_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area or '*'} {self.gender or '*'} {self.age_band or '*'}: {self.population}"


class CellStatistic(models.Model):
    """One indicator's respondent scores in one fine cell of a wave: n, mean, squared deviations.

    A fine cell is district × group × gender × age band. Weights are constant within a
    profile cell, so every estimate, weighted or not, is computed from these; new responses
    are merged into them without reading the others.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(Area, null=True, on_delete=models.CASCADE, related_name="+")
    group = models.CharField(max_length=12)
    gender = models.CharField(max_length=6)
    age_band = models.CharField(max_length=6)
    n = models.PositiveIntegerField()
    mean = models.FloatField()  # of y
    m2 = models.FloatField()  # the sum of squared deviations of y from the mean

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "indicator", "area", "group", "gender", "age_band"],
                nulls_distinct=False,
                name="cell_statistic_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_id} {self.group} {self.gender} {self.age_band}"


class IndicatorEstimate(models.Model):
    """One row of the indicator snapshot: an estimate for a wave, district and group.

    A blank district or group means all of them. Written only by the refresh; a cell
    with fewer than SURVEY_MIN_CELL_SIZE respondents, and every cell that would let a group
    smaller than that be worked out from the others (surveys/suppression.py), is stored as
    `suppressed`, with no n and no values, so that no output can show them.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="estimates")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="estimates")
    area = models.ForeignKey(Area, null=True, on_delete=models.CASCADE, related_name="+")
    group = models.CharField(max_length=12, choices=RespondentGroup.choices, blank=True)
    n = models.PositiveIntegerField(null=True)
    weighted = models.BooleanField(default=False)
    suppressed = models.BooleanField(default=False)
    estimate = models.FloatField(null=True)
    std_error = models.FloatField(null=True)
    ci_low = models.FloatField(null=True)
    ci_high = models.FloatField(null=True)
    effective_n = models.FloatField(null=True)

    class Meta:
        verbose_name = _("indicator estimate")
        verbose_name_plural = _("indicator estimates")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "indicator", "area", "group"],
                nulls_distinct=False,
                name="estimate_once",
            ),
            models.CheckConstraint(
                condition=models.Q(suppressed=False)
                | models.Q(n__isnull=True, estimate__isnull=True, std_error__isnull=True),
                name="estimate_suppressed_has_no_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_id or '*'} {self.group or '*'}"


class SurveyRefresh(models.Model):
    """Where the background refresh of one wave's estimates stands."""

    class State(models.TextChoices):
        IDLE = "idle", _("Up to date")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        FAILED = "failed", _("Failed")

    # A refresh holds the PostgreSQL advisory lock (LOCK_KEY, survey id) while it works; the
    # lock dies with its connection, so it, not `state`, says whether a refresh is alive.
    LOCK_KEY = 0x5375  # "Su"

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="refresh")
    # Bumped by every change the estimates depend on: responses, margins, indicators.
    changed_at = models.DateTimeField(_("data changed"), null=True)
    # The `changed_at` the last successful refresh covered; behind it means stale.
    refreshed_through = models.DateTimeField(null=True)
    refreshed_at = models.DateTimeField(_("last refresh"), null=True)
    # Set by changes that new responses alone do not explain (margins, indicators, questions):
    # the next refresh rebuilds the cell statistics instead of adding to them.
    needs_rebuild = models.BooleanField(default=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.IDLE)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("estimate refresh")
        verbose_name_plural = _("estimate refreshes")

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.state}"
