"""The council's anonymised statistics: right counts, no count below k, no count derivable."""

import dataclasses
import datetime
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from curim.accounts.models import User
from curim.areas.models import Area
from tests.victims.factories import case_create, consent_give, moments_ago, service_create
from victims.models import (
    Case,
    ClosureOutcome,
    ConsentScope,
    OffenceType,
    Person,
    PublishedYear,
    ReferralOutcome,
    ReferralStatus,
    Service,
    SupportKind,
)
from victims.selectors import (
    Cell,
    VictimSupportStatistics,
    victim_support_figures,
    victim_support_latest_year,
    victim_support_statistics,
)
from victims.services.cases import case_close
from victims.services.privacy import case_anonymise, person_erase
from victims.services.support import referral_create, referral_update, session_record

pytestmark = pytest.mark.django_db

YEAR = 2023
ATHENS = ZoneInfo("Europe/Athens")
T = TypeVar("T")


@dataclass
class Made:
    """What the test created, from which the expected counts are computed independently."""

    cases: list[Case] = field(default_factory=list)
    sessions: list[tuple[Case, str]] = field(default_factory=list)
    outcomes: list[tuple[Case, str]] = field(default_factory=list)

    def of_year(self, year: int) -> list[Case]:
        return [c for c in self.cases if c.intake_date.year == year]

    def by_month(self, year: int) -> Counter[str]:
        return Counter(c.intake_date.strftime("%Y-%m") for c in self.of_year(year))

    def by_offence(self, year: int) -> Counter[str]:
        return Counter(c.offence_type for c in self.of_year(year))

    def by_district(self, year: int) -> Counter[str]:
        return Counter(c.district.code if c.district else "" for c in self.of_year(year))

    def by_support(self, year: int) -> Counter[str]:
        distinct = {(c.pk, kind) for c, kind in self.sessions if c.intake_date.year == year}
        return Counter(kind for _, kind in distinct)

    def by_outcome(self, year: int) -> Counter[str]:
        distinct = {(c.pk, o) for c, o in self.outcomes if c.intake_date.year == year}
        return Counter(outcome for _, outcome in distinct)


def _session(made: Made, case: Case, by: User, kind: str) -> None:
    session_record(
        case=case,
        by=by,
        kind=kind,
        channel="in_person",
        held_at=moments_ago(),
        duration_minutes=30,
    )
    made.sessions.append((case, kind))


def _referral(made: Made, case: Case, by: User, service: Service, outcome: str) -> None:
    if not case.consents.filter(scope=ConsentScope.REFERRAL, service=service).exists():
        consent_give(case=case, by=by, scope=ConsentScope.REFERRAL, service=service)
    referral = referral_create(case=case, by=by, service=service)
    referral_update(referral=referral, by=by, status=ReferralStatus.SENT)
    if outcome == ReferralOutcome.SUPPORT_RECEIVED:
        referral_update(referral=referral, by=by, status=ReferralStatus.ACCEPTED)
        referral_update(referral=referral, by=by, status=ReferralStatus.COMPLETED, outcome=outcome)
    else:
        referral_update(referral=referral, by=by, status=ReferralStatus.DECLINED, outcome=outcome)
    made.outcomes.append((case, outcome))


def _rotated(values: list[T], by: int) -> list[T]:
    # Mixed so that no two dimensions line up case by case.
    return values[by:] + values[:by]


@pytest.fixture
def made(piraeus: None, worker: User) -> Made:
    """15 cases in 2023 (two of them anonymised since), 3 in 2022 and 2 in 2024."""
    first, second = Area.objects.filter(level=Area.Level.DISTRICT).order_by("code")[:2]
    offences = [OffenceType.ASSAULT] * 7 + [OffenceType.DOMESTIC_VIOLENCE] * 6
    offences += [OffenceType.FRAUD] * 2
    months = _rotated([1] * 8 + [2] * 5 + [3] * 2, by=5)
    districts = _rotated([first] * 11 + [second] * 2 + [None] * 2, by=3)
    made = Made()
    for offence, month, district in zip(offences, months, districts, strict=True):
        made.cases.append(
            case_create(
                by=worker,
                intake_date=datetime.date(YEAR, month, 10),
                offence_type=offence,
                district=district,
            )
        )
    for year, count in ((YEAR - 1, 3), (YEAR + 1, 2)):
        for day in range(count):
            case = case_create(by=worker, intake_date=datetime.date(year, 6, day + 1))
            made.cases.append(case)
            _session(made, case, worker, SupportKind.LEGAL)

    this_year = made.of_year(YEAR)
    for case in this_year[:6]:
        _session(made, case, worker, SupportKind.PSYCHOLOGICAL)
    _session(made, this_year[0], worker, SupportKind.PSYCHOLOGICAL)  # a second one, same case
    for case in (this_year[0], this_year[6], this_year[7]):
        _session(made, case, worker, SupportKind.LEGAL)
    service = service_create()
    for case in this_year[:5]:
        _referral(made, case, worker, service, ReferralOutcome.SUPPORT_RECEIVED)
    _referral(made, this_year[0], worker, service, ReferralOutcome.SUPPORT_RECEIVED)
    _referral(made, this_year[5], worker, service, ReferralOutcome.NO_RESPONSE)
    for case in this_year[-2:]:
        case_anonymise(case_close(case=case, by=worker, outcome=ClosureOutcome.COMPLETED))
    return made


