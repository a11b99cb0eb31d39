"""Reads of the stored cyber-trend, forecast and near-repeat runs as the API and the council's
pages show them (docs/analytics/cyber-alerts.md, forecasting.md, near-repeat.md,
prospective-hotspots.md). They never compute: they reshape a run's `summary`.

What the public sees follows the reports' privacy. The public runs count public reports only;
here, where the public sees a count, a count of 1 or 2 (below PUBLIC_MIN_COUNT) is withheld
(null), and so is every figure it could be worked back from (a baseline mean and p-value, a
trend's totals, ratio and p-value). The near-repeat run is the council's only."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser

from curim.accounts.models import User
from curim.analytics.models import AnalysisRun, RunAudience, RunKind
from curim.analytics.selectors.runs import run_readable_by
from curim.analytics.services.cyber_runs import PUBLIC_MIN_SERIES_TOTAL

# The smallest count the public sees; below it (but above 0) a count is withheld.
PUBLIC_MIN_COUNT = PUBLIC_MIN_SERIES_TOTAL
# Kinds that have no public run: pairs of incidents close in space and time are the council's.
COUNCIL_ONLY_KINDS = frozenset({RunKind.NEAR_REPEAT})


def shown_run(
    user: User | AnonymousUser, kind: RunKind, audience: RunAudience
) -> AnalysisRun | None:
    """The latest run of the kind for the audience, when the user may read it (`run_readable_by`);
    None when there is none or the kind is never computed for that audience."""
    if audience == RunAudience.PUBLIC and kind in COUNCIL_ONLY_KINDS:
        return None
    return run_readable_by(user, kind, audience)


def _withheld(count: int | None, audience: str) -> bool:
    return audience == RunAudience.PUBLIC and count is not None and 0 < count < PUBLIC_MIN_COUNT


def _shown_count(count: int | None, audience: str) -> int | None:
    return None if _withheld(count, audience) else count


# --- Cyber-threat trends -----------------------------------------------------------------------


def _cyber_series(
    series: dict[str, Any], audience: str, baseline_weeks: int, trend_weeks: int
) -> dict[str, Any]:
    weeks = series["weeks"]
    withheld_weeks = [_withheld(week["count"], audience) for week in weeks]
    index_of = {week["week"]: index for index, week in enumerate(weeks)}
    alerts = []
    for alert in series["alerts"]:
        at = index_of[alert["week"]]
        # The baseline window's weeks that are shown; a withheld one could be worked out from
        # the baseline's mean or the alert's p-value.
        window_withheld = any(withheld_weeks[max(0, at - baseline_weeks) : at])
        alerts.append(
            {
                **alert,
                "baseline_mean": None if window_withheld else alert["baseline_mean"],
                "p": None if window_withheld else alert["p"],
            }
        )
    trend = dict(series["trend"])
    # The trend's totals cover the last 2 × trend_weeks weeks, and the series' total every
    # week: beside the weeks shown, either would give a withheld week back (a total minus the
    # shown weeks), so each is withheld when a week it covers is.
    any_withheld = any(withheld_weeks)
    if (
        any(withheld_weeks[-2 * trend_weeks :])
        or _withheld(trend["recent_total"], audience)
        or _withheld(trend["previous_total"], audience)
    ):
        trend.update(recent_total=None, previous_total=None, rate_ratio=None, p=None)
    return {
        "kind": series["kind"],
        "channel": series["channel"],
        "total": None if any_withheld else series["total"],
        "weeks": [
            {"week": week["week"], "count": None if withheld else week["count"]}
            for week, withheld in zip(weeks, withheld_weeks, strict=True)
        ],
        "alerts": alerts,
        "trend": trend,
    }


def cyber_trends(run: AnalysisRun) -> dict[str, Any]:
    """The weeks of each kind and channel, its alerts and trend, small counts withheld from
    the public."""
    parameters = run.parameters
    summary = run.summary
    baseline_weeks = int(parameters["baseline_weeks"])
    return {
        "weeks": summary["weeks"],
        "baseline_weeks": baseline_weeks,
        "alert_alpha": parameters["alert_alpha"],
        "alert_min_count": parameters["alert_min_count"],
        "trend_weeks": parameters["trend_weeks"],
        "trend_alpha": parameters["trend_alpha"],
        "min_series_total": summary["min_series_total"],
        "min_count_shown": PUBLIC_MIN_COUNT if run.audience == RunAudience.PUBLIC else 0,
        "suppressed_series": summary["suppressed_series"],
        "series": [
            _cyber_series(series, run.audience, baseline_weeks, int(parameters["trend_weeks"]))
            for series in summary["series"]
        ],
    }


# --- Forecasts -----------------------------------------------------------------------------------


def _backtest_by_model(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored long table (model, metric, value) as one row per model, in stored order."""
    models: dict[str, dict[str, float | None]] = {}
    for row in rows:
        models.setdefault(row["model"], {})[row["metric"]] = row["value"]
    return [{"model": model, "metrics": metrics} for model, metrics in models.items()]


