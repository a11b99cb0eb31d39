"""Dawn, dusk and night at Piraeus against astral (an independent implementation of the NOAA /
Meeus solar equations), and the Europe/Athens local date against zoneinfo, instant by instant."""

import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from astral import Observer
from astral.sun import dawn, dusk, elevation, sunrise, sunset

from curim.analytics import daylight
from curim.analytics.daylight import (
    DAY,
    NIGHT,
    PIRAEUS_LATITUDE,
    PIRAEUS_LONGITUDE,
    SUNRISE_DEPRESSION_DEG,
    athens_local_dates,
    dawn_and_dusk,
    day_or_night,
    is_night,
)

PIRAEUS = Observer(latitude=PIRAEUS_LATITUDE, longitude=PIRAEUS_LONGITUDE)
ATHENS = ZoneInfo("Europe/Athens")
UTC = datetime.UTC

# astral and we solve the same equations for a slightly different sun: astral adds its own
# "refraction" to every zenith. At 6 degrees below the horizon that is +0.055 degrees (20.774" /
# tan 6deg, a formula meant for a sun above the horizon), and for sunrise it uses 0.2667 + 0.5224
# = 0.789 degrees instead of 0.833. At Piraeus these move the times by up to 22 seconds; 60
# seconds is the tolerance asked of the day/night split, a minute being far below the precision
# of the incident times it is applied to.
TOLERANCE_S = 60
# Given astral's own effective depressions, the two implementations agree to rounding.
ASTRAL_CIVIL_DEPRESSION = 6.0 + 20.774 / np.tan(np.radians(6.0)) / 3600.0
ASTRAL_SUNRISE_DEPRESSION = 16.0 / 60.0 + 1880.78 / 3600.0
EXACT_TOLERANCE_S = 1

# Solstices, equinoxes, the two DST switches of 2026 (29 March, 25 October) with the days around
# them, a leap day, and every fifth day from 2024 to 2027.
MARKED_DATES = [
    "2026-03-20",
    "2026-06-21",
    "2026-09-23",
    "2026-12-21",
    "2026-03-28",
    "2026-03-29",
    "2026-03-30",
    "2026-10-24",
    "2026-10-25",
    "2026-10-26",
    "2024-02-29",
]
DATES = np.unique(
    np.concatenate(
        [
            np.array(MARKED_DATES, dtype="datetime64[D]"),
            np.arange(np.datetime64("2024-01-01"), np.datetime64("2028-01-01"), 5),
        ]
    )
)


def utc(text: str) -> np.datetime64:
    return np.datetime64(text, "s")


def athens(year: int, month: int, day: int, hour: int, minute: int = 0) -> np.datetime64:
    """The UTC instant of an Athens wall-clock time."""
    local = datetime.datetime(year, month, day, hour, minute, tzinfo=ATHENS)
    return np.datetime64(local.astimezone(UTC).replace(tzinfo=None), "s")


def astral_times(function: object, dates: np.ndarray, **kwargs: float) -> np.ndarray:
    assert callable(function)
    return np.array(
        [
            np.datetime64(function(PIRAEUS, d.item(), **kwargs).replace(tzinfo=None), "s")
            for d in dates
        ]
    )


