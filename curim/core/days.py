"""Days of the platform's calendar as instants."""

from datetime import date, datetime, time

from django.utils import timezone


def day_start(day: date) -> datetime:
    """The first instant of `day` in the current time zone (TIME_ZONE unless one is activated).
    A bound on a timestamp, not a conversion of it, so a date of any year is safe to compare."""
    return timezone.make_aware(datetime.combine(day, time.min))
