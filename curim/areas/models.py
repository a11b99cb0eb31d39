"""Administrative areas in a three-level hierarchy, stored as MultiPolygons in EPSG:4326."""

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from curim.core.bilingual import in_current_language


class Area(models.Model):
    class Level(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        DISTRICT = "district", _("District")
        NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")

    # The level a parent must have, per level.
    PARENT_LEVEL = {
        Level.MUNICIPALITY: None,
        Level.DISTRICT: Level.MUNICIPALITY,
        Level.NEIGHBOURHOOD: Level.DISTRICT,
    }

    code = models.SlugField(_("code"), max_length=64, unique=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_el = models.CharField(_("name (Greek)"), max_length=120)
    geometry = models.MultiPolygonField(_("boundary"), srid=4326)
    approximate = models.BooleanField(
        _("approximate"),
        default=False,
        help_text=_("The boundary is drawn by hand for demonstration, not an official one."),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    # Residents, for rates per 1,000 (the council's figures of reports); unknown when empty.
    population = models.PositiveIntegerField(
        _("population"),
        null=True,
        blank=True,
        help_text=_("Residents, for rates per 1,000 residents. Leave empty when not known."),
    )
    population_year = models.PositiveSmallIntegerField(
        _("population year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2200)],
        help_text=_("The year the population was counted or estimated, e.g. a census year."),
    )

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["level", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="municipality", parent__isnull=True)
                | (~models.Q(level="municipality") & models.Q(parent__isnull=False)),
                name="area_parent_matches_level",
            ),
            models.CheckConstraint(
                condition=models.Q(population_year__isnull=True)
                | models.Q(population__isnull=False),
                name="area_population_year_with_population",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def name(self) -> str:
        return in_current_language(self, "name")

    def clean(self) -> None:
        expected = self.PARENT_LEVEL.get(self.Level(self.level)) if self.level else None
        actual = self.parent.level if self.parent_id and self.parent else None
        if expected != actual:
            raise ValidationError(
                {
                    "parent": _("A %(level)s needs a parent of level %(parent)s.")
                    % {
                        "level": self.get_level_display(),
                        "parent": expected.label if expected else _("none"),
                    }
                }
            )
        if self.population_year is not None and self.population is None:
            raise ValidationError({"population_year": _("A population year needs a population.")})
        if self.geometry is not None and not self.geometry.valid:
            raise ValidationError({"geometry": self.geometry.valid_reason})
