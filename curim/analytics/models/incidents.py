"""Official incidents: recorded crime and incidents that the council's police and municipal
members bring as files. They are never public row by row; they feed the analytics beside the
citizen reports.

A source (the police directorate, the municipal police) keeps its own category names; a mapping
per source turns each of them into one of the platform's categories. An incident is known by
its source's external id, so importing the same file twice changes nothing."""

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Transform
from django.utils.translation import gettext_lazy as _

from curim.core.bilingual import in_current_language


class IncidentSource(models.Model):
    slug = models.SlugField(_("code"), max_length=64, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_el = models.CharField(_("name (Greek)"), max_length=200)

    class Meta:
        verbose_name = _("incident source")
        verbose_name_plural = _("incident sources")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_current_language(self, "name")


class CategoryMapping(models.Model):
    """One of a source's own category names, and the platform's category it counts as."""

    source = models.ForeignKey(
        IncidentSource,
        on_delete=models.CASCADE,
        related_name="category_mappings",
        verbose_name=_("source"),
    )
    their_category = models.CharField(_("their category"), max_length=200)
    category = models.ForeignKey(
        "reports.Category",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("platform category"),
    )

    class Meta:
        verbose_name = _("category mapping")
        verbose_name_plural = _("category mappings")
        ordering = ["source", "their_category"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "their_category"], name="category_mapping_once_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.their_category} → {self.category}"


class IncidentImport(models.Model):
    """The log of one accepted file: who brought it, what it held, what it changed."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        GEOJSON = "geojson", "GeoJSON"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    source = models.ForeignKey(
        IncidentSource, on_delete=models.PROTECT, related_name="imports", verbose_name=_("source")
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    file_format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    rows = models.PositiveIntegerField(_("rows"))
    created_count = models.PositiveIntegerField(_("created"))
    updated_count = models.PositiveIntegerField(_("updated"))
    unchanged_count = models.PositiveIntegerField(_("unchanged"))
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("incident import")
        verbose_name_plural = _("incident imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.source} {self.file_name} ({self.imported_at:%Y-%m-%d})"


class OfficialIncident(models.Model):
    source = models.ForeignKey(
        IncidentSource,
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("source"),
    )
    external_id = models.CharField(_("their id"), max_length=200)
    their_category = models.CharField(_("their category"), max_length=200)
    category = models.ForeignKey(
        "reports.Category",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("platform category"),
    )
    occurred_at = models.DateTimeField(_("when it happened"))
    location = models.PointField(_("location"), srid=4326)
    # The Greek Grid copy of the location, kept by PostgreSQL, for the analysis grid's metres.
    point_2100 = models.GeneratedField(
        verbose_name=_("location (Greek Grid)"),
        expression=Transform("location", 2100),
        output_field=models.PointField(srid=2100),
        db_persist=True,
    )
    area = models.ForeignKey(
        "areas.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    last_import = models.ForeignKey(
        IncidentImport,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("last import"),
    )

    class Meta:
        verbose_name = _("official incident")
        verbose_name_plural = _("official incidents")
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="official_incident_once_per_source"
            )
        ]
        indexes = [models.Index(fields=["occurred_at"], name="official_incident_when")]

    def __str__(self) -> str:
        return f"{self.source.slug}:{self.external_id}"
