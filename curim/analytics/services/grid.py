"""Laying out the analysis grid over a municipality, in PostGIS.

PostGIS's `ST_SquareGrid` / `ST_HexagonGrid` tile the municipality's Greek Grid (EPSG:2100)
bounds; the cells that touch the boundary are kept, clipped to it. For squares the size is the
side; for hexagons it is the side too (PostGIS's convention: a hexagon of side s is 2s wide
point to point and covers 3√3/2 s² ≈ 2.6 s²). Each cell's district and neighbourhood are the
areas of those levels that hold the largest part of it; its population is the sum, over the
finest areas whose population is known, of that population times the share of the area's
surface the cell covers (areal weighting: residents assumed spread evenly over an area)."""

from django.db import connection, transaction

from curim.analytics.models import Grid, GridShape
from curim.areas.models import Area

# The grid the nightly lays out and analyses over each municipality.
NIGHTLY_SHAPE = GridShape.SQUARE
NIGHTLY_CELL_SIZE_M = 250


def grid_is_nightly(grid: Grid) -> bool:
    return grid.shape == NIGHTLY_SHAPE and grid.cell_size_m == NIGHTLY_CELL_SIZE_M


GRID_FUNCTIONS = {GridShape.SQUARE: "ST_SquareGrid", GridShape.HEXAGON: "ST_HexagonGrid"}

# One statement: cells, clipped; then the largest-overlap district and neighbourhood; then
# areal-weighted population from the finest level with a population per spot.
_LAYOUT_SQL = """
WITH municipality AS (
    SELECT ST_Transform(geometry, 2100) AS geom FROM areas_area WHERE id = %(municipality)s
),
tiles AS (
    SELECT tile.i AS col, tile.j AS row_, tile.geom AS whole
    FROM municipality, {grid_function}(%(size)s, municipality.geom) AS tile
    WHERE ST_Intersects(tile.geom, municipality.geom)
),
clipped AS (
    SELECT col, row_, whole,
           ST_Multi(ST_CollectionExtract(ST_Intersection(whole, municipality.geom), 3)) AS geom
    FROM tiles, municipality
),
cells AS (
    SELECT col, row_, whole, geom, ST_Area(geom) AS area_m2
    FROM clipped WHERE NOT ST_IsEmpty(geom) AND ST_Area(geom) > 0
),
parts AS (
    SELECT areas.id, areas.level, areas.parent_id, areas.population,
           ST_Transform(areas.geometry, 2100) AS geom
    FROM areas_area AS areas
    WHERE areas.level IN ('district', 'neighbourhood')
      AND (areas.parent_id = %(municipality)s
           OR areas.parent_id IN (SELECT id FROM areas_area WHERE parent_id = %(municipality)s))
),
shares AS (
    SELECT cells.col, cells.row_, parts.id, parts.level, parts.population,
           ST_Area(ST_Intersection(cells.geom, parts.geom)) AS shared,
           ST_Area(parts.geom) AS part_area,
           EXISTS (SELECT 1 FROM parts AS child WHERE child.parent_id = parts.id
                   AND child.population IS NOT NULL) AS has_finer_population
    FROM cells JOIN parts ON ST_Intersects(cells.geom, parts.geom)
),
numbered AS (
    SELECT (ROW_NUMBER() OVER (ORDER BY row_, col)) - 1 AS index, cells.*
    FROM cells
)
INSERT INTO analytics_gridcell
    (grid_id, index, "column", "row", geometry, centre, area_m2,
     district_id, neighbourhood_id, population)
SELECT %(grid)s, numbered.index, numbered.col, numbered.row_, numbered.geom,
       ST_Centroid(numbered.whole), numbered.area_m2,
       (SELECT id FROM shares o WHERE o.col = numbered.col AND o.row_ = numbered.row_
          AND o.level = 'district' ORDER BY o.shared DESC, o.id LIMIT 1),
       (SELECT id FROM shares o WHERE o.col = numbered.col AND o.row_ = numbered.row_
          AND o.level = 'neighbourhood' ORDER BY o.shared DESC, o.id LIMIT 1),
       (SELECT SUM(o.population * o.shared / NULLIF(o.part_area, 0)) FROM shares o
          WHERE o.col = numbered.col AND o.row_ = numbered.row_
            AND o.population IS NOT NULL AND NOT o.has_finer_population)
FROM numbered
"""


def grid_lay_out(
    *, municipality: Area, shape: GridShape = GridShape.SQUARE, cell_size_m: int = 250
) -> Grid:
    """The grid of this layout over the municipality, laid out now if it does not exist yet."""
    if municipality.level != Area.Level.MUNICIPALITY:
        raise ValueError(f"A grid covers a municipality, not a {municipality.level}.")
    Grid(municipality=municipality, shape=shape, cell_size_m=cell_size_m).clean_fields(
        exclude=["municipality"]
    )
    with transaction.atomic():
        grid, created = Grid.objects.get_or_create(
            municipality=municipality, shape=shape, cell_size_m=cell_size_m
        )
        if created:
            sql = _LAYOUT_SQL.format(grid_function=GRID_FUNCTIONS[GridShape(shape)])
            with connection.cursor() as cursor:
                cursor.execute(
                    sql, {"municipality": municipality.pk, "size": cell_size_m, "grid": grid.pk}
                )
    return grid
