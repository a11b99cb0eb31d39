"""Exporting a wave's raw responses for analysts: every export is logged, with who and when."""

from curim.accounts.models import User
from surveys.exports import FORMATS, defused, table_file
from surveys.models import ExportRecord, Survey
from surveys.selectors import responses_table_columns, responses_table_rows


def responses_export(*, survey: Survey, user: User, file_format: str) -> tuple[bytes, int]:
    """The file and its row count; the export is logged first, whatever happens next."""
    if file_format not in FORMATS:  # the view answers 404 before this
        raise ValueError(f"no export format {file_format!r}")
    rows = [[defused(value) for value in row] for row in responses_table_rows(survey)]
    record = ExportRecord(survey=survey, user=user, file_format=file_format, rows=len(rows))
    record.full_clean()
    record.save()
    content = table_file(
        columns=responses_table_columns(survey),
        rows=rows,
        file_format=file_format,
        sheet=survey.code,
    )
    return content, len(rows)
