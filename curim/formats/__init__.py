"""The project's date, time and number formats per language (FORMAT_MODULE_PATH).

One date format per language wherever a date is shown (DATE_FORMAT and SHORT_DATE_FORMAT are
the same on purpose), 24-hour times, and input formats that always accept ISO, which is what
the browser's date and time inputs send (curim.core.date_inputs).
"""
