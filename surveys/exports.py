"""Raw responses of a wave as a table (CSV or XLSX) for analysts; every export is logged.

One row per complete response: its id, source, completion date, profile, then one column per
question code (multiple choices joined by `;`), the same layout the import reads. The rows are
pivoted by PostgreSQL, one query, read in batches.
"""

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import connection
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from curim.accounts.models import User
from curim.core.spreadsheet import formula_defused
from surveys.models import ExportRecord, Survey

PROFILE_COLUMNS = ["response", "source", "completed_on", "group", "district", "age_band", "gender"]

ROWS_SQL = """
SELECT r.public_id, r.source, to_char(r.completed_at AT TIME ZONE %(zone)s, 'YYYY-MM-DD'),
       r."group", coalesce(d.code, ''), r.age_band, r.gender,
       coalesce((
         SELECT jsonb_object_agg(code, value) FROM (
           SELECT q.code, string_agg(
                    coalesce(c.code, ad.code, a.number::text, a.text),
                    ';' ORDER BY c.position) AS value
           FROM surveys_answer a
           JOIN surveys_question q ON q.id = a.question_id
           LEFT JOIN surveys_choice c ON c.id = a.choice_id
           LEFT JOIN areas_area ad ON ad.id = a.area_id
           WHERE a.response_id = r.id
           GROUP BY q.code
         ) answered
       ), '{}'::jsonb)
FROM surveys_response r
LEFT JOIN areas_area d ON d.id = r.area_id
WHERE r.survey_id = %(survey)s AND r.status = 'complete'
ORDER BY r.id
"""


def export_columns(survey: Survey) -> list[str]:
    codes = survey.questions.order_by("section__position", "position", "pk").values_list(
        "code", flat=True
    )
    return [*PROFILE_COLUMNS, *codes]


def export_rows(survey: Survey) -> Iterator[list[Any]]:
    codes = export_columns(survey)[len(PROFILE_COLUMNS) :]
    with connection.cursor() as cursor:
        cursor.execute(ROWS_SQL, {"survey": survey.pk, "zone": settings.TIME_ZONE})
        while rows := cursor.fetchmany(2000):
            for *profile, answers in rows:
                # Django's connection hands jsonb over as text.
                values = json.loads(answers) if isinstance(answers, str) else answers
                yield [str(profile[0]), *profile[1:], *(values.get(code, "") for code in codes)]


NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?")


def _defused(value: Any) -> Any:
    # Respondents' free text must not become a formula in a spreadsheet (CSV injection); a
    # number (-3) stays a number, and characters a workbook cannot hold are dropped.
    if not isinstance(value, str) or NUMBER.fullmatch(value):
        return value
    return formula_defused(ILLEGAL_CHARACTERS_RE.sub("", value))


def _cell(value: Any) -> Any:
    """A workbook cell: numbers as numbers."""
    if isinstance(value, str) and NUMBER.fullmatch(value):
        number = float(value)
        return int(number) if number.is_integer() else number
    return value


def responses_export(*, survey: Survey, user: User, file_format: str) -> tuple[bytes, int]:
    """The file and its row count; the export is logged first, whatever happens next."""
    rows = [[_defused(value) for value in row] for row in export_rows(survey)]
    ExportRecord.objects.create(survey=survey, user=user, file_format=file_format, rows=len(rows))
    columns = export_columns(survey)
    if file_format == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet(survey.code[:31])
        sheet.append(columns)
        for row in rows:
            sheet.append([_cell(value) for value in row])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue(), len(rows)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(columns)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8-sig"), len(rows)