def _cells(cells: list[Cell]) -> dict[str, int | None]:
    return {cell.key: cell.count for cell in cells}


def test_the_independent_counts_are_what_the_cases_were_made_to_be(made: Made) -> None:
    # Guards the fixture: the expectations below rely on these shapes.
    assert sorted(made.by_month(YEAR).values()) == [2, 5, 8]
    assert sorted(made.by_offence(YEAR).values()) == [2, 6, 7]
    assert sorted(made.by_district(YEAR).values()) == [2, 2, 11]
    assert made.by_support(YEAR) == {"psychological": 6, "legal": 3}
    assert made.by_outcome(YEAR) == {"support_received": 5, "no_response": 1}


def test_the_total_counts_every_case_of_the_year_anonymised_or_not(made: Made) -> None:
    anonymised = Case.objects.filter(intake_date__year=YEAR, anonymised_at__isnull=False)
    assert anonymised.count() == 2
    stats = victim_support_figures(year=YEAR)
    assert (stats.year, stats.k, stats.total) == (YEAR, 5, len(made.of_year(YEAR)))


def test_small_cells_take_others_with_them_until_their_sum_reveals_nothing(made: Made) -> None:
    # Months 8/5/2, offences 7/6/2, districts 11/2/2: hiding the small cells, then the smallest
    # others, never reaches a hidden sum of 2k = 10 before the last cell, so all are hidden.
    stats = victim_support_figures(year=YEAR)
    assert stats.total == 15
    for cells in (stats.by_month, stats.by_offence_type, stats.by_district):
        assert cells
        assert all(cell.count is None for cell in cells)


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        # The lone 2 alone would be the total minus the rest; with the 5 beside it, 5 + 1 = 6
        # would still pin both (the 5 is at least k): the 12 goes too, and the 30 stays.
        ({"a": 30, "b": 12, "c": 2}, {"a"}),
        ({"a": 30, "b": 5, "c": 2}, set()),
        ({"a": 30, "b": 20, "c": 12}, {"a", "b", "c"}),
        # Equal counts go together: a 9 hidden beside a 9 shown would be at most 9.
        ({"a": 9, "b": 9, "c": 4, "d": 4}, set()),
        # Hidden 4 + 6 reach exactly 2k, and each could be 0 for all the 30 says: the 30 stays.
        ({"a": 30, "b": 6, "c": 4}, {"a"}),
        # 4 + 6 beside a shown 7: both are at most 6, so the 4 is at least 10 − 6 = 4: exactly
        # 4. The 7 goes too.
        ({"a": 7, "b": 6, "c": 4, "d": 30}, {"d"}),
        # An outside review's case: hiding 4 and one 6 (by key) beside the other 6 gave both.
        ({"01": 10, "03": 6, "05": 6, "07": 4}, {"01"}),
        # Hidden zeros take others with them too: were they exempt, a cell hidden beside
        # them would say that a hidden cell holds someone. Here, the 12 is the total.
        ({"a": 0, "b": 0, "c": 12}, set()),
        ({"a": 0, "b": 0, "c": 12, "d": 30}, {"d"}),
        # At the bound itself no more is hidden than needed: S = 10 = (3 − 1)(6 − 1).
        ({"a": 4, "b": 3, "c": 3, "d": 6, "e": 20}, {"d", "e"}),
    ],
)
def test_hidden_cells_always_sum_to_at_least_2k(counts: dict[str, int], shown: set[str]) -> None:
    from victims.selectors import _suppress

    cells = _suppress(counts, 5, total_shown=True)
    assert {cell.key for cell in cells if cell.count is not None} == shown
    hidden = [counts[cell.key] for cell in cells if cell.count is None]
    assert not any(hidden) or sum(hidden) >= 10
    assert all(cell.count == counts[cell.key] for cell in cells if cell.count is not None)


def test_support_types_and_referral_outcomes_count_cases_not_sessions(made: Made) -> None:
    stats = victim_support_figures(year=YEAR)
    # These do not add up to the total, so a lone small cell reveals nothing: no second one.
    # Every kind and outcome is listed, those without a case too (hidden, as below k).
    assert _cells(stats.by_support_type) == {
        "psychological": made.by_support(YEAR)["psychological"],
        "legal": None,
        "social": None,
        "information": None,
    }
    assert _cells(stats.by_referral_outcome) == {
        "support_received": made.by_outcome(YEAR)["support_received"],
        "no_response": None,
        "declined_by_service": None,
        "declined_by_victim": None,
        "consent_withdrawn": None,
    }


def test_a_year_with_fewer_than_k_cases_shows_no_number_at_all(made: Made) -> None:
    stats = victim_support_figures(year=YEAR - 1)
    assert len(made.of_year(YEAR - 1)) == 3
    assert stats.total is None
    everything = (
        stats.by_month
        + stats.by_offence_type
        + stats.by_support_type
        + stats.by_referral_outcome
        + stats.by_district
    )
    assert everything, "the cells are listed, hidden"
    assert all(cell.suppressed for cell in everything)


