"""A near-repeat run: the Knox test (`near_repeat.py`) of one category group's events over a
period, stored as one snapshot with its seed. For the council only: the table of pairs close in
space and time says where and when incidents came in pairs, which the public must not learn."""

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction

from curim.analytics.local_time import ATHENS, local_midnight
from curim.analytics.models import AnalysisRun, RunAudience, RunKind, Sources
from curim.analytics.near_repeat import DEFAULT_CLOSURE, KnoxTest, knox_test
from curim.analytics.run_keys import run_fingerprint, run_parameters
from curim.analytics.selectors.events import EventQuery, event_points
from curim.analytics.selectors.watermark import DataWatermark, data_watermark

DEFAULT_GROUP = "crime"
DEFAULT_SPACE_EDGES_M = (0.0, 100.0, 200.0, 400.0, 800.0)
DEFAULT_TIME_EDGES_DAYS = (0.0, 7.0, 14.0, 21.0, 28.0)
DEFAULT_PERMUTATIONS = 999
LOOKBACK_DAYS = 365
# Below this many events the table is mostly empty and its p-values say nothing: the run is
# stored, saying so, instead of a table.
MIN_EVENTS = 20
TOO_FEW_EVENTS = "too few events"
# Seeds are kept below 2**62: a BigIntegerField, and NumPy, take them as they are.
SEED_BITS = 62


@dataclass(frozen=True)
class NearRepeatSpec:
    start: datetime
    end: datetime  # exclusive
    group: str = DEFAULT_GROUP
    sources: Sources = Sources.BOTH
    space_edges_m: tuple[float, ...] = DEFAULT_SPACE_EDGES_M
    time_edges_days: tuple[float, ...] = DEFAULT_TIME_EDGES_DAYS
    n_permutations: int = DEFAULT_PERMUTATIONS
    # None: derived from the other parameters, so the same analysis reruns with the same seed.
    seed: int | None = None
    # Only the council: near repeats are pairs of incidents.
    audience: RunAudience = RunAudience.COUNCIL

    def __post_init__(self) -> None:
        if self.audience != RunAudience.COUNCIL:
            raise ValueError("Near repeats are computed for the council only.")
        if self.start >= self.end:
            raise ValueError("The period must end after it starts.")

    def _parameters_without_seed(self) -> dict[str, Any]:
        return {
            "audience": str(self.audience),
            "sources": str(self.sources),
            "start": self.start.astimezone(ATHENS).isoformat(),
            "end": self.end.astimezone(ATHENS).isoformat(),
            "groups": [self.group],
            "space_edges_m": [float(edge) for edge in self.space_edges_m],
            "time_edges_days": [float(edge) for edge in self.time_edges_days],
            "closed": DEFAULT_CLOSURE,
            "n_permutations": self.n_permutations,
            "min_events": MIN_EVENTS,
        }

    def run_seed(self) -> int:
        if self.seed is not None:
            return self.seed
        key = json.dumps(self._parameters_without_seed(), sort_keys=True).encode()
        seed: int = int(hashlib.sha256(key).hexdigest(), 16) % (2**SEED_BITS)
        return seed

    def parameters(self) -> dict[str, Any]:
        return {**self._parameters_without_seed(), "seed": self.run_seed()}

    def fingerprint(self, *, watermark: DataWatermark) -> str:
        return run_fingerprint({"kind": str(RunKind.NEAR_REPEAT), **self.parameters()}, watermark)


def _number_or_none(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def knox_table(result: KnoxTest) -> dict[str, Any]:
    """The Knox table as JSON: labels as the test built them, rows space bands, columns time
    bands; a ratio with no expected pairs is null."""
    return {
        "space_bands": result.space_labels,
        "time_bands": result.time_labels,
        "observed": result.observed.tolist(),
        "expected": result.expected.tolist(),
        "ratio": [[_number_or_none(value) for value in row] for row in result.ratios.tolist()],
        "p": result.p_values.tolist(),
        "n_close_pairs": result.n_close_pairs,
    }


def near_repeat_compute(spec: NearRepeatSpec) -> tuple[int, KnoxTest | None]:
    """How many events, and their Knox test (None below MIN_EVENTS)."""
    query = EventQuery(
        audience=spec.audience,
        sources=spec.sources,
        start=spec.start,
        end=spec.end,
        groups=(spec.group,),
    )
    x, y, t, _ = event_points(query)
    if len(x) < MIN_EVENTS:
        return len(x), None
    return len(x), knox_test(
        x,
        y,
        t,
        space_edges_m=spec.space_edges_m,
        time_edges_days=spec.time_edges_days,
        n_permutations=spec.n_permutations,
        seed=spec.run_seed(),
        closed=DEFAULT_CLOSURE,
    )


def near_repeat_run(*, spec: NearRepeatSpec) -> AnalysisRun:
    """The stored run of the spec, computed and written once."""
    watermark = data_watermark(spec.audience, spec.sources)
    fingerprint = spec.fingerprint(watermark=watermark)
    existing = AnalysisRun.objects.filter(fingerprint=fingerprint).first()
    if existing is not None:
        return existing
    n_events, result = near_repeat_compute(spec)
    summary: dict[str, Any] = {"n_events": n_events, "min_events": MIN_EVENTS}
    if result is None:
        summary["status"] = TOO_FEW_EVENTS
    else:
        summary.update(status="computed", **knox_table(result))
    try:
        with transaction.atomic():
            return AnalysisRun.objects.create(
                kind=RunKind.NEAR_REPEAT,
                audience=spec.audience,
                sources=spec.sources,
                grid=None,
                parameters=run_parameters(
                    spec.parameters(),
                    watermark=watermark,
                    nightly=near_repeat_spec_is_nightly(spec),
                ),
                seed=spec.run_seed(),
                data_from=spec.start,
                data_up_to=spec.end,
                fingerprint=fingerprint,
                summary=summary,
            )
    except IntegrityError:
        # Another worker wrote the same snapshot first.
        return AnalysisRun.objects.get(fingerprint=fingerprint)


def near_repeat_nightly_specs(today: date) -> list[NearRepeatSpec]:
    """Crime over the last year, for the council."""
    end = local_midnight(today)
    start = local_midnight(today - timedelta(days=LOOKBACK_DAYS))
    return [NearRepeatSpec(start=start, end=end)]


def near_repeat_spec_is_nightly(spec: NearRepeatSpec) -> bool:
    return spec in near_repeat_nightly_specs(spec.end.astimezone(ATHENS).date())


def near_repeat_nightly_runs(*, today: date) -> list[AnalysisRun]:
    return [near_repeat_run(spec=spec) for spec in near_repeat_nightly_specs(today)]
