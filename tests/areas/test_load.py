"""Loading area boundaries from GeoJSON: all or nothing, with errors that name the feature."""

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.db.models import Union
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command

from curim.areas.demo import DEMO_AREAS
from curim.areas.models import Area
from curim.areas.selectors import area_containing
from curim.areas.services import AreaImportError, areas_load

pytestmark = pytest.mark.django_db


def _demo() -> dict[str, Any]:
    return json.loads(DEMO_AREAS.read_text())  # type: ignore[no-any-return]


def test_the_demo_file_loads_piraeus_and_five_districts() -> None:
    areas = areas_load(data=_demo())
    assert len(areas) == 6
    piraeus = Area.objects.get(code="piraeus")
    districts = Area.objects.filter(parent=piraeus, level=Area.Level.DISTRICT)
    assert districts.count() == 5
    assert all(area.approximate for area in Area.objects.all())
    assert piraeus.name_el == "Πειραιάς"


def test_the_demo_file_gives_every_area_its_population() -> None:
    areas_load(data=_demo())
    populations = dict(Area.objects.values_list("code", "population"))
    assert populations["piraeus"] == 168_151  # the 2021 census total
    districts = [populations[f"piraeus-{n}"] or 0 for n in range(1, 6)]
    assert all(districts)
    assert abs(sum(districts) - 168_151) < 500
    assert set(Area.objects.values_list("population_year", flat=True)) == {2021}
    # The district figures are a demo's, and the source says so.
    assert "approximate" in Area.objects.get(code="piraeus-3").source


def test_a_reload_without_population_keeps_it_and_a_null_clears_it() -> None:
    areas_load(data=_demo())
    data = _demo()
    for feature in data["features"]:
        feature["properties"].pop("population")
        feature["properties"].pop("population_year")
    data["features"][2]["properties"].update(population=None, population_year=None)
    areas_load(data=data)
    assert Area.objects.get(code="piraeus-1").population == 40_500
    cleared = Area.objects.get(code="piraeus-2")
    assert (cleared.population, cleared.population_year) == (None, None)


def test_a_population_may_come_without_its_year() -> None:
    data = _demo()
    data["features"][1]["properties"].pop("population_year")
    areas_load(data=data)
    area = Area.objects.get(code="piraeus-1")
    assert (area.population, area.population_year) == (40_500, None)


def test_loading_twice_updates_instead_of_duplicating() -> None:
    areas_load(data=_demo())
    data = _demo()
    data["features"][1]["properties"]["name_en"] = "Renamed"
    areas_load(data=data)
    assert Area.objects.count() == 6
    assert Area.objects.filter(name_en="Renamed").count() == 1


def test_the_districts_tile_the_municipality() -> None:
    areas_load(data=_demo())
    piraeus = Area.objects.get(code="piraeus")
    union = Area.objects.filter(level="district").aggregate(union=Union("geometry"))["union"]
    assert abs(union.area - piraeus.geometry.area) < 1e-9


def test_a_point_falls_in_one_district() -> None:
    areas_load(data=_demo())
    district = Area.objects.get(code="piraeus-3")
    inside = district.geometry.point_on_surface
    assert area_containing(inside) == district
    assert area_containing(Point(0, 0, srid=4326)) is None


def test_the_point_lookup_answers_as_the_orm_would() -> None:
    """`area_containing` is one fixed statement (for speed); it answers what the queryset
    it replaces answers: for points inside, outside, on shared borders (the first area by
    code), at each level, in another reference system, without fetching the boundary."""
    areas_load(data=_demo())
    rng = random.Random(7)  # noqa: S311 - not for security
    points = [Point(rng.uniform(23.58, 23.70), rng.uniform(37.91, 37.99)) for _ in range(60)]
    for district in Area.objects.filter(level=Area.Level.DISTRICT):
        ring = district.geometry[0].exterior_ring  # its vertices are shared with neighbours
        points += [Point(*ring[k]) for k in range(0, len(ring), 3)]
    for point in points:
        point.srid = 4326
        for level in (Area.Level.DISTRICT, Area.Level.MUNICIPALITY):
            wanted = Area.objects.filter(level=level, geometry__covers=point)
            expected = wanted.order_by("code").first()
            found = area_containing(point, level=level)
            assert found == expected, (point.coords, level)
            if found is not None and expected is not None:
                assert found.get_deferred_fields() == {"geometry"}
                assert (found.name_en, found.parent_id) == (expected.name_en, expected.parent_id)
    three = Area.objects.get(code="piraeus-3")
    greek_grid = Point(*three.geometry.point_on_surface.coords, srid=4326)
    greek_grid.transform(2100)
    assert area_containing(greek_grid) == three