def test_a_year_without_cases_lists_every_cell_hidden(made: Made) -> None:
    stats = victim_support_figures(year=2000)
    assert stats.total is None
    assert [cell.key for cell in stats.by_month] == [f"2000-{m:02d}" for m in range(1, 13)]
    assert {cell.key for cell in stats.by_offence_type} == set(OffenceType.values)
    districts = Area.objects.filter(level=Area.Level.DISTRICT).values_list("code", flat=True)
    assert {cell.key for cell in stats.by_district} == {"", *districts}
    assert {cell.key for cell in stats.by_support_type} == set(SupportKind.values)
    cells = stats.by_month + stats.by_district + stats.by_support_type + stats.by_referral_outcome
    assert all(cell.suppressed for cell in cells + stats.by_offence_type)


def test_the_statistics_carry_no_ids_or_names(made: Made) -> None:
    stats = victim_support_figures(year=YEAR)
    assert {f.name for f in dataclasses.fields(VictimSupportStatistics)} == {
        "year",
        "k",
        "total",
        "by_month",
        "by_offence_type",
        "by_support_type",
        "by_referral_outcome",
        "by_district",
    }
    assert {f.name for f in dataclasses.fields(Cell)} == {"key", "count"}
    text = repr(stats)
    for case in made.cases:
        assert str(case.pk) not in text
        assert case.reference not in text
    assert "Test Person" not in text
    for cell in stats.by_month + stats.by_district + stats.by_offence_type:
        with pytest.raises(ValueError, match="badly formed"):
            uuid.UUID(cell.key or "x")


def test_a_year_runs_from_the_first_of_january_to_the_last_of_december_and_k_cases_are_shown(
    worker: User,
) -> None:
    year = YEAR + 10
    inside = [(1, 1), (3, 15), (6, 30), (9, 1), (12, 31)]
    for month, day in inside:
        case_create(by=worker, intake_date=datetime.date(year, month, day))
    for outside in (datetime.date(year - 1, 12, 31), datetime.date(year + 1, 1, 1)):
        case_create(by=worker, intake_date=outside)
    stats = victim_support_figures(year=year)
    # Exactly k cases: the total is shown, not suppressed.
    assert (stats.k, stats.total) == (5, len(inside))


def test_a_completed_year_is_kept_as_first_published(
    made: Made, worker: User, supervisor: User
) -> None:
    # Two publications of one year a case apart would give, by their difference, that case's
    # month, offence type and district: an erasure must not show in a year already read.
    first = victim_support_statistics(year=YEAR)
    assert first == victim_support_figures(year=YEAR)
    case = next(c for c in made.of_year(YEAR) if c.person is not None)
    person = Person.objects.get(cases=case)
    person_erase(person=person, by=supervisor, reason="The person asked to be erased in writing.")
    assert first.total is not None
    assert victim_support_figures(year=YEAR).total == first.total - 1  # the cases changed
    assert victim_support_statistics(year=YEAR) == first  # what was published did not
    assert PublishedYear.objects.get(year=YEAR).k == first.k


def test_a_new_k_publishes_a_completed_year_again(made: Made, settings: Any) -> None:
    first = victim_support_statistics(year=YEAR)
    settings.VSU_MIN_CELL_SIZE = 7
    again = victim_support_statistics(year=YEAR)
    assert (first.k, again.k) == (5, 7)
    assert again == victim_support_figures(year=YEAR)
    assert PublishedYear.objects.get().k == 7


def test_the_current_year_is_not_published(made: Made) -> None:
    today = timezone.localdate()
    this_year = today.year
    # The year before, from 1 February (until then, within its grace period, the one before).
    assert victim_support_latest_year() == this_year - (1 if today.month > 1 else 2)
    with pytest.raises(ValueError, match="not a completed year"):
        victim_support_statistics(year=this_year)
    assert not PublishedYear.objects.exists()


@pytest.mark.parametrize(
    ("athens", "latest"),
    [
        pytest.param("2027-01-31 23:59", 2025, id="the-grace-period's-last-minute"),
        pytest.param("2027-02-01 00:00", 2026, id="the-day-after"),
        pytest.param("2026-12-31 23:59", 2025, id="the-year's-last-minute"),
    ],
)
def test_a_year_just_ended_is_published_once_its_grace_period_is_over(
    settings: Any, athens: str, latest: int
) -> None:
    # Cases of the year's last weeks are often entered in January: read and kept on the first
    # of January, the year would miss them for good.
    assert settings.VSU_STATISTICS_GRACE_DAYS == 31
    moment = datetime.datetime.fromisoformat(athens).replace(tzinfo=ATHENS)
    with time_machine.travel(moment, tick=False):
        assert victim_support_latest_year() == latest
        with pytest.raises(ValueError, match="not a completed year past its grace period"):
            victim_support_statistics(year=latest + 1)
    assert not PublishedYear.objects.exists()
