"""What a hotspot analysis computes, as data: the parameters a run stores, `method.json`
writes, and the fingerprint that makes running the same analysis twice find one snapshot."""

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from curim.analytics.local_time import ATHENS, local_midnight
from curim.analytics.models import RunAudience, Sources
from curim.analytics.run_keys import run_fingerprint
from curim.analytics.selectors.watermark import DataWatermark

TimeOfDay = Literal["all", "day", "night"]
WeightsKind = Literal["distance_band", "contiguity"]

DEFAULT_BAND_M = 500
DEFAULT_FDR_Q = 0.05


@dataclass(frozen=True)
class HotspotSpec:
    audience: RunAudience
    sources: Sources
    start: datetime
    end: datetime  # exclusive
    groups: tuple[str, ...] = field(default=())
    time_of_day: TimeOfDay = "all"
    weights: WeightsKind = "distance_band"
    band_m: float | None = DEFAULT_BAND_M
    # The false discovery rate the classes are read at (an adjusted p-value at most 0.01,
    # 0.05, 0.10 gives the 99, 95, 90% classes; `fdr_q` is the level the page calls significant).
    fdr_q: float = DEFAULT_FDR_Q

    def __post_init__(self) -> None:
        if self.weights == "distance_band" and not (self.band_m and self.band_m > 0):
            raise ValueError("A distance band needs its width in metres.")
        if self.weights == "contiguity" and self.band_m is not None:
            raise ValueError("Contiguity weights take no band.")
        if not 0 < self.fdr_q < 1:
            raise ValueError("The false discovery rate is a number between 0 and 1.")
        if self.time_of_day not in ("all", "day", "night"):
            raise ValueError("The time of day is all, day or night.")

    def weights_description(self) -> dict[str, Any]:
        """The weights exactly, as `method.json` states them."""
        if self.weights == "contiguity":
            return {"type": "contiguity", "contiguity": "queen", "includes_self": True}
        return {"type": "distance_band", "band_m": self.band_m, "includes_self": True}

    def parameters(self) -> dict[str, Any]:
        found = asdict(self)
        found["audience"] = str(self.audience)
        found["sources"] = str(self.sources)
        found["start"] = self.start.isoformat()
        found["end"] = self.end.isoformat()
        found["groups"] = sorted(self.groups)
        found["weights"] = self.weights_description()
        del found["band_m"]
        return found

    def fingerprint(self, *, kind: str, grid_id: int, watermark: DataWatermark) -> str:
        return run_fingerprint({"kind": kind, "grid": grid_id, **self.parameters()}, watermark)


NIGHTLY_LOOKBACK_DAYS = 365
NIGHTLY_AUDIENCE_SOURCES = (
    (RunAudience.PUBLIC, Sources.REPORTS),
    (RunAudience.COUNCIL, Sources.BOTH),
)
# The public sees the whole day only: a report's date is public, its time of day is not, and a
# night layer beside the all-day one would tell it for the cells with one report.
NIGHTLY_TIMES_OF_DAY: dict[RunAudience, tuple[TimeOfDay, ...]] = {
    RunAudience.PUBLIC: ("all",),
    RunAudience.COUNCIL: ("all", "night"),
}


def hotspot_nightly_specs(today: date) -> list[HotspotSpec]:
    """The hotspots the nightly computes on `today`: the 365 days before its local midnight."""
    end = local_midnight(today)
    start = local_midnight(today - timedelta(days=NIGHTLY_LOOKBACK_DAYS))
    return [
        HotspotSpec(
            audience=audience, sources=sources, start=start, end=end, time_of_day=time_of_day
        )
        for audience, sources in NIGHTLY_AUDIENCE_SOURCES
        for time_of_day in NIGHTLY_TIMES_OF_DAY[audience]
    ]


def hotspot_spec_is_nightly(spec: HotspotSpec) -> bool:
    return spec in hotspot_nightly_specs(spec.end.astimezone(ATHENS).date())
