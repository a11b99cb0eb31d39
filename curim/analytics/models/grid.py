"""The analysis grid: cells laid out in EPSG:2100 (Greek Grid) metres over a municipality,
clipped to its boundary, each cell with the district and neighbourhood that hold its centre
(or most of it) and a population share where the neighbourhood's population is known.

A grid is reference data, not a result: every run names the grid it used, and a grid is never
changed once a run used it (a new size is a new grid)."""

from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _


class GridShape(models.TextChoices):
    SQUARE = "square", _("Squares")
    HEXAGON = "hexagon", _("Hexagons")


class Grid(models.Model):
    municipality = models.ForeignKey(
        "areas.Area",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    shape = models.CharField(_("shape"), max_length=8, choices=GridShape.choices)
    cell_size_m = models.PositiveIntegerField(
        _("cell size (m)"),
        default=250,
        validators=[MinValueValidator(50), MaxValueValidator(5000)],
        help_text=_("The side of a square, or the side of a hexagon, in metres."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("analysis grid")
        verbose_name_plural = _("analysis grids")
        ordering = ["municipality", "shape", "cell_size_m"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "shape", "cell_size_m"], name="grid_once_per_layout"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.get_shape_display()} {self.cell_size_m} m"


class GridCell(models.Model):
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="cells")
    # 0 … n−1: the cell's row in every array a run computes, in (row, column) order.
    index = models.PositiveIntegerField(_("index"))
    # The cell's place in PostGIS's ST_SquareGrid / ST_HexagonGrid: stable for a layout.
    column = models.IntegerField(_("column"))
    row = models.IntegerField(_("row"))
    geometry = models.MultiPolygonField(_("cell, clipped"), srid=2100)
    # The centre of the whole (unclipped) cell: the point distance bands are measured from.
    centre = models.PointField(_("centre"), srid=2100)
    area_m2 = models.FloatField(_("area (m²)"))
    district = models.ForeignKey(
        "areas.Area", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    neighbourhood = models.ForeignKey(
        "areas.Area", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Residents, as the neighbourhood's population times the share of its area the cell covers.
    population = models.FloatField(_("residents (estimated)"), null=True)

    class Meta:
        verbose_name = _("grid cell")
        verbose_name_plural = _("grid cells")
        ordering = ["grid", "index"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "index"], name="grid_cell_index"),
            models.UniqueConstraint(fields=["grid", "column", "row"], name="grid_cell_place"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        """The cell's id in outputs (`cells.geojson`'s `cell`)."""
        return f"{self.column}:{self.row}"
