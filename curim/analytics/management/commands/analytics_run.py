"""`manage.py analytics_run --incidents FILE.csv --out DIR`: the hotspot analysis and its
backtest on any incident file, outside the stored data. A contract with analysts and outside
reviewers: the options, the file's columns (`id, x, y, crs, occurred_at, category`) and the
files written (`cells.geojson`, `method.json`, `backtest.csv`) stay as they are."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from curim.analytics.file_analysis import (
    DEFAULT_BACKTEST_WEEKS,
    file_analyse,
    file_analysis_write,
    file_period,
)
from curim.analytics.incident_files import parse_incident_rows
from curim.analytics.models import GridShape, RunAudience, Sources
from curim.analytics.services.grid import grid_lay_out
from curim.analytics.specs import DEFAULT_BAND_M, DEFAULT_FDR_Q, HotspotSpec
from curim.areas.models import Area

MAX_ERRORS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Hotspots (Getis-Ord Gi*) and a prospective-hotspot backtest of an incident file "
        "(CSV with columns id, x, y, crs, occurred_at, category; or GeoJSON), written to DIR as "
        "cells.geojson, method.json and backtest.csv. Nothing of the file is stored."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--incidents", required=True, type=Path, help="the incident file")
        parser.add_argument("--out", required=True, type=Path, help="the directory to write")
        parser.add_argument(
            "--municipality", help="the municipality's area code (default: the only one)"
        )
        parser.add_argument("--shape", choices=[s.value for s in GridShape], default="square")
        parser.add_argument("--cell-size", type=int, default=250, help="metres (default 250)")
        parser.add_argument(
            "--weights", choices=["distance_band", "contiguity"], default="distance_band"
        )
        parser.add_argument("--band", type=float, default=DEFAULT_BAND_M, help="metres")
        parser.add_argument(
            "--fdr",
            type=float,
            default=DEFAULT_FDR_Q,
            help="the false discovery rate q at which cells are counted significant (adjusted "
            "p-value at most q; method.json states it); the classes always read the adjusted "
            "p-values at 0.01, 0.05 and 0.10",
        )
        parser.add_argument("--time-of-day", choices=["all", "day", "night"], default="all")
        parser.add_argument(
            "--category", action="append", default=[], help="only this category of the file"
        )
        parser.add_argument("--backtest-weeks", type=int, default=DEFAULT_BACKTEST_WEEKS)
        parser.add_argument("--seed", type=int, default=None, help="recorded in method.json")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["incidents"]
        try:
            content = path.read_bytes()
        except OSError as unreadable:
            raise CommandError(f"Cannot read {path}: {unreadable.strerror}") from unreadable
        rows, errors = parse_incident_rows(content, path.name)
        if errors:
            for error in errors[:MAX_ERRORS_SHOWN]:
                self.stderr.write(f"row {error.row}, {error.column}: {error.message}")
            raise CommandError(f"{len(errors)} errors in {path.name}; nothing was analysed.")
        if not rows:
            raise CommandError(f"{path.name} holds no incidents.")
        municipality = self._municipality(options["municipality"])
        start, end = file_period(rows)
        contiguity = options["weights"] == "contiguity"
        try:
            spec = HotspotSpec(
                audience=RunAudience.COUNCIL,
                sources=Sources.INCIDENTS,
                start=start,
                end=end,
                groups=tuple(options["category"]),
                time_of_day=options["time_of_day"],
                weights=options["weights"],
                band_m=None if contiguity else options["band"],
                fdr_q=options["fdr"],
            )
            grid = grid_lay_out(
                municipality=municipality,
                shape=GridShape(options["shape"]),
                cell_size_m=options["cell_size"],
            )
            analysis = file_analyse(grid, rows, spec, backtest_weeks=options["backtest_weeks"])
        except (ValueError, ValidationError) as refused:
            raise CommandError(str(refused)) from refused
        written = file_analysis_write(
            options["out"],
            grid,
            spec,
            analysis,
            file_name=path.name,
            content=content,
            seed=options["seed"],
        )
        counted = int(analysis.counts.sum())
        significant = (
            0
            if analysis.result is None
            else int((analysis.result.p_values_fdr <= spec.fdr_q).sum())
        )
        self.stdout.write(
            f"{counted} of {len(rows)} incidents counted in {analysis.arrays.n} cells; "
            f"{significant} cells significant at a false discovery rate of {spec.fdr_q:g}; "
            f"wrote {', '.join(str(p) for p in written)}"
        )

    def _municipality(self, code: str | None) -> Area:
        municipalities = Area.objects.filter(level=Area.Level.MUNICIPALITY)
        if code:
            municipalities = municipalities.filter(code=code)
        found = list(municipalities[:2])
        if len(found) != 1:
            raise CommandError(
                "Name the municipality with --municipality CODE."
                if found
                else "No such municipality: load the areas first (manage.py areas_load)."
            )
        return found[0]
