"""Indicator estimates of a wave, aggregated in SQL: n, estimate, standard error, 95% interval.

The method (docs/surveys.md says the same for analysts):
- an item's score is 100 × (answer − lowest) / (highest − lowest) on the question's own range
  (the Likert scale, the number range, or the choices' scores); reverse-coded, 100 minus that;
- a respondent's score for an indicator is the mean of their item scores (at least one item
  answered); y is that score (method "mean") or 100 when it reaches the threshold, else 0
  ("share", a percentage);
- with weights w (1 when the wave has no margins; see weights.py), for each wave × indicator ×
  district × group cell and their totals: the estimate ȳ = Σwy / Σw; its variance by Taylor
  linearisation (with-replacement), SE² = n/(n−1) · Σ w²(y − ȳ)² / (Σw)²; Kish's effective
  sample size (Σw)² / Σw²; the 95% interval ȳ ± 1.959964 · SE, clipped to 0–100.
  Unweighted, these reduce to the sample mean, s/√n and n.
- a cell with fewer than SURVEY_MIN_CELL_SIZE respondents is suppressed: no n, no values.

Weights are constant within a profile cell, so the refresh keeps, per fine cell (district ×
group × gender × age band) and indicator, n, the mean of y and the sum of squared deviations
from it (`CellStatistic`, written by `surveys.services.statistics`); every weighted estimate
follows from them, since within a fine cell
Σ w²(y − ȳ)² = w² (m2 + n (mean − ȳ)²). New responses merge into these by Chan's formula,
without reading the others (incremental). No sum of squares is ever subtracted from another, so
nothing is lost to cancellation (a cell where everybody answers alike has an error of exactly 0).
"""

import json
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from surveys.models import Survey
from surveys.weights import cell_weights

Z_95 = 1.959963984540054

# Estimates from the cell statistics. %(weights)s: a JSON list of {area_id, gender, age_band,
# weight}, or null for weight 1.
ESTIMATES_SQL = """
WITH cell_weight AS (
  SELECT * FROM jsonb_to_recordset(coalesce(%(weights)s::jsonb, '[]'::jsonb))
    AS cw(area_id bigint, gender text, age_band text, weight float8)
),
s AS (
  SELECT c.indicator_id, c.area_id, c."group", c.n::float8 AS n, c.mean, c.m2,
         CASE WHEN %(weights)s::jsonb IS NULL THEN 1 ELSE coalesce(cw.weight, 0) END AS w
  FROM surveys_cellstatistic c
  LEFT JOIN cell_weight cw ON cw.area_id IS NOT DISTINCT FROM c.area_id
       AND cw.gender = c.gender AND cw.age_band = c.age_band
  WHERE c.survey_id = %(survey)s
),
keyed AS (  -- every fine cell counts in four estimate cells: its own and the three totals
  SELECT s.*, k.all_areas, k.all_groups,
         CASE WHEN k.all_areas THEN -1 ELSE coalesce(s.area_id, 0) END AS key_area,
         CASE WHEN k.all_groups THEN '' ELSE s."group" END AS key_group
  FROM s CROSS JOIN (VALUES (false, false), (false, true), (true, false), (true, true))
    AS k(all_areas, all_groups)
  WHERE s.w > 0
),
cell AS (
  SELECT indicator_id, key_area, key_group, sum(n) AS n, sum(w * n) AS sw,
         sum(w * w * n) AS sww, sum(w * n * mean) / sum(w * n) AS mean
  FROM keyed GROUP BY 1, 2, 3
),
spread AS (  -- Σ w²(y − ȳ)² = Σ over fine cells of w² (m2 + n (mean − ȳ)²)
  SELECT k.indicator_id, k.key_area, k.key_group,
         sum(k.w * k.w * (k.m2 + k.n * (k.mean - c.mean) ^ 2)) AS sq
  FROM keyed k JOIN cell c USING (indicator_id, key_area, key_group)
  GROUP BY 1, 2, 3
)
SELECT c.indicator_id, CASE WHEN c.key_area > 0 THEN c.key_area END, c.key_group, c.n::int,
       c.mean,
       CASE WHEN c.n > 1 THEN c.n / (c.n - 1) * s.sq / (c.sw * c.sw) END AS variance,
       c.sw * c.sw / c.sww AS effective_n
FROM cell c JOIN spread s USING (indicator_id, key_area, key_group)
WHERE c.sw > 0 AND c.key_area <> 0  -- no cell for "district unknown" (0); -1 is all
"""


