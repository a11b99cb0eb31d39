"""A cyber-threat run: reports of the `cyber` group per ISO week (Monday 00:00 Europe/Athens),
per kind (category) and channel, with `cyber_alerts.py`'s weekly alerts and trends, stored as
one snapshot. Cyber reports usually have no place, so no grid: the weeks are counted in one
SQL `GROUP BY` over the reports the audience may count.

The public run leaves out every series with fewer than PUBLIC_MIN_SERIES_TOTAL reports in its
shown weeks (k-suppression): a kind and channel reported once or twice could point at the
person who reported it. The council's run keeps every series."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.functions import TruncWeek

from curim.analytics.cyber_alerts import (
    DISTRIBUTION_LABELS,
    Trends,
    WeeklyAlerts,
    weekly_alerts,
    weekly_trends,
)
from curim.analytics.local_time import ATHENS, local_midnight
from curim.analytics.models import AnalysisRun, RunAudience, RunKind, Sources
from curim.analytics.outputs import json_number
from curim.analytics.run_keys import run_fingerprint, run_parameters
from curim.analytics.selectors.events import reports_for
from curim.analytics.selectors.watermark import DataWatermark, data_watermark
from curim.analytics.services.stored_runs import stored_run_confirmed

CYBER_GROUP = "cyber"
DEFAULT_WEEKS = 52
DEFAULT_BASELINE_WEEKS = 8
DEFAULT_TREND_WEEKS = 8
DEFAULT_ALERT_ALPHA = 0.01
DEFAULT_ALERT_MIN_COUNT = 3
DEFAULT_TREND_ALPHA = 0.05
PUBLIC_MIN_SERIES_TOTAL = 3
NIGHTLY_AUDIENCES = (RunAudience.PUBLIC, RunAudience.COUNCIL)


@dataclass(frozen=True)
class CyberSpec:
    audience: RunAudience
    # Exclusive: a Monday, 00:00 in Athens.
    end: datetime
    weeks: int = DEFAULT_WEEKS
    baseline_weeks: int = DEFAULT_BASELINE_WEEKS
    alert_alpha: float = DEFAULT_ALERT_ALPHA
    alert_min_count: int = DEFAULT_ALERT_MIN_COUNT
    trend_weeks: int = DEFAULT_TREND_WEEKS
    trend_alpha: float = DEFAULT_TREND_ALPHA

    def __post_init__(self) -> None:
        local = self.end.astimezone(ATHENS)
        if local.time() != time.min or local.weekday() != 0:
            raise ValueError("The end must be a Monday, 00:00 in Athens.")
        if self.weeks < 1:
            raise ValueError("A run shows at least one week.")

    def week_starts(self) -> list[date]:
        """Every week counted, the baseline weeks before the shown ones included, oldest first."""
        last = self.end.astimezone(ATHENS).date()
        total = self.weeks + self.baseline_weeks
        return [last - timedelta(weeks=total - offset) for offset in range(total)]

    def min_series_total(self) -> int:
        return PUBLIC_MIN_SERIES_TOTAL if self.audience == RunAudience.PUBLIC else 0

    def parameters(self) -> dict[str, Any]:
        return {
            "audience": str(self.audience),
            "sources": str(Sources.REPORTS),
            "groups": [CYBER_GROUP],
            "start": local_midnight(self.week_starts()[0]).isoformat(),
            "end": self.end.astimezone(ATHENS).isoformat(),
            "weeks": self.weeks,
            "week_starts": "Monday 00:00 Europe/Athens",
            "baseline_weeks": self.baseline_weeks,
            "guard_weeks": 0,
            "alert_alpha": self.alert_alpha,
            "alert_min_count": self.alert_min_count,
            "trend_weeks": self.trend_weeks,
            "trend_alpha": self.trend_alpha,
            "min_series_total": self.min_series_total(),
        }

    def fingerprint(self, *, watermark: DataWatermark) -> str:
        return run_fingerprint({"kind": str(RunKind.CYBER), **self.parameters()}, watermark)


@dataclass(frozen=True)
class CyberCounts:
    """Counts per series (kind slug, channel; "" when not given) and week, oldest first."""

    series: list[tuple[str, str]]
    week_starts: list[date]
    counts: np.ndarray  # series × weeks, int64


def cyber_weekly_counts(spec: CyberSpec) -> CyberCounts:
    """One GROUP BY over the audience's cyber reports of the weeks counted."""
    week_starts = spec.week_starts()
    rows = (
        reports_for(spec.audience)
        .filter(
            category__group=CYBER_GROUP,
            occurred_at__gte=local_midnight(week_starts[0]),
            occurred_at__lt=spec.end,
        )
        .annotate(week=TruncWeek("occurred_at", tzinfo=ATHENS))
        .values_list("category__slug", "cyber_channel", "week")
        .annotate(reports=Count("pk"))
        .order_by()
    )
    found = list(rows)
    series = sorted({(kind, channel) for kind, channel, _, _ in found})
    row_of = {key: row for row, key in enumerate(series)}
    counts = np.zeros((len(series), len(week_starts)), dtype=np.int64)
    first = week_starts[0]
    for kind, channel, week, reports in found:
        counts[row_of[kind, channel], (week.date() - first).days // 7] = reports
    return CyberCounts(series=series, week_starts=week_starts, counts=counts)


def _series_summary(
    index: int,
    key: tuple[str, str],
    shown: slice,
    data: CyberCounts,
    alerts: WeeklyAlerts,
    trends: Trends,
) -> dict[str, Any]:
    weeks = data.week_starts[shown]
    counts = data.counts[index, shown]
    flagged = np.flatnonzero(alerts.alerts[index, shown])
    return {
        "kind": key[0],
        "channel": key[1],
        "total": int(counts.sum()),
        "weeks": [
            {"week": week.isoformat(), "count": int(count)}
            for week, count in zip(weeks, counts, strict=True)
        ],
        "alerts": [
            {
                "week": weeks[week].isoformat(),
                "count": int(counts[week]),
                "p": float(alerts.p_values[index, shown][week]),
                "baseline_mean": float(alerts.baseline_mean[index, shown][week]),
                "distribution": DISTRIBUTION_LABELS[int(alerts.distribution[index, shown][week])],
            }
            for week in flagged
        ],
        "trend": {
            "direction": trends.directions[index],
            "recent_total": int(trends.recent_total[index]),
            "previous_total": int(trends.previous_total[index]),
            "rate_ratio": json_number(trends.rate_ratio[index]),
            "p": json_number(trends.p_values[index]),
        },
    }


def cyber_summary(spec: CyberSpec, data: CyberCounts) -> dict[str, Any]:
    """Every series' shown weeks, alerts and trend; small series left out for the public."""
    shown = slice(spec.baseline_weeks, None)
    kept = data.counts[:, shown].sum(axis=1) >= spec.min_series_total()
    alerts = weekly_alerts(
        data.counts,
        baseline_weeks=spec.baseline_weeks,
        alpha=spec.alert_alpha,
        min_count=spec.alert_min_count,
    )
    trends = weekly_trends(
        data.counts[:, shown], window_weeks=spec.trend_weeks, alpha=spec.trend_alpha
    )
    return {
        "weeks": [week.isoformat() for week in data.week_starts[shown]],
        "min_series_total": spec.min_series_total(),
        "suppressed_series": int((~kept).sum()),
        "series": [
            _series_summary(index, key, shown, data, alerts, trends)
            for index, key in enumerate(data.series)
            if kept[index]
        ],
    }


def cyber_run(*, spec: CyberSpec) -> AnalysisRun:
    """The stored run of the spec, computed and written once."""
    watermark = data_watermark(spec.audience, Sources.REPORTS)
    fingerprint = spec.fingerprint(watermark=watermark)
    existing = stored_run_confirmed(fingerprint)
    if existing is not None:
        return existing
    data = cyber_weekly_counts(spec)
    try:
        with transaction.atomic():
            return AnalysisRun.objects.create(
                kind=RunKind.CYBER,
                audience=spec.audience,
                sources=Sources.REPORTS,
                grid=None,
                parameters=run_parameters(
                    spec.parameters(), watermark=watermark, nightly=cyber_spec_is_nightly(spec)
                ),
                data_from=local_midnight(data.week_starts[0]),
                data_up_to=spec.end,
                fingerprint=fingerprint,
                summary=cyber_summary(spec, data),
            )
    except IntegrityError:
        # Another worker wrote the same snapshot first.
        return AnalysisRun.objects.get(fingerprint=fingerprint)


def cyber_nightly_specs(today: date) -> list[CyberSpec]:
    """The last 52 whole weeks, for the public and for the council."""
    end = local_midnight(today - timedelta(days=today.weekday()))
    return [CyberSpec(audience=audience, end=end) for audience in NIGHTLY_AUDIENCES]


def cyber_spec_is_nightly(spec: CyberSpec) -> bool:
    return spec in cyber_nightly_specs(spec.end.astimezone(ATHENS).date())


def cyber_nightly_runs(*, today: date) -> list[AnalysisRun]:
    return [cyber_run(spec=spec) for spec in cyber_nightly_specs(today)]
