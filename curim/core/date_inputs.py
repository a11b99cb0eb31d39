"""The browser's date and time inputs, which every form of the project uses.

An `<input type="date">` (or `time`, `datetime-local`) takes and sends its value in ISO
whatever the page's language; the browser shows it in the reader's own format. Django's
widgets would render the active language's input format (`02/01/1980` in Greek), which the
browser rejects and shows empty, so that saving the form unchanged erased the date. These
render ISO always; the form fields accept ISO in every language (Django adds the ISO formats
to every language's input formats).
"""

from typing import Any

from django import forms

DATE_FORMAT = "%Y-%m-%d"
TIME_FORMAT = "%H:%M"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    """`<input type="date">`, its value `1980-01-02`."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=DATE_FORMAT)


class TimeInput(forms.TimeInput):
    """`<input type="time">`, its value `14:05`."""

    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=TIME_FORMAT)


class DateTimeInput(forms.DateTimeInput):
    """`<input type="datetime-local">`, its value `2026-12-01T14:05` in the local time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=DATETIME_FORMAT)
