"""Reads of Victim Support Unit data. Access is decided here, so a forgotten check is a 404.

Only unit members (`vsu_staff`, `vsu_supervisor`) read cases: a case worker the cases
assigned to them, a supervisor every case that is not restricted, and a restricted one only
through break-glass access. Superusers and admins hold no special power here: roles are
checked, never `is_superuser` or Django permissions.

`victim_support_statistics` and `victim_support_latest_year` are the functions other apps may
call (a completed year's figures, kept as first published).
"""

import datetime
import uuid
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from curim.accounts.models import User
from curim.accounts.roles import Role, user_has_role
from curim.areas.models import Area
from victims.models import (
    AccessLog,
    Assignment,
    BreakGlass,
    Case,
    IntakeRequest,
    OffenceType,
    Person,
    PublishedYear,
    ReferralOutcome,
    Service,
    SupportKind,
)

UNIT_ROLES = (Role.VSU_STAFF, Role.VSU_SUPERVISOR)

AnyUser = User | AnonymousUser


def is_unit_member(user: AnyUser) -> bool:
    return user_has_role(user, *UNIT_ROLES)


def is_supervisor(user: AnyUser) -> bool:
    return user_has_role(user, Role.VSU_SUPERVISOR)


def unit_members() -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name__in=[r.value for r in UNIT_ROLES])


def _assigned(user: User) -> Exists:
    return Exists(
        Assignment.objects.filter(case=OuterRef("pk"), worker=user, ended_at__isnull=True)
    )


def _glass_open(user: User) -> Exists:
    return Exists(
        BreakGlass.objects.filter(case=OuterRef("pk"), user=user, expires_at__gt=timezone.now())
    )


def _cases_of(user: AnyUser, *, through_glass: bool) -> QuerySet[Case]:
    if not isinstance(user, User) or not is_unit_member(user):
        return Case.objects.none()
    live = Case.objects.filter(anonymised_at__isnull=True)
    if is_supervisor(user):
        scope = Q(restricted=False) | _assigned(user)
        return live.filter(scope | _glass_open(user) if through_glass else scope)
    return live.filter(_assigned(user))


def cases_visible_to(user: AnyUser) -> QuerySet[Case]:
    """The cases `user` may read now; anonymised cases are nobody's to read."""
    return _cases_of(user, through_glass=True)


def cases_changeable_by(user: AnyUser) -> QuerySet[Case]:
    """The cases `user` may change: those they may read, but a restricted case opened by
    break-glass access, which is for reading, for a while (only a worker on it changes it)."""
    return _cases_of(user, through_glass=False)