def seconds_apart(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    apart: np.ndarray = np.abs((ours - theirs).astype(np.int64))
    return apart


# --- dawn and dusk --------------------------------------------------------------------------


def test_civil_dawn_and_dusk_agree_with_astral_within_a_minute_across_the_years() -> None:
    ours_dawn, ours_dusk = dawn_and_dusk(DATES)
    assert ours_dawn.dtype == np.dtype("datetime64[s]")
    assert seconds_apart(ours_dawn, astral_times(dawn, DATES, depression=6.0)).max() <= TOLERANCE_S
    assert seconds_apart(ours_dusk, astral_times(dusk, DATES, depression=6.0)).max() <= TOLERANCE_S


def test_sunrise_and_sunset_agree_with_astral_within_a_minute() -> None:
    ours_rise, ours_set = dawn_and_dusk(DATES, depression_deg=SUNRISE_DEPRESSION_DEG)
    assert seconds_apart(ours_rise, astral_times(sunrise, DATES)).max() <= TOLERANCE_S
    assert seconds_apart(ours_set, astral_times(sunset, DATES)).max() <= TOLERANCE_S


def test_given_astrals_own_depressions_the_times_agree_to_the_second() -> None:
    ours_dawn, ours_dusk = dawn_and_dusk(DATES, depression_deg=ASTRAL_CIVIL_DEPRESSION)
    theirs_dawn = astral_times(dawn, DATES, depression=6.0)
    theirs_dusk = astral_times(dusk, DATES, depression=6.0)
    assert seconds_apart(ours_dawn, theirs_dawn).max() <= EXACT_TOLERANCE_S
    assert seconds_apart(ours_dusk, theirs_dusk).max() <= EXACT_TOLERANCE_S
    ours_rise, ours_set = dawn_and_dusk(DATES, depression_deg=ASTRAL_SUNRISE_DEPRESSION)
    assert seconds_apart(ours_rise, astral_times(sunrise, DATES)).max() <= EXACT_TOLERANCE_S
    assert seconds_apart(ours_set, astral_times(sunset, DATES)).max() <= EXACT_TOLERANCE_S


def test_at_dawn_and_dusk_the_sun_is_six_degrees_below_the_horizon() -> None:
    """astral's elevation works the other way round (the sun's position at a given time)."""
    dates = np.array(MARKED_DATES, dtype="datetime64[D]")
    for events in dawn_and_dusk(dates):
        for event in events:
            instant = event.item().replace(tzinfo=UTC)
            assert elevation(PIRAEUS, instant, with_refraction=False) == pytest.approx(
                -6.0, abs=0.01
            )


def test_dawn_comes_before_dusk_and_on_the_same_date_in_athens() -> None:
    dawns, dusks = dawn_and_dusk(DATES)
    assert np.all(dawns < dusks)
    assert np.array_equal(athens_local_dates(dawns), DATES)
    assert np.array_equal(athens_local_dates(dusks), DATES)


def test_a_sun_that_never_sets_that_low_is_an_error() -> None:
    midsummer = np.array(["2026-06-21"], dtype="datetime64[D]")
    with pytest.raises(ValueError, match="polar"):
        dawn_and_dusk(midsummer, latitude=70.0)
    midwinter = np.array(["2026-12-21"], dtype="datetime64[D]")
    with pytest.raises(ValueError, match="polar"):
        dawn_and_dusk(midwinter, latitude=70.0, depression_deg=SUNRISE_DEPRESSION_DEG)


def test_dates_must_be_whole_days() -> None:
    with pytest.raises(ValueError, match=r"datetime64\[D\]"):
        dawn_and_dusk(np.array(["2026-06-21T12:00"], dtype="datetime64[s]"))


# --- the local date -------------------------------------------------------------------------


def zoneinfo_local_dates(times: np.ndarray) -> np.ndarray:
    return np.array(
        [
            np.datetime64(
                t.item().replace(tzinfo=UTC).astimezone(ATHENS).date(),
                "D",
            )
            for t in times.astype("datetime64[s]")
        ]
    )


def test_local_dates_match_zoneinfo_minute_by_minute_over_both_dst_switches() -> None:
    spring = np.arange(utc("2026-03-28T18:00"), utc("2026-03-29T06:00"), np.timedelta64(60, "s"))
    autumn = np.arange(utc("2026-10-24T18:00"), utc("2026-10-25T06:00"), np.timedelta64(60, "s"))
    times = np.concatenate([spring, autumn])
    assert np.array_equal(athens_local_dates(times), zoneinfo_local_dates(times))


def test_local_dates_match_zoneinfo_at_random_instants_over_a_decade() -> None:
    rng = np.random.default_rng(20260603)
    start, end = utc("2020-01-01").astype(np.int64), utc("2030-01-01").astype(np.int64)
    times = rng.integers(start, end, size=5_000).astype("datetime64[s]")
    assert np.array_equal(athens_local_dates(times), zoneinfo_local_dates(times))


def test_local_midnight_is_21_utc_in_summer_and_22_utc_in_winter() -> None:
    times = np.array(
        [
            utc("2026-06-02T20:59:59"),
            utc("2026-06-02T21:00:00"),
            utc("2026-12-02T21:59:59"),
            utc("2026-12-02T22:00:00"),
        ]
    )
    expected = np.array(["2026-06-02", "2026-06-03", "2026-12-02", "2026-12-03"], "datetime64[D]")
    assert np.array_equal(athens_local_dates(times), expected)


# --- night ----------------------------------------------------------------------------------


def test_noon_is_day_and_late_evening_and_small_hours_are_night() -> None:
    times = np.array(
        [
            athens(2026, 6, 3, 12),
            athens(2026, 6, 3, 23),
            athens(2026, 6, 3, 1),
            athens(2026, 12, 3, 12),
            athens(2026, 12, 3, 19),
        ]
    )
    assert is_night(times).tolist() == [False, True, True, False, True]


def test_a_minute_either_side_of_dusk_and_dawn() -> None:
    date = np.array(["2026-06-03"], dtype="datetime64[D]")
    dawns, dusks = dawn_and_dusk(date)
    minute = np.timedelta64(60, "s")
    times = np.array(
        [
            dawns[0] - minute,
            dawns[0],
            dawns[0] + minute,
            dusks[0] - minute,
            dusks[0],
            dusks[0] + minute,
        ]
    )
    assert is_night(times).tolist() == [True, False, False, False, True, True]


def test_dusk_is_not_a_fixed_clock_hour() -> None:
    """19:30 in Athens is night in December and day in June."""
    times = np.array([athens(2026, 12, 3, 19, 30), athens(2026, 6, 3, 19, 30)])
    assert is_night(times).tolist() == [True, False]


def test_the_nights_of_the_dst_switches() -> None:
    """Clocks go forward at 03:00 local on 29 March 2026 (01:00 UTC) and back at 04:00 local
    on 25 October 2026 (01:00 UTC): the hours around the switch are night, the local date
    turns over at local midnight, and the day after keeps its dawn and dusk."""
    minute = np.timedelta64(60, "s")
    for day in ("2026-03-29", "2026-10-25"):
        date = np.array([day], dtype="datetime64[D]")
        dawns, dusks = dawn_and_dusk(date)
        times = np.arange(utc(f"{day}T00:00") - np.timedelta64(3, "h"), dawns[0], minute)
        assert is_night(times).all()
        around = np.array([dawns[0] - minute, dawns[0], dusks[0] - minute, dusks[0]])
        assert is_night(around).tolist() == [True, False, False, True]
    # 01:30 UTC is 04:30 local after the spring switch and 03:30 local after the autumn one.
    assert athens_local_dates(np.array([utc("2026-03-29T01:30")]))[0] == np.datetime64("2026-03-29")
    assert athens_local_dates(np.array([utc("2026-10-24T21:30")]))[0] == np.datetime64("2026-10-25")
    assert athens_local_dates(np.array([utc("2026-10-25T21:30")]))[0] == np.datetime64("2026-10-25")


def test_a_hundred_thousand_instants_in_one_call_match_instant_by_instant() -> None:
    rng = np.random.default_rng(14)
    start, end = utc("2024-01-01").astype(np.int64), utc("2028-01-01").astype(np.int64)
    times = rng.integers(start, end, size=100_000).astype("datetime64[s]")
    night = is_night(times)

    local = zoneinfo_local_dates(times)
    events = {d: dawn_and_dusk(np.array([d], dtype="datetime64[D]")) for d in set(local.tolist())}
    expected = [
        bool(t < events[d][0][0] or t >= events[d][1][0])
        for t, d in zip(times, local.tolist(), strict=True)
    ]
    assert night.tolist() == expected
    # Both halves are well represented: about 45% of a year's instants at Piraeus are night.
    assert 0.35 < night.mean() < 0.55


def test_zoneinfo_is_asked_about_days_not_instants(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = daylight._athens_offset

    def counting(seconds: int) -> int:
        calls.append(seconds)
        return real(seconds)

    monkeypatch.setattr(daylight, "_athens_offset", counting)
    rng = np.random.default_rng(3)
    start = utc("2026-01-01").astype(np.int64)
    times = rng.integers(start, start + 365 * 86_400, size=100_000).astype("datetime64[s]")
    is_night(times)
    # Two per UTC day, and a bisection of a day (17 steps) on each of the two switch days.
    assert len(calls) <= 2 * 365 + 2 * 17


def test_labels_say_day_or_night() -> None:
    times = np.array([athens(2026, 6, 3, 12), athens(2026, 6, 3, 23)])
    assert day_or_night(times).tolist() == [DAY, NIGHT]
    assert (DAY, NIGHT) == ("day", "night")


def test_sub_second_instants_compare_exactly() -> None:
    dusks = dawn_and_dusk(np.array(["2026-06-03"], dtype="datetime64[D]"))[1]
    just_before = (dusks.astype(np.int64) * 1000 - 1).astype("datetime64[ms]")
    assert is_night(just_before).tolist() == [False]
    assert is_night(dusks.astype("datetime64[ms]")).tolist() == [True]
