"""A cyber-threat run end to end: reports counted per ISO week in Athens (at a DST change and
just after a local midnight that is still Sunday in UTC), per kind and channel, equal to a
plain Python count of the same reports fed to `cyber_alerts`; small series hidden from the
public; private kinds never public; the same spec twice is one snapshot."""

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from curim.analytics.cyber_alerts import weekly_alerts, weekly_trends
from curim.analytics.models import AnalysisRun, RunAudience, RunKind
from curim.analytics.services.cyber_runs import CyberSpec, cyber_run, cyber_weekly_counts
from curim.reports.models import Report

pytestmark = pytest.mark.django_db

ATHENS = ZoneInfo("Europe/Athens")
END = datetime(2026, 11, 30, tzinfo=ATHENS)  # a Monday
FIRST_WEEK = date(2025, 10, 6)  # 52 + 8 weeks before END


def _at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ATHENS)


def _week_of(moment: datetime) -> date:
    local = moment.astimezone(ATHENS).date()
    return local - timedelta(days=local.weekday())


def _planted(make_report: Callable[..., Report]) -> list[Report]:
    made = []

    def cyber(slug: str, channel: str, when: datetime) -> None:
        made.append(make_report(category=slug, at=None, cyber_channel=channel, occurred_at=when))

    # A steady phishing-by-e-mail series with a burst in the week of 2026-11-09.
    for week in range(12):
        cyber("phishing", "email", _at(2026, 8, 19, 10) + timedelta(weeks=week))
    for hour in range(7):
        cyber("phishing", "email", _at(2026, 11, 10, 9 + hour))
    # Around the autumn change (Sunday 25 October 2026, 04:00 EEST → 03:00 EET): Monday 00:30
    # local is Sunday 22:30 UTC, in the week of the 26th; Sunday 23:30 local is the week before.
    cyber("online-fraud", "sms", _at(2026, 10, 26, 0, 30))
    cyber("online-fraud", "sms", _at(2026, 10, 25, 23, 30))
    cyber("online-fraud", "sms", _at(2026, 10, 25, 3, 30))  # the hour that happens twice
    # And the spring one (29 March 2026): Monday 30 March 00:30 EEST is Sunday 21:30 UTC.
    cyber("identity-theft", "website", _at(2026, 3, 30, 0, 30))
    cyber("identity-theft", "website", _at(2026, 3, 29, 23, 59))
    # A series of two: the council sees it, the public does not.
    cyber("phishing", "sms", _at(2026, 6, 1, 12))
    cyber("phishing", "sms", _at(2026, 6, 20, 12))
    # Private kinds, three of them: council only, whatever their number.
    for day in (2, 3, 4):
        cyber("cyberbullying", "social_media", _at(2026, 9, day, 18))
    # Not counted: before the first baseline week, from the end on, not moderated, not cyber.
    cyber("phishing", "email", _at(2025, 10, 5, 23, 59))
    cyber("phishing", "email", END)
    make_report(category="phishing", at=None, cyber_channel="email", status="submitted")
    make_report(occurred_at=_at(2026, 11, 10, 9))
    return made


def _expected(reports: list[Report], *, private: bool) -> dict[tuple[str, str], list[int]]:
    """Weekly counts by a plain Python count of the reports, independently of the SQL."""
    weeks = [FIRST_WEEK + timedelta(weeks=k) for k in range(60)]
    found = Counter(
        (report.category.slug, report.cyber_channel, _week_of(report.occurred_at))
        for report in reports
        if report.status == "published"
        and (private or report.category.may_be_public)
        and FIRST_WEEK <= _week_of(report.occurred_at) < END.date()
    )
    series = sorted({(slug, channel) for slug, channel, _ in found})
    return {key: [found[(*key, week)] for week in weeks] for key in series}


