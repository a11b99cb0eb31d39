"""Demo areas: Piraeus and its five districts, drawn by hand (see curim.core.demo)."""

from pathlib import Path

from curim.areas.services import AreaImportError, areas_load_file
from curim.core.demo import DemoError, demo_loader

DEMO_AREAS = Path(__file__).resolve().parent / "data" / "piraeus_demo.geojson"


@demo_loader
def demo_areas_load() -> str:
    try:
        areas = areas_load_file(path=DEMO_AREAS, source="CURiM demo (approximate)")
    except AreaImportError as exc:
        raise DemoError("\n".join(exc.errors)) from exc
    return f"{len(areas)} areas"
