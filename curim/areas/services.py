"""Writes for areas: load boundaries from a GeoJSON FeatureCollection, all or nothing."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.gis.geos import MultiPolygon
from django.core.exceptions import ValidationError
from django.db import transaction

from curim.areas.models import Area
from curim.core.geometry import GeometryError, multipolygon_from_geojson
from curim.core.json_input import JSONInputError, json_parse

REQUIRED_PROPERTIES = ("code", "level", "name_en", "name_el")
# Parents before children, so that each feature's parent exists when it is saved.
LEVEL_ORDER = [Area.Level.MUNICIPALITY, Area.Level.DISTRICT, Area.Level.NEIGHBOURHOOD]


class AreaImportError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class AreaFeature:
    code: str
    level: str
    parent: str | None
    name_en: str
    name_el: str
    approximate: bool
    source: str
    geometry: MultiPolygon
    # The residents and the year they were counted; None when the file leaves them out, so
    # that reloading boundaries keeps a population entered earlier (a null in the file clears
    # it).
    population: tuple[int | None, int | None] | None


def areas_load_file(*, path: Path, source: str = "") -> list[Area]:
    try:
        data = json_parse(path.read_bytes())
    except (OSError, JSONInputError) as exc:
        raise AreaImportError([f"{path}: cannot be read as GeoJSON ({exc})"]) from exc
    return areas_load(data=data, source=source or path.name)


@transaction.atomic
def areas_load(*, data: Any, source: str = "") -> list[Area]:
    """Create or update the areas of a FeatureCollection, keyed on their code.

    The optional properties `population` and `population_year` set an area's residents and
    the year they were counted; when a feature has neither, a stored population is kept.
    Every feature is checked before anything is written; any error aborts the whole load and
    names the feature it is about.
    """
    features = _features_parse(data, source)
    levels = dict(Area.objects.values_list("code", "level")) | {f.code: f.level for f in features}
    errors = []
    for feature in features:
        expected = Area.PARENT_LEVEL[Area.Level(feature.level)]
        if feature.parent and feature.parent not in levels:
            errors.append(
                f"feature {feature.code!r}: parent {feature.parent!r} is neither in the file "
                "nor loaded"
            )
        elif (levels[feature.parent] if feature.parent else None) != expected:
            errors.append(
                f"feature {feature.code!r}: a {feature.level} needs a parent of level "
                f"{expected or 'none'}"
            )
    if errors:
        raise AreaImportError(errors)
    saved = []
    for feature in sorted(features, key=lambda f: LEVEL_ORDER.index(Area.Level(f.level))):
        area = Area.objects.filter(code=feature.code).first() or Area(code=feature.code)
        area.level = feature.level
        area.parent = Area.objects.get(code=feature.parent) if feature.parent else None
        area.name_en, area.name_el = feature.name_en, feature.name_el
        area.approximate, area.source = feature.approximate, feature.source
        area.geometry = feature.geometry
        if feature.population is not None:
            area.population, area.population_year = feature.population
        try:
            area.full_clean()
        except ValidationError as exc:
            transaction.set_rollback(True)
            raise AreaImportError(
                [
                    f"feature {feature.code!r}: {field}: {'; '.join(messages)}"
                    for field, messages in exc.message_dict.items()
                ]
            ) from exc
        area.save()
        saved.append(area)
    return saved


def _features_parse(data: Any, source: str) -> list[AreaFeature]:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise AreaImportError(["the file is not a GeoJSON FeatureCollection"])
    if "crs" in data:
        raise AreaImportError(["a 'crs' member is not accepted: coordinates are WGS 84"])
    raw_features = data.get("features")
    if not isinstance(raw_features, list) or not raw_features:
        raise AreaImportError(["the FeatureCollection has no features"])
    features, errors, seen = [], [], set()
    for index, raw in enumerate(raw_features, start=1):
        props = raw.get("properties") if isinstance(raw, dict) else None
        label = f"feature {index}"
        if isinstance(props, dict) and props.get("code"):
            label = f"feature {index} ({props['code']!r})"
        try:
            feature = _feature_parse(raw, props, source)
        except (GeometryError, ValueError) as exc:
            errors.append(f"{label}: {exc}")
            continue
        if feature.code in seen:
            errors.append(f"{label}: the code appears twice in the file")
        seen.add(feature.code)
        features.append(feature)
    if errors:
        raise AreaImportError(errors)
    return features


def _feature_parse(raw: Any, props: Any, source: str) -> AreaFeature:
    if not isinstance(raw, dict) or raw.get("type") != "Feature" or not isinstance(props, dict):
        raise ValueError("not a GeoJSON Feature with properties")
    if "crs" in raw:
        raise ValueError("a 'crs' member is not accepted: coordinates are WGS 84")
    missing = [name for name in REQUIRED_PROPERTIES if not props.get(name)]
    if missing:
        raise ValueError(f"missing properties: {', '.join(missing)}")
    if props["level"] not in Area.Level.values:
        raise ValueError(f"level must be one of {', '.join(Area.Level.values)}")
    return AreaFeature(
        code=str(props["code"]),
        level=str(props["level"]),
        parent=str(props["parent"]) if props.get("parent") else None,
        name_en=str(props["name_en"]),
        name_el=str(props["name_el"]),
        approximate=bool(props.get("approximate", False)),
        source=str(props.get("source") or source)[:200],
        geometry=multipolygon_from_geojson(raw.get("geometry")),
        population=_population_parse(props),
    )


def _population_parse(props: dict[str, Any]) -> tuple[int | None, int | None] | None:
    if "population" not in props and "population_year" not in props:
        return None
    population = _whole_number(props.get("population"), "population", "a number of residents")
    year = _whole_number(props.get("population_year"), "population_year", "a year")
    if year is not None and population is None:
        raise ValueError("population_year is given without a population")
    return population, year


def _whole_number(value: Any, name: str, meaning: str) -> int | None:
    # JSON numbers only: a string, a fraction or true/false is refused rather than guessed at.
    if value is None:
        return None
    number: object = value
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        raise ValueError(f"{name} must be {meaning}, a whole number of 0 or more (got {value!r})")
    return number
