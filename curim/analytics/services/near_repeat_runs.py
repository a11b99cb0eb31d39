"""A near-repeat run: the Knox test (`near_repeat.py`) of one category group's events over a
period, stored as one snapshot with its seed. For the council only: the table of pairs close in
space and time says where and when incidents came in pairs, which the public must not learn."""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction

from curim.analytics.local_time import ATHENS, local_midnight
from curim.analytics.models import AnalysisRun, RunAudience, RunKind, Sources
from curim.analytics.near_repeat import DEFAULT_CLOSURE, KnoxTest, knox_test
from curim.analytics.outputs import json_number
from curim.analytics.run_keys import run_fingerprint, run_parameters
from curim.analytics.selectors.events import EventQuery, event_points
from curim.analytics.selectors.watermark import DataWatermark, data_watermark
from curim.analytics.services.stored_runs import stored_run_confirmed

DEFAULT_GROUP = "crime"
DEFAULT_SPACE_EDGES_M = (0.0, 100.0, 200.0, 400.0, 800.0)
DEFAULT_TIME_EDGES_DAYS = (0.0, 7.0, 14.0, 21.0, 28.0)
DEFAULT_PERMUTATIONS = 999
LOOKBACK_DAYS = 365
# Below this many events the table is mostly empty and its p-values say nothing: the run is
# stored, saying so, instead of a table.
MIN_EVENTS = 20
TOO_FEW_EVENTS = "too few events"
# Above this many events the test runs on a seeded uniform sample of them: the pairs within the
# largest space band grow with the square of the events, and each of the permutations re-times
# every one of them (a year of a million reports would be billions of pairs). A uniform sample
# keeps the proportions the Knox ratio compares; the run says how many it analysed.
DEFAULT_MAX_EVENTS = 4000
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
    max_events: int = DEFAULT_MAX_EVENTS
    # None: derived from the other parameters, so the same analysis reruns with the same seed.
    seed: int | None = None
    # Only the council: near repeats are pairs of incidents.
    audience: RunAudience = RunAudience.COUNCIL

    def __post_init__(self) -> None:
        if self.audience != RunAudience.COUNCIL:
            raise ValueError("Near repeats are computed for the council only.")
        if self.start >= self.end:
            raise ValueError("The period must end after it starts.")
        if self.max_events < MIN_EVENTS:
            raise ValueError(f"max_events must be at least {MIN_EVENTS}.")

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
            "max_events": self.max_events,
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


def knox_table(result: KnoxTest) -> dict[str, Any]:
    """The Knox table as JSON: labels as the test built them, rows space bands, columns time
    bands; a ratio with no expected pairs is null."""
    return {
        "space_bands": result.space_labels,
        "time_bands": result.time_labels,
        "observed": result.observed.tolist(),
        "expected": result.expected.tolist(),
        "ratio": [[json_number(value) for value in row] for row in result.ratios.tolist()],
        "p": result.p_values.tolist(),
        "n_close_pairs": result.n_close_pairs,
    }


def sample_of_events(n: int, spec: NearRepeatSpec) -> np.ndarray:
    """Which of the n events (in time order) the test analyses: all of them up to the spec's
    `max_events`, else a uniform sample of that many without replacement, drawn by
    `numpy.random.default_rng([seed, 1]).choice(n, max_events, replace=False)` and sorted (the
    permutations use the stream of `default_rng(seed)`, so the two never share draws)."""
    if n <= spec.max_events:
        return np.arange(n)
    rng = np.random.default_rng([spec.run_seed(), 1])
    return np.sort(rng.choice(n, spec.max_events, replace=False))


def near_repeat_compute(spec: NearRepeatSpec) -> tuple[int, int, KnoxTest | None]:
    """How many events, how many were analysed, and their Knox test (None below MIN_EVENTS)."""
    query = EventQuery(
        audience=spec.audience,
        sources=spec.sources,
        start=spec.start,
        end=spec.end,
        groups=(spec.group,),
    )
    x, y, t, _ = event_points(query)
    if len(x) < MIN_EVENTS:
        return len(x), len(x), None
    chosen = sample_of_events(len(x), spec)
    return (
        len(x),
        len(chosen),
        knox_test(
            x[chosen],
            y[chosen],
            t[chosen],
            space_edges_m=spec.space_edges_m,
            time_edges_days=spec.time_edges_days,
            n_permutations=spec.n_permutations,
            seed=spec.run_seed(),
            closed=DEFAULT_CLOSURE,
        ),
    )


def near_repeat_run(*, spec: NearRepeatSpec) -> AnalysisRun:
    """The stored run of the spec, computed and written once."""
    watermark = data_watermark(spec.audience, spec.sources)
    fingerprint = spec.fingerprint(watermark=watermark)
    existing = stored_run_confirmed(fingerprint)
    if existing is not None:
        return existing
    n_events, n_analysed, result = near_repeat_compute(spec)
    summary: dict[str, Any] = {
        "n_events": n_events,
        "n_events_analysed": n_analysed,
        "min_events": MIN_EVENTS,
    }
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
