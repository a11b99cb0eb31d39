"""Snapshots of the analyses. A run is written whole in one transaction, with everything needed
to reproduce it: the kind, the parameters, the sources, the data's end, the seed. Pages and the
API read the latest finished run of a kind and audience; they never compute.

A run is keyed on a fingerprint of what it computes (kind, audience, parameters, sources, data
up to): running the same analysis again, for example after a worker was killed half-way, finds
the finished snapshot, or writes the same one."""

import uuid

from django.contrib.gis.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RunKind(models.TextChoices):
    HOTSPOTS = "hotspots", _("Hotspots")
    EMERGING = "emerging", _("Emerging hotspots")
    NEAR_REPEAT = "near_repeat", _("Near repeat")
    RISK_INDEX = "risk_index", _("Risk index")
    CYBER = "cyber", _("Cyber-threat trends")
    FORECAST = "forecast", _("Forecasts")


class RunAudience(models.TextChoices):
    # Public reports only, with small counts suppressed where shown.
    PUBLIC = "public", _("Public")
    # Every moderated report and every official incident.
    COUNCIL = "council", _("Council")


class Sources(models.TextChoices):
    REPORTS = "reports", _("Citizen reports")
    INCIDENTS = "incidents", _("Official incidents")
    BOTH = "both", _("Citizen reports and official incidents")


class AnalysisRun(models.Model):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("analysis"), max_length=16, choices=RunKind.choices)
    audience = models.CharField(_("audience"), max_length=8, choices=RunAudience.choices)
    sources = models.CharField(_("sources"), max_length=16, choices=Sources.choices)
    grid = models.ForeignKey(
        "analytics.Grid",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="runs",
        verbose_name=_("grid"),
    )
    parameters = models.JSONField(_("parameters"), default=dict)
    seed = models.BigIntegerField(_("random seed"), null=True, blank=True)
    data_from = models.DateTimeField(_("data from"))
    data_up_to = models.DateTimeField(_("data up to"))
    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True)
    # Tables that are not per cell (bands, series, backtests), as the method page describes.
    summary = models.JSONField(_("summary"), default=dict)
    computed_at = models.DateTimeField(_("computed"), auto_now_add=True)
    # When the run was last written or found again for its spec over its data. The data can
    # come back to an earlier state (a category made private, then public again): the run of
    # that state is then found again, and must be the one pages read, not the one computed in
    # between (`selectors/runs.py` orders by this).
    confirmed_at = models.DateTimeField(_("confirmed"), default=timezone.now)

    class Meta:
        verbose_name = _("analysis run")
        verbose_name_plural = _("analysis runs")
        ordering = ["-computed_at"]
        indexes = [
            models.Index(fields=["kind", "audience", "-computed_at"], name="analysis_run_latest")
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} ({self.get_audience_display()}) {self.data_up_to:%Y-%m-%d}"
        )


class CellResult(models.Model):
    """One cell's figures in a run: its count and, per kind, its statistic."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="cells")
    cell = models.ForeignKey("analytics.GridCell", on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField(_("count"))
    z = models.FloatField(_("z-score"), null=True)
    p = models.FloatField(_("p-value"), null=True)
    p_fdr = models.FloatField(_("p-value, FDR-adjusted"), null=True)
    # The class or category: `hot-99` … `cold-99`, `none`, an emerging category, a score band.
    label = models.CharField(_("class"), max_length=32)
    extra = models.JSONField(_("other figures"), default=dict)

    class Meta:
        verbose_name = _("cell result")
        verbose_name_plural = _("cell results")
        constraints = [
            models.UniqueConstraint(fields=["run", "cell"], name="cell_result_once_per_run")
        ]
