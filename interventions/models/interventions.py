"""An intervention: what was done, where, for whom, against which problem, and its photos.

The council's recommendations that an intervention implements, and the strategy's measures that
point to it, are recorded on the council's side (`councils` reads this app, never the reverse):
see docs/architecture.md.
"""

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from curim.areas.models import Area
from curim.reports.models import Category, Report
from interventions.models.choices import (
    SPATIAL_KINDS,
    InterventionKind,
    InterventionStatus,
    PhotoMoment,
    TargetGroup,
)
from surveys.models import Indicator

TITLE_MAX = 200
TEXT_MAX = 20_000
NAME_MAX = 200


def in_either_language(obj: object, name: str) -> str:
    """`<name>_el` in Greek and `<name>_en` otherwise, or the other one when that is empty."""
    greek = (get_language() or "en").startswith("el")
    first, second = ("el", "en") if greek else ("en", "el")
    return str(getattr(obj, f"{name}_{first}", "") or getattr(obj, f"{name}_{second}", "") or "")


def _text(verbose_name: StrOrPromise) -> "models.TextField[str, str]":
    return models.TextField(
        verbose_name, blank=True, max_length=TEXT_MAX, validators=[MaxLengthValidator(TEXT_MAX)]
    )


class Intervention(models.Model):
    reference = models.CharField(
        _("reference"),
        max_length=30,
        unique=True,
        editable=False,
        help_text=_("Given when the intervention is recorded, e.g. INT-2026-007."),
    )
    title_en = models.CharField(_("title (English)"), max_length=TITLE_MAX, blank=True)
    title_el = models.CharField(_("title (Greek)"), max_length=TITLE_MAX, blank=True)
    description_en = _text(_("description (English)"))
    description_el = _text(_("description (Greek)"))
    kind = models.CharField(_("kind"), max_length=20, choices=InterventionKind.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InterventionStatus.choices,
        default=InterventionStatus.PLANNED,
    )
    public = models.BooleanField(
        _("shown to the public while planned or in progress"),
        default=False,
        help_text=_("Completed and evaluated interventions are always public."),
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    funder = models.CharField(_("funder"), max_length=NAME_MAX, blank=True)
    organisation = models.CharField(_("responsible organisation"), max_length=NAME_MAX)
    target_group = models.CharField(
        _("target group"), max_length=20, choices=TargetGroup.choices, default=TargetGroup.EVERYONE
    )
    target_description = models.CharField(
        _("target group in words"), max_length=TITLE_MAX, blank=True
    )
    # The problem it addresses: report categories, an indicator of the survey, a place.
    categories = models.ManyToManyField(
        Category, verbose_name=_("report categories addressed"), blank=True, related_name="+"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("survey indicator addressed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("district or neighbourhood"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    geometry = models.GeometryField(
        _("where (point, line or area)"),
        srid=4326,
        null=True,
        blank=True,
        help_text=_("Required for a spatial intervention."),
    )
    # The evidence that motivated it: citizens' reports (a citizen follows theirs to here) and
    # a note on the figures (the baseline survey, the analytics).
    reports = models.ManyToManyField(
        Report, verbose_name=_("reports that motivated it"), blank=True, related_name="+"
    )
    evidence_en = _text(_("evidence that motivated it (English)"))
    evidence_el = _text(_("evidence that motivated it (Greek)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(title_en="", title_el=""), name="intervention_titled"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="intervention_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=sorted(SPATIAL_KINDS))
                | models.Q(geometry__isnull=False),
                name="intervention_spatial_has_geometry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def title(self) -> str:
        return in_either_language(self, "title")

    @property
    def description(self) -> str:
        return in_either_language(self, "description")

    @property
    def evidence(self) -> str:
        return in_either_language(self, "evidence")

    @property
    def is_spatial(self) -> bool:
        return self.kind in SPATIAL_KINDS

    @property
    def is_public(self) -> bool:
        return self.public or self.status in (
            InterventionStatus.COMPLETED,
            InterventionStatus.EVALUATED,
        )

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if not self.title_en and not self.title_el:
            errors["title_en"] = _("Give a title in English or in Greek.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end comes before the start.")
        if self.kind in SPATIAL_KINDS and self.geometry is None:
            errors["geometry"] = _("Draw where a spatial intervention is: a point, line or area.")
        if self.geometry is not None and self.geometry.srid not in (None, 4326):
            errors["geometry"] = _("Give the geometry in longitude and latitude (EPSG:4326).")
        if self.status in (InterventionStatus.COMPLETED, InterventionStatus.EVALUATED) and not (
            self.starts_on and self.ends_on
        ):
            errors["ends_on"] = _("A completed intervention has a start and an end date.")
        if errors:
            raise ValidationError(errors)


class ReferenceSequence(models.Model):
    """The last number given to the interventions of a year: taken by one atomic upsert
    (`services.interventions`), never reused."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last_number = models.PositiveIntegerField(_("last number given"))

    class Meta:
        verbose_name = _("reference sequence")
        verbose_name_plural = _("reference sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


def photo_path(instance: "InterventionPhoto", filename: str) -> str:
    # Random names: nothing of the uploader's file name is in the path.
    return f"interventions/{uuid.uuid4().hex}.jpg"


class InterventionPhoto(models.Model):
    """A photo of the place before or after, re-encoded without metadata as report photos are."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    intervention = models.ForeignKey(
        Intervention,
        verbose_name=_("intervention"),
        on_delete=models.CASCADE,
        related_name="photos",
    )
    moment = models.CharField(_("taken"), max_length=10, choices=PhotoMoment.choices)
    caption = models.CharField(_("caption"), max_length=TITLE_MAX, blank=True)
    image = models.FileField(_("image"), upload_to=photo_path)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["moment", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_moment_display()} {self.width} × {self.height}"
