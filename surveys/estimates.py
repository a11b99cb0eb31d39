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

Weights are constant within a profile cell, so the SQL keeps, per fine cell (district × group ×
gender × age band) and indicator, n, Σy and Σy² (`CellStatistic`); every weighted sum follows
from them. New responses are added to these sums without reading the others (incremental).
The sums are PostgreSQL's exact `numeric`, so that Σw²y² − 2ȳΣw²y + ȳ²Σw² loses nothing to
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

# The score y of each (indicator, response) for the responses in `chosen` (a CTE the caller
# puts before this one, with id, area_id, "group", gender, age_band), summed per fine cell.
ITEMS_AND_SCORES = """
item AS MATERIALIZED (
  SELECT ii.indicator_id, q.id AS question_id, ii.reverse,
         CASE q.kind WHEN 'likert' THEN q.scale_min::float8 WHEN 'number' THEN q.number_min
              ELSE (SELECT min(c.score) FROM surveys_choice c WHERE c.question_id = q.id) END AS lo,
         CASE q.kind WHEN 'likert' THEN q.scale_max::float8 WHEN 'number' THEN q.number_max
              ELSE (SELECT max(c.score) FROM surveys_choice c WHERE c.question_id = q.id) END AS hi
  FROM surveys_indicatoritem ii
  JOIN surveys_question q ON q.code = ii.question_code AND q.survey_id = %(survey)s
  WHERE q.kind IN ('likert', 'number', 'single')
),
score AS (
  SELECT i.indicator_id, a.response_id,
         avg(CASE WHEN i.reverse THEN 100 - x.s ELSE x.s END) AS score
  FROM item i
  JOIN ANSWERS_OF_CHOSEN ON a.question_id = i.question_id
  LEFT JOIN surveys_choice c ON c.id = a.choice_id
  CROSS JOIN LATERAL (
    SELECT 100 * (coalesce(a.number, c.score) - i.lo) / (i.hi - i.lo) AS s
  ) x
  WHERE i.hi > i.lo AND coalesce(a.number, c.score) IS NOT NULL
  GROUP BY 1, 2
),
y AS (
  SELECT s.indicator_id, r.area_id, r."group", r.gender, r.age_band,
         (CASE WHEN ind.method = 'share'
               THEN CASE WHEN round(s.score::numeric, 9) >= ind.threshold THEN 100 ELSE 0 END
               ELSE s.score END)::numeric AS y
  FROM score s
  JOIN chosen r ON r.id = s.response_id
  JOIN surveys_indicator ind ON ind.id = s.indicator_id
),
fine AS (
  SELECT %(survey)s AS survey_id, indicator_id, area_id, "group", gender, age_band,
         count(*) AS n, sum(y) AS sum_y, sum(y * y) AS sum_y2
  FROM y GROUP BY 2, 3, 4, 5, 6
)
"""

INSERT_FINE = """
INSERT INTO surveys_cellstatistic AS cs
  (survey_id, indicator_id, area_id, "group", gender, age_band, n, sum_y, sum_y2)
SELECT * FROM fine
ON CONFLICT ON CONSTRAINT cell_statistic_once DO UPDATE
SET n = cs.n + EXCLUDED.n, sum_y = cs.sum_y + EXCLUDED.sum_y, sum_y2 = cs.sum_y2 + EXCLUDED.sum_y2
"""

# Every complete response (a rebuild; run at REPEATABLE READ, so the same set is then marked).
ALL_COMPLETE = """
WITH chosen AS (
  SELECT id, area_id, "group", gender, age_band FROM surveys_response
  WHERE survey_id = %(survey)s AND status = 'complete'
),"""
# All answers of all responses: read by question, the way their index serves a whole wave.
ALL_ANSWERS = "(surveys_answer a JOIN chosen ON chosen.id = a.response_id)"
REBUILD_SQL = "".join(
    (ALL_COMPLETE, ITEMS_AND_SCORES.replace("ANSWERS_OF_CHOSEN", ALL_ANSWERS), INSERT_FINE)
)