def _one(cases: QuerySet[Case], case_id: uuid.UUID | str) -> Case:
    try:
        return cases.select_related("person", "district").get(pk=case_id)
    except (Case.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc


def case_for(user: AnyUser, case_id: uuid.UUID | str) -> Case:
    """One case in `user`'s scope, or 404 (also for ids that are not UUIDs)."""
    return _one(cases_visible_to(user), case_id)


def case_to_change(user: AnyUser, case_id: uuid.UUID | str) -> Case:
    """One case `user` may change (`cases_changeable_by`), or 404."""
    return _one(cases_changeable_by(user), case_id)


def case_behind_glass(user: AnyUser, case_id: uuid.UUID | str) -> Case:
    """A restricted case a supervisor may open by break-glass access, or 404."""
    if not isinstance(user, User) or not is_supervisor(user):
        raise Http404
    try:
        return Case.objects.filter(anonymised_at__isnull=True).get(pk=case_id)
    except (Case.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc


def case_opened_by_glass(user: AnyUser, case: Case) -> bool:
    """True when `user` reads `case` only thanks to break-glass access (logs flag it)."""
    if not isinstance(user, User) or not case.restricted:
        return False
    assigned = Assignment.objects.filter(case=case, worker=user, ended_at__isnull=True).exists()
    return not assigned


def intake_requests_visible_to(user: AnyUser) -> QuerySet[IntakeRequest]:
    if not is_unit_member(user):
        return IntakeRequest.objects.none()
    return IntakeRequest.objects.all()


def intake_request_for(user: AnyUser, request_id: uuid.UUID | str) -> IntakeRequest:
    try:
        return intake_requests_visible_to(user).get(pk=request_id, state=IntakeRequest.State.NEW)
    except (IntakeRequest.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc


def person_for_supervisor(user: AnyUser, person_id: uuid.UUID | str) -> Person:
    """A person, for subject access and erasure: supervisors only, and only when every case
    of theirs is in the supervisor's scope (a restricted one needs break-glass first)."""
    if not is_supervisor(user):
        raise Http404
    out_of_scope = Case.objects.filter(anonymised_at__isnull=True).exclude(
        pk__in=cases_visible_to(user).values("pk")
    )
    people = Person.objects.filter(cases__isnull=False).exclude(cases__in=out_of_scope)
    try:
        return people.distinct().get(pk=person_id)
    except (Person.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc


def break_glass_unreviewed(user: AnyUser) -> QuerySet[BreakGlass]:
    """Break-glass accesses waiting for another supervisor's review: supervisors only. The
    reason comes as its stored token (`reason_token`, read with `victims.audit.reason_read`),
    as the access log's does: one that no key opens must not take the dashboard down."""
    if not is_supervisor(user):
        return BreakGlass.objects.none()
    return (
        BreakGlass.objects.filter(reviewed_at__isnull=True)
        .select_related("case", "user")
        .defer("reason")
        .annotate(reason_token=Cast("reason", output_field=TextField()))
    )


def break_glass_for_review(user: AnyUser, glass_id: uuid.UUID | str) -> BreakGlass:
    try:
        return break_glass_unreviewed(user).get(pk=glass_id)
    except (BreakGlass.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc


def access_log_visible_to(user: AnyUser) -> QuerySet[AccessLog]:
    """The log, for supervisors. Each row's reason comes as its stored token (`reason_token`,
    read with `victims.audit.reason_read`), not decrypted with the row: one token that no
    key opens (tampered, or written under a dropped key) must not take the whole log down."""
    if not is_supervisor(user):
        return AccessLog.objects.none()
    return AccessLog.objects.defer("reason").annotate(
        reason_token=Cast("reason", output_field=TextField())
    )


def services_visible_to(user: AnyUser) -> QuerySet[Service]:
    if not is_unit_member(user):
        return Service.objects.none()
    return Service.objects.all()


def service_for_supervisor(user: AnyUser, service_id: uuid.UUID | str) -> Service:
    if not is_supervisor(user):
        raise Http404
    try:
        return Service.objects.get(pk=service_id)
    except (Service.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc


# --- Statistics for the council ----------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    key: str
    count: int | None  # None: fewer than VSU_MIN_CELL_SIZE cases, or hidden so it cannot be derived

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class VictimSupportStatistics:
    year: int
    k: int
    total: int | None
    by_month: list[Cell]
    by_offence_type: list[Cell]
    by_support_type: list[Cell]
    by_referral_outcome: list[Cell]
    by_district: list[Cell]


_COUNTS = """
WITH c AS (
    SELECT id, intake_date, offence_type, district_id
    FROM victims_case WHERE intake_date BETWEEN %(since)s AND %(until)s
)
SELECT 'month', to_char(intake_date, 'YYYY-MM'), count(*) FROM c GROUP BY 2
UNION ALL
SELECT 'offence', offence_type, count(*) FROM c GROUP BY 2
UNION ALL
SELECT 'district', coalesce(a.code, ''), count(*)
    FROM c LEFT JOIN areas_area a ON a.id = c.district_id GROUP BY 2
UNION ALL
SELECT 'support', s.kind, count(DISTINCT s.case_id)
    FROM victims_supportsession s JOIN c ON c.id = s.case_id GROUP BY 2
UNION ALL
SELECT 'outcome', r.outcome, count(DISTINCT r.case_id)
    FROM victims_referral r JOIN c ON c.id = r.case_id WHERE r.outcome <> '' GROUP BY 2
UNION ALL
SELECT 'total', '', count(*) FROM c
"""


def _suppress(counts: dict[str, int], k: int, *, total_shown: bool) -> list[Cell]:
    """Every count below k is hidden, 0 included (so that a listed cell does not say "at least
    one"; `counts` holds every key of the dimension). While the total is shown, the hidden
    cells' sum S is known too (the total minus the rest), and so is the rule: the others are
    hidden smallest first, equal counts together, so each hidden cell is below the smallest
    shown count m. More cells are hidden until S is at least 2k and S ≤ (n − 1)(m − 1) for
    the n hidden cells: then, from S and the bounds 0 ≤ cell ≤ m − 1, any hidden cell may still
    be 0, and none below k is pinned down (`tests/victims/test_suppression_attack.py` tries
    every small table as an attacker who knows the rule). Hidden zeros take others with them
    too: were they alone exempt, any cell hidden beside them would say that a hidden cell
    holds someone."""
    hidden = {key for key, n in counts.items() if n < k}
    if total_shown and hidden:
        shown = sorted({counts[key] for key in counts if key not in hidden})

        def protected() -> bool:
            total = sum(counts[key] for key in hidden)
            if total < 2 * k:
                return False
            return not shown or total <= (len(hidden) - 1) * (shown[0] - 1)

        while shown and not protected():
            smallest = shown.pop(0)
            hidden |= {key for key, n in counts.items() if n == smallest}
    return [Cell(key, None if key in hidden else n) for key, n in sorted(counts.items())]


def _dimensions(year: int) -> dict[str, dict[str, int]]:
    """Every key of each dimension at 0, so that a count's cell is listed whatever it is (a
    cell listed only when it holds a case would say "at least one" of a hidden cell)."""
    districts = Area.objects.filter(level=Area.Level.DISTRICT).values_list("code", flat=True)
    return {
        "month": {f"{year}-{month:02d}": 0 for month in range(1, 13)},
        "offence": dict.fromkeys(OffenceType.values, 0),
        "district": dict.fromkeys(["", *districts], 0),
        "support": dict.fromkeys(SupportKind.values, 0),
        "outcome": dict.fromkeys((o for o in ReferralOutcome.values if o), 0),
    }


def victim_support_figures(*, year: int) -> VictimSupportStatistics:
    """Anonymised counts of the cases opened in one calendar year; no count below k.

    Whole years only: two overlapping periods of free choice could be subtracted to reveal a
    small count that each hides. Support types and referral outcomes count cases, not
    sessions, so that every number is a number of people. Anonymised cases count too:
    retention removes people, not the figures.
    """
    k = settings.VSU_MIN_CELL_SIZE
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS, {"since": date(year, 1, 1), "until": date(year, 12, 31)})
        rows = cursor.fetchall()
    groups = _dimensions(year)
    for dimension, key, count in rows:
        groups.setdefault(dimension, {})[key] = count
    total = groups.pop("total")[""]  # the query always gives the total, 0 for an empty year
    total_shown = total >= k

    def cells(name: str, complete: bool) -> list[Cell]:
        # Support types and outcomes do not add up to the total: no lone-cell derivation.
        return _suppress(groups.get(name, {}), k, total_shown=total_shown and complete)

    return VictimSupportStatistics(
        year=year,
        k=k,
        total=total if total_shown else None,
        by_month=cells("month", True),
        by_offence_type=cells("offence", True),
        by_support_type=cells("support", False),
        by_referral_outcome=cells("outcome", False),
        by_district=cells("district", True),
    )


# --- What the council reads ------------------------------------------------------------------
def _read(figures: dict[str, Any]) -> VictimSupportStatistics:
    """Statistics stored as `asdict` gave them: the dimensions' cells made cells again."""
    cells = {
        name: [Cell(**cell) for cell in figures[name]] for name in figures if name.startswith("by_")
    }
    return VictimSupportStatistics(**{**figures, **cells})


def victim_support_latest_year() -> int:
    """The latest year whose statistics are published: the last completed one, once
    VSU_STATISTICS_GRACE_DAYS have passed after its end (until then the year before), so that
    the cases of its last weeks entered late are in it when it is first read and kept."""
    grace = datetime.timedelta(days=settings.VSU_STATISTICS_GRACE_DAYS)
    return (timezone.localdate() - grace).year - 1


def victim_support_statistics(*, year: int) -> VictimSupportStatistics:
    """The statistics of a completed year as the council reads them: as first published, kept
    from then on (`PublishedYear`: its first reading is stored, the one write of this module).
    A change of `VSU_MIN_CELL_SIZE` publishes the year again, with the new k.

    The current year is not published (ValueError), nor the year just ended during its grace
    period (`victim_support_latest_year`): the current year's months still to come are known
    to be 0, which narrows the hidden ones, and two readings a case apart would give that
    case's month, offence and district by their difference."""
    if year > victim_support_latest_year():
        raise ValueError(
            f"{year} is not a completed year past its grace period: its statistics are not "
            "published"
        )
    k = settings.VSU_MIN_CELL_SIZE
    kept = PublishedYear.objects.filter(year=year, k=k).first()
    if kept is not None:
        return _read(kept.figures)
    figures = asdict(victim_support_figures(year=year))
    with transaction.atomic():
        # Two first readers at once: the one that stores first is the publication; the
        # other reads it (get_or_create meets the unique year and reads the row it lost to).
        row, created = PublishedYear.objects.select_for_update().get_or_create(
            year=year, defaults={"k": k, "figures": figures}
        )
        if not created and row.k != k:  # published with another k: published again
            row.k, row.figures = k, figures
            row.save(update_fields=["k", "figures"])
    return _read(row.figures)
