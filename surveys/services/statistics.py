"""The cell statistics of a wave: per indicator and fine cell, n, the mean of y, and m2.

A fine cell is district × group × gender × age band; y is a respondent's indicator score (see
`surveys.estimates` for the method). Weights are constant within a profile cell, so every
estimate follows from these sums. New complete responses are merged into them by one statement
(Chan's formula), which also marks them counted; other changes rebuild them from every complete
response. Both are plain SQL, run by the refresh inside its transaction.
"""

from django.db import connection

from surveys.models import Survey

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
  -- The profile rides along (one value per response) so that no second join is needed.
  SELECT i.indicator_id, a.response_id, chosen.area_id, chosen."group", chosen.gender,
         chosen.age_band, avg(CASE WHEN i.reverse THEN 100 - x.s ELSE x.s END) AS score
  FROM item i
  JOIN ANSWERS_OF_CHOSEN ON a.question_id = i.question_id
  LEFT JOIN surveys_choice c ON c.id = a.choice_id
  CROSS JOIN LATERAL (
    SELECT 100 * (coalesce(a.number, c.score) - i.lo) / (i.hi - i.lo) AS s
  ) x
  WHERE i.hi > i.lo AND coalesce(a.number, c.score) IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5, 6
),
y AS (
  SELECT s.indicator_id, s.area_id, s."group", s.gender, s.age_band,
         (CASE WHEN ind.method = 'share'
               THEN CASE WHEN round(s.score::numeric, 9) >= ind.threshold THEN 100 ELSE 0 END
               ELSE s.score END)::float8 AS y
  FROM score s
  JOIN surveys_indicator ind ON ind.id = s.indicator_id
),
fine AS (
  -- Per fine cell: n, the mean, and the sum of squared deviations from it (var_samp is
  -- numerically stable, so a cell where all agree has exactly 0).
  SELECT %(survey)s AS survey_id, indicator_id, area_id, "group", gender, age_band,
         count(*) AS n, avg(y) AS mean, coalesce(var_samp(y) * (count(*) - 1), 0) AS m2
  FROM y GROUP BY 2, 3, 4, 5, 6
)
"""

# New sums merge into stored ones by Chan's formula for combining means and squared deviations.
INSERT_FINE = """
INSERT INTO surveys_cellstatistic AS cs
  (survey_id, indicator_id, area_id, "group", gender, age_band, n, mean, m2)
SELECT * FROM fine
ON CONFLICT ON CONSTRAINT cell_statistic_once DO UPDATE
SET n = cs.n + EXCLUDED.n,
    mean = cs.mean + (EXCLUDED.mean - cs.mean) * EXCLUDED.n / (cs.n + EXCLUDED.n)::float8,
    m2 = cs.m2 + EXCLUDED.m2
         + (EXCLUDED.mean - cs.mean) ^ 2 * cs.n * EXCLUDED.n / (cs.n + EXCLUDED.n)::float8
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


def cell_statistics_rebuild(*, survey: Survey) -> None:
    """Recompute a wave's cell statistics from all its complete responses."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM surveys_cellstatistic WHERE survey_id = %s", [survey.pk])
        cursor.execute(REBUILD_SQL, {"survey": survey.pk})
        cursor.execute(
            "UPDATE surveys_response SET counted = true "
            "WHERE survey_id = %s AND status = 'complete' AND NOT counted",
            [survey.pk],
        )


def cell_statistics_add(*, survey: Survey) -> None:
    """Add the complete responses not counted yet to a wave's cell statistics."""
    with connection.cursor() as cursor:
        cursor.execute(ADD_SQL, {"survey": survey.pk})