# The complete responses not yet counted, marked counted by the same statement.
NOT_COUNTED = """
WITH chosen AS (
  UPDATE surveys_response SET counted = true
  WHERE survey_id = %(survey)s AND status = 'complete' AND NOT counted
  RETURNING id, area_id, "group", gender, age_band
),"""
# The answers of a few responses: read response by response, whatever the planner guesses.
FEW_ANSWERS = (  # OFFSET 0 keeps the planner from flattening the per-response lookup
    "(chosen CROSS JOIN LATERAL "
    "(SELECT * FROM surveys_answer WHERE response_id = chosen.id OFFSET 0) a)"
)
ADD_SQL = "".join(
    (NOT_COUNTED, ITEMS_AND_SCORES.replace("ANSWERS_OF_CHOSEN", FEW_ANSWERS), INSERT_FINE)
)

# Estimates from the cell statistics. %(weights)s: a JSON list of {area_id, gender, age_band,
# weight}, or null for weight 1.
ESTIMATES_SQL = """
WITH cell_weight AS (
  SELECT * FROM jsonb_to_recordset(coalesce(%(weights)s::jsonb, '[]'::jsonb))
    AS cw(area_id bigint, gender text, age_band text, weight float8)
),
s AS (
  SELECT c.indicator_id, c.area_id, c."group", c.n, c.sum_y, c.sum_y2,
         (CASE WHEN %(weights)s::jsonb IS NULL THEN 1 ELSE coalesce(cw.weight, 0) END)::numeric AS w
  FROM surveys_cellstatistic c
  LEFT JOIN cell_weight cw ON cw.area_id IS NOT DISTINCT FROM c.area_id
       AND cw.gender = c.gender AND cw.age_band = c.age_band
  WHERE c.survey_id = %(survey)s
),
cell AS (
  SELECT indicator_id, area_id, "group",
         GROUPING(area_id) = 1 AS all_areas, GROUPING("group") = 1 AS all_groups,
         sum(n) AS n, sum(w * n) AS sw, sum(w * w * n) AS sww, sum(w * sum_y) AS swy,
         sum(w * w * sum_y) AS swwy, sum(w * w * sum_y2) AS swwyy
  FROM s
  WHERE w > 0
  GROUP BY GROUPING SETS ((indicator_id, area_id, "group"), (indicator_id, area_id),
                          (indicator_id, "group"), (indicator_id))
)
SELECT indicator_id, CASE WHEN all_areas THEN NULL ELSE area_id END,
       CASE WHEN all_groups THEN '' ELSE "group" END, n::int,
       (swy / sw)::float8 AS mean,
       CASE WHEN n > 1 THEN (n::numeric / (n - 1)
            * (swwyy - 2 * (swy / sw) * swwy + (swy / sw) * (swy / sw) * sww) / (sw * sw))::float8
       END AS variance,
       (sw * sw / sww)::float8 AS effective_n
FROM cell
WHERE sw > 0 AND (all_areas OR area_id IS NOT NULL)  -- no cell for "district unknown"
"""


def cell_statistics_rebuild(survey: Survey) -> None:
    """Recompute a wave's cell statistics from all its complete responses."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM surveys_cellstatistic WHERE survey_id = %s", [survey.pk])
        cursor.execute(REBUILD_SQL, {"survey": survey.pk})
        cursor.execute(
            "UPDATE surveys_response SET counted = true "
            "WHERE survey_id = %s AND status = 'complete' AND NOT counted",
            [survey.pk],
        )


def cell_statistics_add(survey: Survey) -> None:
    """Add the complete responses not counted yet to a wave's cell statistics."""
    with connection.cursor() as cursor:
        cursor.execute(ADD_SQL, {"survey": survey.pk})


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
                ci_low=None if se is None else max(mean - Z_95 * se, 0.0),
                ci_high=None if se is None else min(mean + Z_95 * se, 100.0),
                effective_n=effective_n if weighted else float(n),
            )
        )
    return estimates