@dataclass(frozen=True)
class Estimate:
    indicator_id: int
    area_id: int | None  # None: all districts
    group: str  # "": all groups
    n: int | None  # None when suppressed
    weighted: bool
    suppressed: bool
    estimate: float | None
    std_error: float | None
    ci_low: float | None
    ci_high: float | None
    effective_n: float | None

    @classmethod
    def suppressed_cell(
        cls, indicator_id: int, area_id: int | None, group: str, weighted: bool
    ) -> "Estimate":
        return cls(
            indicator_id=indicator_id,
            area_id=area_id,
            group=group,
            n=None,
            weighted=weighted,
            suppressed=True,
            estimate=None,
            std_error=None,
            ci_low=None,
            ci_high=None,
            effective_n=None,
        )


def estimates_compute(survey: Survey) -> list[Estimate]:
    """Every estimate of a wave, from its cell statistics (kept by the refresh)."""
    weights = cell_weights(survey)
    weights_json = (
        None
        if weights is None
        else json.dumps(
            [
                {
                    "area_id": w.area_id,
                    "gender": w.gender,
                    "age_band": w.age_band,
                    "weight": w.weight,
                }
                for w in weights
            ]
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(ESTIMATES_SQL, {"survey": survey.pk, "weights": weights_json})
        rows = cursor.fetchall()
    k = settings.SURVEY_MIN_CELL_SIZE
    estimates = []
    weighted = weights is not None
    for indicator_id, area_id, group, n, mean, variance, effective_n in rows:
        if n < k:
            estimates.append(Estimate.suppressed_cell(indicator_id, area_id, group, weighted))
            continue
        se = math.sqrt(max(variance, 0.0)) if variance is not None else None
        estimates.append(
            Estimate(
                indicator_id=indicator_id,
                area_id=area_id,
                group=group,
                n=n,
                weighted=weighted,
                suppressed=False,
                estimate=mean,
                std_error=se,
                ci_low=None if se is None else interval_95(mean, se)[0],
                ci_high=None if se is None else interval_95(mean, se)[1],
                effective_n=effective_n if weighted else float(n),
            )
        )
    return _complementary_suppression(estimates)


def interval_95(mean: float, se: float) -> tuple[float, float]:
    """The 95% interval of a score, kept within the scale's 0 to 100."""
    return max(mean - Z_95 * se, 0.0), min(mean + Z_95 * se, 100.0)


def _complementary_suppression(estimates: list[Estimate]) -> list[Estimate]:
    """Hide more cells wherever one hidden cell could be worked out from its total.

    A total and all but one of its cells give the missing cell's n and mean by subtraction.
    So wherever a margin (the districts of one group, or the groups of one district) has
    exactly one suppressed cell under a shown total, its smallest shown cell is suppressed
    too (or the total, when no cell is shown), until no margin has a lone suppressed cell.
    """
    cells = {(e.indicator_id, e.area_id, e.group): e for e in estimates}

    def hide(key: tuple[int, int | None, str]) -> None:
        e = cells[key]
        cells[key] = Estimate.suppressed_cell(e.indicator_id, e.area_id, e.group, e.weighted)

    changed = True
    while changed:
        changed = False
        margins: dict[tuple[str, int, object], list[tuple[int, int | None, str]]] = {}
        for key in cells:
            indicator, area, group = key
            if area is not None:
                margins.setdefault(("districts", indicator, group), []).append(key)
            if group:
                margins.setdefault(("groups", indicator, area), []).append(key)
        for (kind, indicator, other), members in sorted(margins.items(), key=str):
            total_key = (indicator, None, other) if kind == "districts" else (indicator, other, "")
            total = cells.get(total_key)  # type: ignore[arg-type]
            hidden = [k for k in members if cells[k].suppressed]
            if total is None or total.suppressed or len(hidden) != 1:
                continue
            shown = [k for k in members if not cells[k].suppressed]
            if shown:
                hide(min(shown, key=lambda k: (cells[k].n or 0, k[1] or 0, k[2])))
            else:
                hide(total_key)  # type: ignore[arg-type]
            changed = True
    return [cells[(e.indicator_id, e.area_id, e.group)] for e in estimates]
