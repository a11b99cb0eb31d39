"""A council's security strategy for a period: priorities, their objectives, and the measures
that pursue them.

An objective names a target on one of the survey's indicators (a value by a later wave or by a
year) or on counts of citizen reports of a group (a count by a year), in a district or the
whole area, from a baseline. Whether more is better follows from the target: a target above the
baseline asks for a rise, one below it for a fall.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from councils.models import limits
from councils.models.bodies import Council
from councils.models.choices import TargetKind
from councils.models.constraints import FieldCheckConstraint, FieldUniqueConstraint
from councils.models.recommendations import Recommendation
from councils.models.texts import in_either_language
from curim.areas.models import Area
from curim.reports.models import CategoryGroup

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


def _titled(name: str) -> FieldCheckConstraint:
    return FieldCheckConstraint(
        field="title_en",
        condition=~models.Q(title_en="") | ~models.Q(title_el=""),
        name=name,
        violation_error_message=_("Give the title in English or in Greek."),
    )


def _order_unique(parent: str, name: str) -> FieldUniqueConstraint:
    return FieldUniqueConstraint(
        fields=[parent, "order"],
        field="order",
        name=name,
        deferrable=models.Deferrable.DEFERRED,
        violation_error_message=_("Another entry at this level has this number."),
    )


def _title(verbose_name: StrOrPromise) -> models.CharField[str, str]:
    return models.CharField(verbose_name, max_length=limits.TITLE_MAX, blank=True)


def _description(verbose_name: StrOrPromise) -> models.TextField[str, str]:
    return models.TextField(
        verbose_name,
        blank=True,
        max_length=limits.TEXT_MAX,
        validators=[MaxLengthValidator(limits.TEXT_MAX)],
    )


class Strategy(models.Model):
    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="strategies"
    )
    title_en = _title(_("title (English)"))
    title_el = _title(_("title (Greek)"))
    summary_en = _description(_("summary (English)"))
    summary_el = _description(_("summary (Greek)"))
    starts_year = models.PositiveSmallIntegerField(_("from the year"), validators=YEAR_VALIDATORS)
    ends_year = models.PositiveSmallIntegerField(_("to the year"), validators=YEAR_VALIDATORS)
    published = models.BooleanField(
        _("shown to the public"),
        default=False,
        help_text=_("Leave off while the strategy is being drafted."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("security strategy")
        verbose_name_plural = _("security strategies")
        ordering = ["council", "-starts_year"]
        constraints = [
            _titled("strategy_titled"),
            FieldCheckConstraint(
                field="ends_year",
                condition=models.Q(ends_year__gte=models.F("starts_year")),
                name="strategy_ends_after_start",
                violation_error_message=_("The period ends before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_year}–{self.ends_year})"

    @property
    def title(self) -> str:
        return in_either_language(self, "title")

    @property
    def summary(self) -> str:
        return in_either_language(self, "summary")


class Priority(models.Model):
    strategy = models.ForeignKey(
        Strategy, verbose_name=_("strategy"), on_delete=models.CASCADE, related_name="priorities"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title_en = _title(_("title (English)"))
    title_el = _title(_("title (Greek)"))
    description_en = _description(_("description (English)"))
    description_el = _description(_("description (Greek)"))

    class Meta:
        verbose_name = _("strategic priority")
        verbose_name_plural = _("strategic priorities")
        ordering = ["strategy", "order"]
        constraints = [
            _titled("priority_titled"),
            _order_unique("strategy", "priority_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    @property
    def title(self) -> str:
        return in_either_language(self, "title")

    @property
    def description(self) -> str:
        return in_either_language(self, "description")


class Objective(models.Model):
    priority = models.ForeignKey(
        Priority, verbose_name=_("priority"), on_delete=models.CASCADE, related_name="objectives"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title_en = _title(_("title (English)"))
    title_el = _title(_("title (Greek)"))
    target_kind = models.CharField(_("measured by"), max_length=14, choices=TargetKind.choices)
    indicator = models.ForeignKey(
        "surveys.Indicator",
        verbose_name=_("survey indicator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category_group = models.CharField(
        _("group of reports"), max_length=16, choices=CategoryGroup.choices, blank=True
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the council's whole area."),
    )
    baseline_survey = models.ForeignKey(
        "surveys.Survey",
        verbose_name=_("baseline wave"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    baseline_value = models.FloatField(
        _("baseline value"),
        null=True,
        blank=True,
        help_text=_("Empty: read from the baseline wave's estimate."),
    )
    target_value = models.FloatField(_("target value"))
    target_survey = models.ForeignKey(
        "surveys.Survey",
        verbose_name=_("by the wave"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_year = models.PositiveSmallIntegerField(
        _("by the year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )

    class Meta:
        verbose_name = _("strategic objective")
        verbose_name_plural = _("strategic objectives")
        ordering = ["priority", "order"]
        constraints = [
            _titled("objective_titled"),
            _order_unique("priority", "objective_order_unique"),
            FieldCheckConstraint(
                field="indicator",
                condition=~models.Q(target_kind="indicator") | models.Q(indicator__isnull=False),
                name="objective_indicator_named",
                violation_error_message=_("Choose the indicator the objective targets."),
            ),
            FieldCheckConstraint(
                field="category_group",
                condition=~models.Q(target_kind="report_count") | ~models.Q(category_group=""),
                name="objective_report_group_named",
                violation_error_message=_("Choose the group of reports the objective counts."),
            ),
            FieldCheckConstraint(
                field="target_kind",
                condition=models.Q(target_kind="indicator", category_group="")
                | models.Q(target_kind="report_count", indicator__isnull=True),
                name="objective_one_kind_of_target",
                violation_error_message=_(
                    "An objective targets an indicator or counts of reports, not both."
                ),
            ),
            FieldCheckConstraint(
                field="target_survey",
                condition=~models.Q(target_kind="report_count")
                | models.Q(target_survey__isnull=True, baseline_survey__isnull=True),
                name="objective_reports_by_year",
                violation_error_message=_("Counts of reports are compared by year, not by wave."),
            ),
            FieldCheckConstraint(
                field="baseline_survey",
                condition=~models.Q(target_kind="indicator")
                | models.Q(baseline_survey__isnull=False),
                name="objective_indicator_baseline_wave",
                violation_error_message=_("Choose the wave that gives the baseline."),
            ),
            FieldCheckConstraint(
                field="baseline_year",
                condition=~models.Q(target_kind="report_count")
                | models.Q(baseline_year__isnull=False),
                name="objective_reports_baseline_year",
                violation_error_message=_("Give the year whose count is the baseline."),
            ),
            FieldCheckConstraint(
                field="target_year",
                condition=models.Q(target_survey__isnull=True, target_year__isnull=False)
                | models.Q(target_survey__isnull=False, target_year__isnull=True),
                name="objective_target_by_wave_or_year",
                violation_error_message=_(
                    "Say by which wave or by which year the target is to be reached (one of them)."
                ),
            ),
            FieldCheckConstraint(
                field="target_survey",
                condition=models.Q(target_survey__isnull=True)
                | ~models.Q(target_survey=models.F("baseline_survey")),
                name="objective_target_wave_after_baseline",
                violation_error_message=_(
                    "The target is measured in another wave than the baseline."
                ),
            ),
            FieldCheckConstraint(
                field="target_year",
                condition=models.Q(target_year__isnull=True)
                | models.Q(baseline_year__isnull=True)
                | models.Q(target_year__gt=models.F("baseline_year")),
                name="objective_target_year_after_baseline",
                violation_error_message=_("The target year comes after the baseline year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    @property
    def title(self) -> str:
        return in_either_language(self, "title")

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if (
            self.target_survey is not None
            and self.baseline_survey is not None
            and self.target_survey != self.baseline_survey
            and (self.target_survey.created_at, self.target_survey.pk)
            < (self.baseline_survey.created_at, self.baseline_survey.pk)
        ):
            errors["target_survey"] = str(
                _("The target is measured by a wave later than the baseline wave.")
            )
        if self.area is not None and self.area.level != Area.Level.DISTRICT:
            errors["area"] = str(_("Choose a district, or none for the whole area."))
        if self.priority_id is not None and self.target_year is not None:
            strategy = self.priority.strategy
            if not strategy.starts_year <= self.target_year <= strategy.ends_year + 1:
                errors["target_year"] = str(
                    _(
                        "The strategy runs %(start)d–%(end)d: set a target year within it (or the "
                        "year after it ends)."
                    )
                    % {"start": strategy.starts_year, "end": strategy.ends_year}
                )
        if errors:
            raise ValidationError(errors)


class Measure(models.Model):
    """What the council does towards an objective: the recommendations and the social and
    spatial interventions that carry it out."""

    objective = models.ForeignKey(
        Objective, verbose_name=_("objective"), on_delete=models.CASCADE, related_name="measures"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title_en = _title(_("title (English)"))
    title_el = _title(_("title (Greek)"))
    description_en = _description(_("description (English)"))
    description_el = _description(_("description (Greek)"))
    recommendations = models.ManyToManyField(
        Recommendation, verbose_name=_("recommendations"), blank=True, related_name="measures"
    )
    interventions = models.ManyToManyField(
        "interventions.Intervention",
        verbose_name=_("interventions"),
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["objective", "order"]
        constraints = [
            _titled("measure_titled"),
            _order_unique("objective", "measure_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    @property
    def title(self) -> str:
        return in_either_language(self, "title")

    @property
    def description(self) -> str:
        return in_either_language(self, "description")
