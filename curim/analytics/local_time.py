"""The analytics' one clock: every day, week and month they count is Europe/Athens's (Piraeus),
whatever `TIME_ZONE` says, because the SQL that buckets events truncates in that zone too."""

from datetime import date, datetime, time
from typing import Final
from zoneinfo import ZoneInfo

ATHENS: Final = ZoneInfo("Europe/Athens")


def local_midnight(day: date) -> datetime:
    """The instant the day starts in Athens."""
    return datetime.combine(day, time.min, tzinfo=ATHENS)