def _forecast_series(series: dict[str, Any], audience: str) -> dict[str, Any]:
    withheld = _withheld(series["total"], audience)
    return {
        "district": series["district"],
        "group": series["group"],
        "pooled_districts": series["pooled_districts"],
        "total": None if withheld else series["total"],
        "mean_weekly": None if withheld else series["mean_weekly"],
        "not_forecast": series.get("not_forecast"),
        "chosen_model": series.get("chosen_model"),
        "models_dropped": series.get("models_dropped", []),
        "seasonal_period": series.get("seasonal_period"),
        "nb_dispersion": series.get("nb_dispersion"),
        "forecast": series["forecast"],
        "backtest": _backtest_by_model(series.get("backtest", [])),
    }


def forecasts(run: AnalysisRun) -> dict[str, Any]:
    """Each district and group's forecast with its intervals and backtest, the pooled
    districts, and (council) the prospective hotspot backtest."""
    summary = run.summary
    parameters = run.parameters
    return {
        "history_weeks": summary["history_weeks"],
        "horizon_weeks": parameters["h"],
        "levels": parameters["levels"],
        "min_mean_weekly": parameters["min_mean_weekly"],
        "series": [_forecast_series(series, run.audience) for series in summary["series"]],
        "pooled": summary["pooled"],
        "prospective_backtest": summary.get("prospective_backtest"),
    }


# --- Near repeat -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cluster:
    """The block of bands from the origin where every cell has more pairs than expected at
    the run's significance level: events closer than `space_m` and `time_days`, and the
    ratio of the block's observed to expected pairs."""

    space_m: float
    time_days: float
    ratio: float
    observed: int
    expected: float


NEAR_REPEAT_ALPHA = 0.05


def near_repeat_cluster(
    summary: dict[str, Any], space_edges: list[float], time_edges: list[float]
) -> Cluster | None:
    """The largest block [0, space) × [0, time) of the Knox table whose every cell has a
    ratio above 1 and p below NEAR_REPEAT_ALPHA, the most pairs first; None when the first
    cell is not such a cell. Observed and expected pairs add up over cells, so the block's
    ratio is the sum of the one over the sum of the other."""
    if summary.get("status") != "computed":
        return None
    ratio, p = summary["ratio"], summary["p"]

    def clustered(row: int, column: int) -> bool:
        value = ratio[row][column]
        return value is not None and value > 1 and p[row][column] < NEAR_REPEAT_ALPHA

    best: tuple[int, int, int] | None = None  # (observed, rows, columns)
    for rows in range(1, len(ratio) + 1):
        for columns in range(1, len(ratio[0]) + 1):
            if not all(clustered(r, c) for r in range(rows) for c in range(columns)):
                continue
            observed = sum(summary["observed"][r][c] for r in range(rows) for c in range(columns))
            if best is None or observed > best[0]:
                best = (observed, rows, columns)
    if best is None:
        return None
    observed, rows, columns = best
    expected = sum(summary["expected"][r][c] for r in range(rows) for c in range(columns))
    return Cluster(
        space_m=space_edges[rows],
        time_days=time_edges[columns],
        ratio=observed / expected,
        observed=observed,
        expected=expected,
    )


def near_repeat(run: AnalysisRun) -> dict[str, Any]:
    """The Knox table as stored, its parameters and seed, and the cluster it reads as."""
    summary = run.summary
    parameters = run.parameters
    found: dict[str, Any] = {
        "status": summary.get("status"),
        "group": parameters["groups"][0],
        "n_events": summary["n_events"],
        # Above max_events a seeded uniform sample is tested (docs/analytics/near-repeat.md).
        "n_events_analysed": summary.get("n_events_analysed", summary["n_events"]),
        "min_events": summary["min_events"],
        "seed": run.seed,
        "n_permutations": parameters["n_permutations"],
        "closed": parameters["closed"],
        "space_edges_m": parameters["space_edges_m"],
        "time_edges_days": parameters["time_edges_days"],
        "space_bands": summary.get("space_bands", []),
        "time_bands": summary.get("time_bands", []),
        "observed": summary.get("observed", []),
        "expected": summary.get("expected", []),
        "ratio": summary.get("ratio", []),
        "p": summary.get("p", []),
        "n_close_pairs": summary.get("n_close_pairs"),
        "alpha": NEAR_REPEAT_ALPHA,
        "cluster": None,
    }
    cluster = near_repeat_cluster(
        summary, parameters["space_edges_m"], parameters["time_edges_days"]
    )
    if cluster is not None:
        found["cluster"] = {
            "space_m": cluster.space_m,
            "time_days": cluster.time_days,
            "ratio": cluster.ratio,
            "observed": cluster.observed,
            "expected": cluster.expected,
        }
    return found
