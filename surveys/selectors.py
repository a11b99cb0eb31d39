"""Reads of the survey. Public reads see open waves only; a wrong code is a 404."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from curim.accounts.models import User
from curim.accounts.roles import Role, user_has_role
from surveys.models import IndicatorEstimate, Survey

# Who works with the survey's data: enters paper questionnaires, imports, exports, analyses.
SURVEY_STAFF = (Role.ANALYST, Role.ADMIN)
# Who reads the estimates (suppressed below k): the survey staff and the council.
ESTIMATE_READERS = (*SURVEY_STAFF, Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY)


def surveys_open() -> QuerySet[Survey]:
    return Survey.objects.filter(status=Survey.Status.OPEN).order_by("-created_at")


def survey_open(code: str) -> Survey:
    survey = surveys_open().filter(code=code).first()
    if survey is None:
        raise Http404("No open survey with this code")
    return survey


def surveys_for_staff(user: User | AnonymousUser) -> QuerySet[Survey]:
    """Every wave, for analysts and admins; nothing for anybody else."""
    if not user_has_role(user, *SURVEY_STAFF):
        return Survey.objects.none()
    return Survey.objects.order_by("-created_at")


def survey_for_staff(user: User | AnonymousUser, code: str) -> Survey:
    survey = surveys_for_staff(user).filter(code=code).first()
    if survey is None:
        raise Http404("No such survey")
    return survey


def estimates_visible_to(user: User | AnonymousUser) -> QuerySet[IndicatorEstimate]:
    """The indicator snapshot for the council and survey staff; nothing for anybody else."""
    if not user_has_role(user, *ESTIMATE_READERS):
        return IndicatorEstimate.objects.none()
    return IndicatorEstimate.objects.select_related("survey", "indicator", "area").order_by(
        "survey__created_at", "indicator__position", "indicator__code", "area__code", "group"
    )