def test_weeks_start_on_monday_at_midnight_in_athens_across_dst(
    make_report: Callable[..., Report],
) -> None:
    _planted(make_report)
    data = cyber_weekly_counts(CyberSpec(audience=RunAudience.COUNCIL, end=END))
    assert data.week_starts[0] == FIRST_WEEK
    assert data.week_starts[-1] == date(2026, 11, 23)
    by_week = dict(zip(data.week_starts, data.counts.T, strict=True))
    fraud = data.series.index(("online-fraud", "sms"))
    identity = data.series.index(("identity-theft", "website"))
    assert by_week[date(2026, 10, 26)][fraud] == 1  # 00:30 Monday, Sunday in UTC
    assert by_week[date(2026, 10, 19)][fraud] == 2  # 23:30 and 03:30 on the Sunday
    assert by_week[date(2026, 3, 30)][identity] == 1
    assert by_week[date(2026, 3, 23)][identity] == 1


@pytest.mark.parametrize("audience", [RunAudience.COUNCIL, RunAudience.PUBLIC])
def test_the_stored_series_are_cyber_alerts_of_an_independent_count(
    make_report: Callable[..., Report], audience: RunAudience
) -> None:
    reports = _planted(make_report)
    council = audience == RunAudience.COUNCIL
    expected = _expected(reports, private=council)
    # The public's k-suppression: fewer than 3 reports in the shown weeks, left out.
    shown = {key: counts for key, counts in expected.items() if council or sum(counts[8:]) >= 3}
    counts = np.array(list(expected.values()))
    alerts = weekly_alerts(counts, baseline_weeks=8, alpha=0.01, min_count=3)
    trends = weekly_trends(counts[:, 8:], window_weeks=8, alpha=0.05)

    run = cyber_run(spec=CyberSpec(audience=audience, end=END))
    assert run.kind == RunKind.CYBER
    assert run.grid is None
    assert run.summary["weeks"][0] == (FIRST_WEEK + timedelta(weeks=8)).isoformat()
    assert len(run.summary["weeks"]) == 52
    stored = {(s["kind"], s["channel"]): s for s in run.summary["series"]}
    assert list(stored) == list(shown)
    for row, key in enumerate(expected):
        if key not in shown:
            continue
        series = stored[key]
        assert [week["count"] for week in series["weeks"]] == expected[key][8:]
        flagged = np.flatnonzero(alerts.alerts[row, 8:])
        assert [a["week"] for a in series["alerts"]] == [run.summary["weeks"][k] for k in flagged]
        for alert, week in zip(series["alerts"], flagged, strict=True):
            assert alert["p"] == pytest.approx(alerts.p_values[row, 8 + week], abs=1e-12)
        assert series["trend"]["direction"] == trends.directions[row]
        assert series["trend"]["p"] == pytest.approx(trends.p_values[row], abs=1e-12)
    burst = stored["phishing", "email"]["alerts"]
    assert [a["week"] for a in burst] == ["2026-11-09"]
    assert (("cyberbullying", "social_media") in stored) is council
    assert (("phishing", "sms") in stored) is council
    assert (("identity-theft", "website") in stored) is council
    assert run.summary["suppressed_series"] == (0 if council else 2)
    assert len(expected) - len(shown) == run.summary["suppressed_series"]


def test_the_same_spec_twice_is_one_snapshot(make_report: Callable[..., Report]) -> None:
    _planted(make_report)
    spec = CyberSpec(audience=RunAudience.PUBLIC, end=END)
    first = cyber_run(spec=spec)
    assert cyber_run(spec=spec) == first
    assert AnalysisRun.objects.count() == 1
    assert cyber_run(spec=CyberSpec(audience=RunAudience.COUNCIL, end=END)) != first


def test_the_end_must_be_a_monday_at_local_midnight() -> None:
    with pytest.raises(ValueError, match="Monday"):
        CyberSpec(audience=RunAudience.PUBLIC, end=datetime(2026, 11, 30, tzinfo=UTC))
    with pytest.raises(ValueError, match="Monday"):
        CyberSpec(audience=RunAudience.PUBLIC, end=datetime(2026, 12, 1, tzinfo=ATHENS))
