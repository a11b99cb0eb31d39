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

Sums run in PostgreSQL's exact `numeric`, so that Σw²y² − 2ȳΣw²y + ȳ²Σw² loses nothing to
cancellation (a cell where everybody answers alike has a standard error of exactly 0).
"""

import json
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from surveys.models import Survey
from surveys.weights import cell_weights

Z_95 = 1.959963984540054

# %(weights)s is a JSON list of {area_id, gender, age_band, weight}, or null for weight 1.
AGGREGATE_SQL = """
WITH item AS (
  SELECT ii.indicator_id, q.id AS question_id, ii.reverse,
         CASE q.kind WHEN 'likert' THEN q.scale_min::float8 WHEN 'number' THEN q.number_min
              ELSE (SELECT min(c.score) FROM surveys_choice c WHERE c.question_id = q.id) END AS lo,
         CASE q.kind WHEN 'likert' THEN q.scale_max::float8 WHEN 'number' THEN q.number_max
              ELSE (SELECT max(c.score) FROM surveys_choice c WHERE c.question_id = q.id) END AS hi
  FROM surveys_indicatoritem ii
  JOIN surveys_question q ON q.code = ii.question_code AND q.survey_id = %(survey)s
  WHERE q.kind IN ('likert', 'number', 'single')
),
cell_weight AS (
  SELECT * FROM jsonb_to_recordset(coalesce(%(weights)s::jsonb, '[]'::jsonb))
    AS cw(area_id bigint, gender text, age_band text, weight float8)
),
respondent AS (
  SELECT r.id, r.area_id, r."group",
         CASE WHEN %(weights)s::jsonb IS NULL THEN 1.0 ELSE coalesce(cw.weight, 0) END AS w
  FROM surveys_response r
  LEFT JOIN cell_weight cw ON cw.area_id IS NOT DISTINCT FROM r.area_id
       AND cw.gender = r.gender AND cw.age_band = r.age_band
  WHERE r.survey_id = %(survey)s AND r.status = 'complete'
),
score AS (
  SELECT i.indicator_id, a.response_id,
         avg(CASE WHEN i.reverse THEN 100 - x.s ELSE x.s END) AS score
  FROM item i
  JOIN surveys_answer a ON a.question_id = i.question_id
  LEFT JOIN surveys_choice c ON c.id = a.choice_id
  CROSS JOIN LATERAL (
    SELECT 100 * (coalesce(a.number, c.score) - i.lo) / (i.hi - i.lo) AS s
  ) x
  WHERE i.hi > i.lo AND coalesce(a.number, c.score) IS NOT NULL
  GROUP BY 1, 2
),
y AS (
  SELECT s.indicator_id, r.area_id, r."group", r.w::numeric AS w,
         (CASE WHEN ind.method = 'share'
               THEN CASE WHEN round(s.score::numeric, 9) >= ind.threshold THEN 100 ELSE 0 END
               ELSE s.score END)::numeric AS y
  FROM score s
  JOIN respondent r ON r.id = s.response_id
  JOIN surveys_indicator ind ON ind.id = s.indicator_id
  WHERE r.w > 0
),
cell AS (
  SELECT indicator_id, area_id, "group",
         GROUPING(area_id) = 1 AS all_areas, GROUPING("group") = 1 AS all_groups,
         count(*) AS n, sum(w) AS sw, sum(w * w) AS sww, sum(w * y) AS swy,
         sum(w * w * y) AS swwy, sum(w * w * y * y) AS swwyy
  FROM y
  GROUP BY GROUPING SETS ((indicator_id, area_id, "group"), (indicator_id, area_id),
                          (indicator_id, "group"), (indicator_id))
)
SELECT indicator_id, CASE WHEN all_areas THEN NULL ELSE area_id END,
       CASE WHEN all_groups THEN '' ELSE "group" END, all_areas, n,
       (swy / sw)::float8 AS mean,
       CASE WHEN n > 1 THEN (n::numeric / (n - 1)
            * (swwyy - 2 * (swy / sw) * swwy + (swy / sw) * (swy / sw) * sww) / (sw * sw))::float8
       END AS variance,
       (sw * sw / sww)::float8 AS effective_n
FROM cell
WHERE sw > 0 AND (all_areas OR area_id IS NOT NULL)  -- no cell for "district unknown"
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
    """Every estimate of a wave, from one SQL aggregation over its complete responses."""
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
        cursor.execute(AGGREGATE_SQL, {"survey": survey.pk, "weights": weights_json})
        rows = cursor.fetchall()
    k = settings.SURVEY_MIN_CELL_SIZE
    estimates = []
    weighted = weights is not None
    for indicator_id, area_id, group, _all_areas, n, mean, variance, effective_n in rows:
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
                ci_low=None if se is None else max(mean - Z_95 * se, 0.0),
                ci_high=None if se is None else min(mean + Z_95 * se, 100.0),
                effective_n=effective_n if weighted else float(n),
            )
        )
    return estimates
