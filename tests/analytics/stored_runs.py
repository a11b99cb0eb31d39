"""Stored runs written by hand, with summaries shaped as the services write them
(services/cyber_runs.py, forecast_runs.py, near_repeat_runs.py), for the tests of the pages
and API that read them: small, fast, and with every figure known."""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from curim.analytics.models import AnalysisRun, RunAudience, RunKind, Sources
from curim.analytics.run_keys import NIGHTLY

END = datetime(2026, 11, 30, tzinfo=UTC)
FIRST_FORECAST_WEEK = date(2026, 11, 30)
SPACE_EDGES = [0.0, 100.0, 200.0, 400.0]
TIME_EDGES = [0.0, 7.0, 14.0, 21.0]
SEED = 123456789


def stored_run(
    kind: RunKind,
    audience: RunAudience,
    summary: dict[str, Any],
    parameters: dict[str, Any],
    *,
    seed: int | None = None,
    sources: Sources = Sources.BOTH,
) -> AnalysisRun:
    return AnalysisRun.objects.create(
        kind=kind,
        audience=audience,
        sources=sources,
        # As the nightly stores it: the pages and the API read the nightly's runs only.
        parameters={NIGHTLY: True, **parameters},
        seed=seed,
        data_from=END - timedelta(weeks=52),
        data_up_to=END,
        fingerprint=uuid.uuid4().hex,
        summary=summary,
    )


def as_nightly() -> None:
    """Every stored run marked as the nightly's, for tests that run a service over their own
    spec and read it through the pages or the API (which read the nightly's runs only)."""
    for run in AnalysisRun.objects.all():
        run.parameters = {**run.parameters, NIGHTLY: True}
        run.save(update_fields=["parameters"])


def cyber_parameters() -> dict[str, Any]:
    return {
        "baseline_weeks": 8,
        "alert_alpha": 0.01,
        "alert_min_count": 3,
        "trend_weeks": 2,
        "trend_alpha": 0.05,
    }


def cyber_summary(counts: list[int], alert_week: int) -> dict[str, Any]:
    """One phishing-by-e-mail series over len(counts) weeks, an alert in `alert_week`."""
    weeks = [(date(2026, 9, 7) + timedelta(weeks=k)).isoformat() for k in range(len(counts))]
    return {
        "weeks": weeks,
        "min_series_total": 0,
        "suppressed_series": 0,
        "series": [
            {
                "kind": "phishing",
                "channel": "email",
                "total": sum(counts),
                "weeks": [
                    {"week": week, "count": count}
                    for week, count in zip(weeks, counts, strict=True)
                ],
                "alerts": [
                    {
                        "week": weeks[alert_week],
                        "count": counts[alert_week],
                        "p": 0.0004,
                        "baseline_mean": 1.25,
                        "distribution": "poisson",
                    }
                ],
                "trend": {
                    "direction": "up",
                    "recent_total": sum(counts[-2:]),
                    "previous_total": sum(counts[-4:-2]),
                    "rate_ratio": 2.5,
                    "p": 0.03,
                },
            }
        ],
    }


def forecast_series(district: str, group: str, *, total: int, pooled: list[str]) -> dict[str, Any]:
    weeks = [(FIRST_FORECAST_WEEK + timedelta(weeks=k)).isoformat() for k in range(4)]
    backtest = []
    for model, mase in (
        ("seasonal_naive", 1.2),
        ("exponential_smoothing", 0.84),
        ("negative_binomial", 0.9),
    ):
        backtest += [
            {"model": model, "metric": "mase", "value": mase},
            {"model": model, "metric": "relative_mase", "value": mase / 1.2},
            {"model": model, "metric": "mae", "value": mase * 2},
            {"model": model, "metric": "coverage_80", "value": 0.78},
            {"model": model, "metric": "coverage_95", "value": 0.93},
            {"model": model, "metric": "n_origins", "value": 12.0},
        ]
    return {
        "district": district,
        "group": group,
        "pooled_districts": pooled,
        "mean_weekly": total / 40,
        "total": total,
        "chosen_model": "exponential_smoothing",
        "models_dropped": [],
        "seasonal_period": 52,
        "nb_dispersion": 0.2,
        "forecast": {
            "week_starts": weeks,
            "mean": [4.5, 4.25, 4.0, 3.75],
            "lower_80": [2.0, 2.0, 1.0, 1.0],
            "upper_80": [7.0, 7.0, 7.0, 7.0],
            "lower_95": [1.0, 1.0, 0.0, 0.0],
            "upper_95": [9.0, 9.0, 9.0, 10.0],
        },
        "backtest": backtest,
    }


def sparse_series(district: str, group: str, total: int) -> dict[str, Any]:
    return {
        "district": district,
        "group": group,
        "pooled_districts": [],
        "mean_weekly": total / 40,
        "total": total,
        "forecast": None,
        "not_forecast": "too sparse",
    }


def forecast_parameters() -> dict[str, Any]:
    return {"h": 4, "levels": [0.8, 0.95], "min_mean_weekly": 1.0}


def prospective_backtest() -> dict[str, Any]:
    rows = []
    for method, pai in (("prospective", 6.0), ("last_period", 4.0), ("retrospective_kde", 3.0)):
        for share in (0.01, 0.05, 0.1):
            rows.append(
                {
                    "method": method,
                    "area_share": share,
                    "periods": 12,
                    "hit_rate": pai * share,
                    "pai": pai,
                    "pei_star": 0.5,
                    "periods_without_events": 0,
                }
            )
    return {
        "rows": rows,
        "events": 90,
        "end_day": 20_000.0,
        "coming_week": {"week_start": FIRST_FORECAST_WEEK.isoformat(), "cells": {}},
    }


def knox_summary() -> dict[str, Any]:
    """A 3 × 3 Knox table whose top-left 2 × 2 block is clustered (ratio > 1, p < 0.05)."""
    return {
        "n_events": 120,
        "min_events": 20,
        "status": "computed",
        "space_bands": ["[0, 100) m", "[100, 200) m", "[200, 400) m"],
        "time_bands": ["[0, 7) days", "[7, 14) days", "[14, 21) days"],
        "observed": [[12, 8, 3], [10, 9, 4], [5, 6, 7]],
        "expected": [[4.0, 4.0, 4.0], [5.0, 5.0, 5.0], [6.0, 6.0, 6.0]],
        "ratio": [[3.0, 2.0, 0.75], [2.0, 1.8, 0.8], [0.83, 1.0, 1.17]],
        "p": [[0.001, 0.02, 0.8], [0.004, 0.03, 0.7], [0.6, 0.5, 0.3]],
        "n_close_pairs": 64,
    }


def knox_parameters() -> dict[str, Any]:
    return {
        "groups": ["crime"],
        "space_edges_m": SPACE_EDGES,
        "time_edges_days": TIME_EDGES,
        "closed": "left",
        "n_permutations": 999,
        "seed": SEED,
    }
