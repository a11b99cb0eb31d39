"""Load area boundaries from a GeoJSON file: python manage.py areas_load FILE."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from curim.areas.services import AreaImportError, areas_load_file


class Command(BaseCommand):
    help = "Create or update areas from a GeoJSON FeatureCollection (all or nothing)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--source", default="", help="Where the boundaries come from.")

    def handle(self, *args: Any, path: Path, source: str, **options: Any) -> None:
        try:
            areas = areas_load_file(path=path, source=source)
        except AreaImportError as exc:
            raise CommandError("Nothing was loaded:\n" + "\n".join(exc.errors)) from exc
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(areas)} areas from {path}."))