def test_an_invalid_geometry_names_the_feature_and_loads_nothing() -> None:
    data = _demo()
    bowtie = [[[23.60, 37.93], [23.62, 37.95], [23.62, 37.93], [23.60, 37.95], [23.60, 37.93]]]
    data["features"][3]["geometry"] = {"type": "Polygon", "coordinates": bowtie}
    with pytest.raises(AreaImportError) as error:
        areas_load(data=data)
    assert "feature 4 ('piraeus-3')" in str(error.value)
    assert "Self-intersection" in str(error.value)
    assert not Area.objects.exists()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["features"][2].update(geometry={"type": "Point", "coordinates": [1, 2]}),
            "expected a Polygon or MultiPolygon",
        ),
        (lambda d: d["features"][2]["geometry"].update(crs={"type": "name"}), "'crs'"),
        (lambda d: d.update(crs={"type": "name"}), "'crs'"),
        (lambda d: d["features"][2].update(crs={"type": "name"}), "'crs'"),
        (lambda d: d["features"][2]["properties"].pop("name_el"), "missing properties: name_el"),
        (lambda d: d["features"][2]["properties"].update(level="country"), "level must be"),
        (lambda d: d["features"][2]["properties"].update(parent="atlantis"), "parent 'atlantis'"),
        (lambda d: d["features"][2]["properties"].update(code="piraeus-1"), "appears twice"),
        (lambda d: d["features"][0]["properties"].update(parent="piraeus-1"), "parent"),
        (
            lambda d: d["features"][2]["geometry"]["coordinates"][0][0][0].__setitem__(1, 95),
            "latitude must be between",
        ),
        (lambda d: d.update(type="Feature"), "not a GeoJSON FeatureCollection"),
        (
            lambda d: d["features"][2]["properties"].update(population="31200"),
            "feature 3 ('piraeus-2'): population must be a number of residents",
        ),
        (
            lambda d: d["features"][2]["properties"].update(population=-1),
            "feature 3 ('piraeus-2'): population must be",
        ),
        (
            lambda d: d["features"][2]["properties"].update(population=312.5),
            "population must be a number of residents, a whole number of 0 or more (got 312.5)",
        ),
        (
            lambda d: d["features"][2]["properties"].update(population=True),
            "population must be",
        ),
        (
            lambda d: d["features"][2]["properties"].update(population_year="2021"),
            "feature 3 ('piraeus-2'): population_year must be a year",
        ),
        (
            lambda d: d["features"][2]["properties"].update(population=None),
            "feature 3 ('piraeus-2'): population_year is given without a population",
        ),
        (
            lambda d: d["features"][2]["properties"].update(population_year=21),
            "feature 'piraeus-2': population_year: Ensure this value is greater than or equal",
        ),
        (
            lambda d: d["features"][2]["properties"].update(population=2**40),
            "feature 'piraeus-2': population: Ensure this value is less than or equal",
        ),
    ],
)
def test_bad_features_are_refused_whole(mutate: Any, message: str) -> None:
    data = copy.deepcopy(_demo())
    mutate(data)
    with pytest.raises(AreaImportError) as error:
        areas_load(data=data)
    assert message in str(error.value)
    assert not Area.objects.exists()


def test_the_command_reports_errors_and_loads_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.geojson"
    broken.write_text("{not json")
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("areas_load", str(broken))
    assert not Area.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 50_000 + "]" * 50_000, "nested more than 64 levels"),
        ('{"type": "FeatureCollection", "name": "a\\u0000b"}', "NUL character"),
        ('{"type": "FeatureCollection", "name": "\\udc00"}', "unpaired surrogate"),
    ],
    ids=["deep", "nul", "lone-surrogate"],
)
def test_the_command_refuses_a_file_it_cannot_safely_read(
    tmp_path: Path, text: str, message: str
) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text(text)
    with pytest.raises(CommandError, match=message):
        call_command("areas_load", str(bad))
    assert not Area.objects.exists()


def test_the_command_loads_a_file() -> None:
    call_command("areas_load", str(DEMO_AREAS))
    assert Area.objects.count() == 6
