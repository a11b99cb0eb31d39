"""The supervisor's dashboard figures, computed in SQL."""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate

from curim.accounts.models import User
from victims.models import Case, Referral, Status, SupportSession
from victims.models.choices import OPEN_REFERRAL_STATUSES
from victims.selectors import cases_visible_to, unit_members

OPEN_STATUSES = [Status.INTAKE, Status.ASSESSMENT, Status.ACTIVE]


@dataclass(frozen=True)
class Waiting:
    served: int  # cases opened since the date that have had a first session
    waiting: int  # open cases opened since the date with no session yet
    average_days: float | None
    longest_days: float | None


def caseload_per_worker() -> QuerySet[User]:
    active = Q(
        vsu_assignments__ended_at__isnull=True,
        vsu_assignments__case__status__in=OPEN_STATUSES,
        vsu_assignments__case__anonymised_at__isnull=True,
    )
    return (
        unit_members()
        .annotate(
            open_cases=Count("vsu_assignments__case", filter=active, distinct=True),
            high_risk=Count(
                "vsu_assignments__case",
                filter=active & Q(vsu_assignments__case__risk_level="high"),
                distinct=True,
            ),
        )
        .order_by("-open_cases", "email")
    )


def waiting_times(*, since: datetime.date) -> Waiting:
    """Days from intake to the first session, over the cases opened since `since`."""
    first = (
        SupportSession.objects.filter(case=OuterRef("pk")).order_by("held_at").values("held_at")[:1]
    )
    cases = Case.objects.filter(intake_date__gte=since).annotate(
        first_day=TruncDate(Subquery(first))
    )
    served = cases.filter(first_day__isnull=False).annotate(wait=F("first_day") - F("intake_date"))
    figures = served.aggregate(n=Count("pk"), average=Avg("wait"), longest=Max("wait"))
    day = datetime.timedelta(days=1)
    return Waiting(
        served=figures["n"],
        waiting=cases.filter(first_day__isnull=True, status__in=OPEN_STATUSES).count(),
        average_days=round(figures["average"] / day, 1) if figures["average"] is not None else None,
        longest_days=round(figures["longest"] / day, 1) if figures["longest"] is not None else None,
    )


def open_referrals(user: User) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(status__in=OPEN_REFERRAL_STATUSES, case__in=cases_visible_to(user))
        .select_related("case", "service")
        .order_by("created_at")
    )
