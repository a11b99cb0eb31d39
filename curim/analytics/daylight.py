"""Day and night at Piraeus: civil dawn and dusk per date, and which instants fall in the night.

Hotspots are computed for a time of day, where night runs from dusk to dawn at Piraeus on that
date rather than from a fixed clock hour. docs/analytics/day-and-night.md writes the method out;
tests/analytics/test_daylight.py checks it against astral.

Why civil twilight (the sun 6 degrees below the horizon) by default: that is when it is dark
enough outdoors for street lighting to matter and for an incident to happen "in the dark"; between
sunset and civil dusk the sky is still light. `depression_deg=0.833` gives sunrise and sunset
instead (the sun's upper limb on the horizon, with standard refraction).
"""

import datetime
from typing import Final
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

DateArray = NDArray[np.datetime64]
FloatArray = NDArray[np.float64]

DAY: Final = "day"
NIGHT: Final = "night"

# The port of Piraeus, WGS84 degrees (longitude positive east).
PIRAEUS_LATITUDE: Final = 37.9420
PIRAEUS_LONGITUDE: Final = 23.6465
# Civil twilight: the sun's centre 6 degrees below the geometric horizon.
CIVIL_DEPRESSION_DEG: Final = 6.0
# Sunrise/sunset: 50 arcminutes = the sun's semidiameter (16') plus standard refraction (34').
SUNRISE_DEPRESSION_DEG: Final = 0.833

ATHENS: Final = ZoneInfo("Europe/Athens")

# The event times are found by fixed-point iteration: the sun's declination and the equation of
# time are evaluated at the previous estimate of the event. Three passes move it by well under a
# second from the second to the third.
_PASSES: Final = 3


def _julian_centuries(julian_days: FloatArray) -> FloatArray:
    """Julian centuries of 36,525 days since J2000.0 (2000-01-01 12:00 TT, taken as UTC)."""
    return (julian_days - 2451545.0) / 36525.0


