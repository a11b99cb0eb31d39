"""An evaluation of an intervention: one versioned result, computed in the background.

Each request makes a new version; none is overwritten, so a figure once published can be
traced to its method, parameters and data dates. The EMMIE headings (Johnson, Tilley & Bowers
2015) are the analyst's words beside the computed figures.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from curim.areas.models import Area
from interventions.models.choices import EvaluationStatus
from interventions.models.interventions import Intervention

EMMIE_MAX = 5_000
EMMIE_HEADINGS = ("effect", "mechanism", "moderators", "implementation", "economics")


def _emmie(verbose_name: StrOrPromise) -> "models.TextField[str, str]":
    return models.TextField(
        verbose_name, blank=True, max_length=EMMIE_MAX, validators=[MaxLengthValidator(EMMIE_MAX)]
    )


class Evaluation(models.Model):
    intervention = models.ForeignKey(
        Intervention,
        verbose_name=_("intervention"),
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=EvaluationStatus.choices,
        default=EvaluationStatus.QUEUED,
    )
    # What was asked: windows, sources, categories, buffer, and the analyst's comparison areas
    # (none: the platform suggests them from similar counts before).
    parameters = models.JSONField(_("parameters"), default=dict)
    comparison_areas = models.ManyToManyField(
        Area, verbose_name=_("comparison areas"), blank=True, related_name="+"
    )
    # What came out: the method, the estimates with their intervals, the comparison used, the
    # windows and counts, the displacement figures; or a message when the data cannot answer.
    method = models.CharField(_("method"), max_length=200, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    # What went in: the rows the estimates were computed from (the counts panel with its
    # treated and post flags, the ring's counts, the survey's estimates), kept with the result
    # so that an export gives this version's data even after reports change
    # (`interventions.evaluation_inputs`).
    inputs = models.JSONField(_("input data"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    sms_level = models.PositiveSmallIntegerField(
        _("Maryland Scientific Methods Scale level"), null=True, blank=True
    )
    data_up_to = models.DateTimeField(_("data up to"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    emmie_effect = _emmie(_("effect"))
    emmie_mechanism = _emmie(_("mechanism"))
    emmie_moderators = _emmie(_("moderators"))
    emmie_implementation = _emmie(_("implementation"))
    emmie_economics = _emmie(_("economics"))

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["intervention", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["intervention", "version"], name="evaluation_version_once"
            ),
            models.CheckConstraint(
                condition=models.Q(sms_level__isnull=True)
                | models.Q(sms_level__gte=1, sms_level__lte=5),
                name="evaluation_sms_level_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.intervention.reference} v{self.version}"