def _equation_of_time_and_declination(centuries: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The equation of time (minutes) and the sun's apparent declination (radians) at the given
    Julian centuries: the NOAA Solar Calculator's equations, from Meeus, Astronomical
    Algorithms, 2nd ed. (1998), chapters 25 (solar coordinates, low accuracy) and 28 (equation
    of time).

    Not the shorter Spencer (1971) Fourier series of NOAA's "General Solar Position
    Calculations": its fit is tied to its mid-century epoch, and in the 2020s it puts the
    equinoxes about a day late (declination off by up to 0.44 degrees), moving dawn and dusk at
    Piraeus by up to about 2.5 minutes against these equations.
    """
    t = centuries
    mean_longitude = np.radians((280.46646 + t * (36000.76983 + 0.0003032 * t)) % 360.0)
    mean_anomaly = np.radians(357.52911 + t * (35999.05029 - 0.0001537 * t))
    eccentricity = 0.016708634 - t * (0.000042037 + 0.0000001267 * t)
    equation_of_centre = (
        np.sin(mean_anomaly) * (1.914602 - t * (0.004817 + 0.000014 * t))
        + np.sin(2 * mean_anomaly) * (0.019993 - 0.000101 * t)
        + np.sin(3 * mean_anomaly) * 0.000289
    )
    omega = np.radians(125.04 - 1934.136 * t)
    apparent_longitude = np.radians(
        np.degrees(mean_longitude) + equation_of_centre - 0.00569 - 0.00478 * np.sin(omega)
    )
    mean_obliquity = (
        23.0 + (26.0 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60.0) / 60.0
    )
    obliquity = np.radians(mean_obliquity + 0.00256 * np.cos(omega))
    declination = np.arcsin(np.sin(obliquity) * np.sin(apparent_longitude))
    y = np.tan(obliquity / 2) ** 2
    equation_of_time = 4.0 * np.degrees(
        y * np.sin(2 * mean_longitude)
        - 2 * eccentricity * np.sin(mean_anomaly)
        + 4 * eccentricity * y * np.sin(mean_anomaly) * np.cos(2 * mean_longitude)
        - 0.5 * y * y * np.sin(4 * mean_longitude)
        - 1.25 * eccentricity * eccentricity * np.sin(2 * mean_anomaly)
    )
    return equation_of_time, declination


def _event_minutes(
    midnight_julian_days: FloatArray,
    latitude: float,
    longitude: float,
    zenith_deg: float,
    direction: int,
) -> FloatArray:
    """Minutes after 00:00 UTC of each date at which the sun's centre reaches `zenith_deg`,
    rising (direction -1: dawn) or setting (+1: dusk)."""
    latitude_rad = np.radians(latitude)
    cos_zenith = np.cos(np.radians(zenith_deg))
    # First estimate: solar noon at this longitude, ignoring the equation of time.
    minutes = np.full(midnight_julian_days.shape, 720.0 - 4.0 * longitude)
    for _ in range(_PASSES):
        centuries = _julian_centuries(midnight_julian_days + minutes / 1440.0)
        equation_of_time, declination = _equation_of_time_and_declination(centuries)
        cos_hour_angle = cos_zenith / (np.cos(latitude_rad) * np.cos(declination)) - np.tan(
            latitude_rad
        ) * np.tan(declination)
        if np.any(np.abs(cos_hour_angle) > 1.0):
            raise ValueError(
                f"the sun does not reach zenith {zenith_deg} degrees at latitude {latitude} "
                "on every date given (polar day or night)"
            )
        hour_angle_deg = np.degrees(np.arccos(cos_hour_angle))
        minutes = 720.0 - 4.0 * (longitude - direction * hour_angle_deg) - equation_of_time
    return minutes


def dawn_and_dusk(
    dates: DateArray,
    latitude: float = PIRAEUS_LATITUDE,
    longitude: float = PIRAEUS_LONGITUDE,
    depression_deg: float = CIVIL_DEPRESSION_DEG,
) -> tuple[DateArray, DateArray]:
    """Dawn and dusk of each date (datetime64[D]) as UTC datetime64[s], to the nearest second.

    Dawn and dusk are when the sun's centre is `depression_deg` below the horizon, rising and
    setting: 6 (civil twilight) by default, 0.833 for sunrise and sunset. Raises ValueError where
    the sun never gets that low or that high (polar day or night; never at Piraeus).

    The times are counted from 00:00 UTC of the date, around that UTC day's solar noon; at
    Piraeus (UTC+2/+3, solar noon near 10:25 UTC) dawn and dusk fall on the same date in UTC
    and in Athens, so the date is the local date too.
    """
    dates = np.asarray(dates)
    if dates.dtype != np.dtype("datetime64[D]"):
        raise ValueError(f"dates must be datetime64[D], not {dates.dtype}")
    if np.any(np.isnat(dates)):
        raise ValueError("dates must not contain NaT")
    # The Julian day of 1970-01-01 00:00 UTC is 2440587.5.
    midnight_julian_days = dates.astype(np.int64).astype(np.float64) + 2440587.5
    zenith_deg = 90.0 + depression_deg
    midnight = dates.astype("datetime64[s]")
    events = []
    for direction in (-1, 1):
        minutes = _event_minutes(midnight_julian_days, latitude, longitude, zenith_deg, direction)
        seconds = np.rint(minutes * 60.0).astype(np.int64).astype("timedelta64[s]")
        events.append(midnight + seconds)
    return events[0], events[1]


def _athens_offset(seconds: int) -> int:
    """Europe/Athens's UTC offset in seconds at an instant given in seconds since the epoch."""
    offset = datetime.datetime.fromtimestamp(seconds, tz=ATHENS).utcoffset()
    if offset is None:  # never for a ZoneInfo and an aware datetime
        raise RuntimeError("Europe/Athens has no UTC offset")
    return int(offset.total_seconds())


def athens_local_dates(times_utc: DateArray) -> DateArray:
    """The calendar date in Europe/Athens (UTC+2 in winter, UTC+3 in summer) of each UTC instant.

    zoneinfo is asked only about the distinct UTC days: the offset at the start and the end of
    each, and, on the two days a year they differ, the second the clocks change (by bisection).
    Each instant then takes its day's offset before or after that second. This assumes at most
    one change of offset per UTC day, true of Europe/Athens.
    """
    seconds = _utc_seconds(times_utc)
    days, inverse = np.unique(seconds.astype("datetime64[D]"), return_inverse=True)
    starts = days.astype("datetime64[s]").astype(np.int64)
    offset_before = np.empty(days.shape, dtype=np.int64)
    offset_after = np.empty(days.shape, dtype=np.int64)
    # The first second with offset_after; the end of the day where the offset does not change.
    change = starts + 86_400
    for k, start in enumerate(starts.tolist()):
        before, after = _athens_offset(start), _athens_offset(start + 86_400)
        offset_before[k], offset_after[k] = before, after
        if before != after:
            low, high = start, start + 86_400
            while high - low > 1:
                middle = (low + high) // 2
                if _athens_offset(middle) == before:
                    low = middle
                else:
                    high = middle
            change[k] = high
    epoch_seconds = seconds.astype(np.int64)
    offsets = np.where(
        epoch_seconds < change[inverse], offset_before[inverse], offset_after[inverse]
    )
    local = epoch_seconds + offsets
    return local.astype("datetime64[s]").astype("datetime64[D]")


def _utc_seconds(times_utc: DateArray) -> DateArray:
    """The instants as datetime64[s], floored: comparing them with whole-second dawns and dusks
    gives the same answer as comparing the exact instants."""
    times = np.asarray(times_utc)
    if times.dtype.kind != "M":
        raise ValueError(f"times must be datetime64 (UTC), not {times.dtype}")
    if np.any(np.isnat(times)):
        raise ValueError("times must not contain NaT")
    return times.astype("datetime64[s]")


def is_night(
    times_utc: DateArray,
    latitude: float = PIRAEUS_LATITUDE,
    longitude: float = PIRAEUS_LONGITUDE,
    depression_deg: float = CIVIL_DEPRESSION_DEG,
) -> NDArray[np.bool_]:
    """Whether each UTC instant (naive datetime64, read as UTC) falls in the night.

    Night is before dawn or from dusk on of the instant's local date in Europe/Athens: the day
    is [dawn, dusk). An event at 01:00 local on 3 June is before 3 June's dawn, so in the night
    that began at dusk on 2 June. Dawn and dusk are computed once per distinct local date.
    """
    seconds = _utc_seconds(times_utc)
    local_dates, inverse = np.unique(athens_local_dates(seconds), return_inverse=True)
    dawn, dusk = dawn_and_dusk(local_dates, latitude, longitude, depression_deg)
    night: NDArray[np.bool_] = (seconds < dawn[inverse]) | (seconds >= dusk[inverse])
    return night


def day_or_night(
    times_utc: DateArray,
    latitude: float = PIRAEUS_LATITUDE,
    longitude: float = PIRAEUS_LONGITUDE,
    depression_deg: float = CIVIL_DEPRESSION_DEG,
) -> NDArray[np.str_]:
    """DAY or NIGHT for each UTC instant, by is_night."""
    night = is_night(times_utc, latitude, longitude, depression_deg)
    return np.where(night, NIGHT, DAY)
