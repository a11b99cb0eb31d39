"""Reads of the interventions app, with who may read what decided here: an intervention that a
user may not see is not found (a 404), whichever page or endpoint asks.

- The public (anyone) reads completed and evaluated interventions, and planned or running ones
  marked public, with their sessions' counts, photos and the latest finished evaluation.
- Council members and secretaries, analysts and admins read every intervention.
- Council secretaries and analysts record and edit them; analysts run evaluations.
"""

import math
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from curim.accounts.models import User
from curim.accounts.roles import Role, user_has_role
from curim.reports.models import Category, Report
from curim.reports.selectors import ReportFollowUp, reports_public
from interventions.evaluation_reading import (
    CategoryPublicity,
    counts_public_data,
    level_read,
    method_name,
    public_view,
    rests_on_small_counts,
    result_as_read,
)
from interventions.models import (
    Evaluation,
    EvaluationStatus,
    Intervention,
    InterventionPhoto,
    InterventionStatus,
    Proposal,
    Session,
)
from surveys.selectors import waves_readable_by

READ_ALL_ROLES = (Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY, Role.ANALYST, Role.ADMIN)
EDIT_ROLES = (Role.COUNCIL_SECRETARY, Role.ANALYST, Role.ADMIN)
EVALUATE_ROLES = (Role.ANALYST, Role.ADMIN)

PUBLIC_STATUSES = (InterventionStatus.COMPLETED, InterventionStatus.EVALUATED)
PUBLIC_CONDITION = Q(status__in=PUBLIC_STATUSES) | Q(public=True)


def intervention_is_public(intervention: Intervention) -> bool:
    """`PUBLIC_CONDITION` of one intervention at hand."""
    return intervention.status in PUBLIC_STATUSES or intervention.public


def user_reads_all(user: User | AnonymousUser) -> bool:
    return user_has_role(user, *READ_ALL_ROLES)


def categories_publicity() -> CategoryPublicity:
    """Which categories the public may see, read now (an admin's change holds at the next
    request): one query."""
    rows = list(Category.objects.values_list("slug", "may_be_public"))
    return CategoryPublicity(
        public=frozenset(slug for slug, public in rows if public),
        any_kept=not all(public for _, public in rows),
    )


def evaluation_hidden_from(
    result: dict[str, Any], *, reads_all: bool, publicity: CategoryPublicity | None = None
) -> bool:
    """Whether a reader gets none of an evaluation's counts and figures: a reader who does not
    read everything, of a result with no figures counted from public data (`public_view`: it
    counts official incidents, was stored before those figures were computed, or public data
    alone could not answer), or whose public figures counted a category kept from the public
    since (`counts_public_data`). `publicity`: the categories' publicity, when the caller has
    read it once for a list."""
    if reads_all:
        return False
    view = public_view(result)
    if view is None:  # no figures counted from public data
        return True
    # The categories the public's figures counted, each still public.
    return not counts_public_data(view, publicity or categories_publicity())


def evaluation_figures_withheld(
    result: dict[str, Any], *, reads_all: bool, publicity: CategoryPublicity | None
) -> bool:
    """Whether a headline of the result (its estimate and interval) is withheld from this
    reader: it counts what the public never sees (`evaluation_hidden_from`), or rests on a
    count of 1 or 2 (`rests_on_small_counts`), as on the evaluation's page."""
    if reads_all or not result:
        return False
    return evaluation_hidden_from(
        result, reads_all=reads_all, publicity=publicity
    ) or rests_on_small_counts(result)


def evaluation_level_shown(
    evaluation: Evaluation, *, reads_all: bool, publicity: CategoryPublicity | None = None
) -> int | None:
    """The design's Maryland level as this reader reads it: none of a result that counts what
    the reader never sees (`evaluation_hidden_from`), since the level rests on the events too
    (a multi-site design is at level 4 when two cells or more had an event before)."""
    result = evaluation.result if isinstance(evaluation.result, dict) else {}
    if result and evaluation_hidden_from(result, reads_all=reads_all, publicity=publicity):
        return None
    return level_read(evaluation, result_as_read(result, reads_all=reads_all), reads_all=reads_all)


def user_edits(user: User | AnonymousUser) -> bool:
    return user_has_role(user, *EDIT_ROLES)


def user_evaluates(user: User | AnonymousUser) -> bool:
    return user_has_role(user, *EVALUATE_ROLES)


def interventions_public() -> QuerySet[Intervention]:
    return Intervention.objects.filter(PUBLIC_CONDITION)


def interventions_for(user: User | AnonymousUser) -> QuerySet[Intervention]:
    """The interventions this user may read."""
    if user_reads_all(user):
        return Intervention.objects.all()
    return interventions_public()


def intervention_get(*, user: User | AnonymousUser, reference: str) -> Intervention:
    """One intervention by reference, or a 404 when this user may not read it."""
    found = interventions_for(user).filter(reference=reference).first()
    if found is None:
        raise Http404
    return found


def intervention_for_editing(*, user: User | AnonymousUser, reference: str) -> Intervention:
    if not user_edits(user):
        raise Http404
    return intervention_get(user=user, reference=reference)


def evaluations_finished(intervention: Intervention) -> QuerySet[Evaluation]:
    """The finished evaluations of an intervention, newest version first."""
    return intervention.evaluations.filter(status=EvaluationStatus.DONE).order_by("-version")


def evaluation_inputs_get(
    *, user: User | AnonymousUser, reference: str, version: int
) -> Evaluation:
    """A finished evaluation whose input data (unit × period counts, small ones included) this
    user may download: those who read every intervention's full figures (council members and
    secretaries, analysts, admins); a 404 for the public and citizens, and for a version
    stored without its inputs (computed before they were kept)."""
    if not user_reads_all(user):
        raise Http404
    intervention = intervention_get(user=user, reference=reference)
    found = (
        evaluations_finished(intervention)
        .filter(version=version)
        .select_related("intervention")
        .first()
    )
    if found is None or not found.inputs:
        raise Http404
    return found


def evaluation_latest(intervention: Intervention) -> Evaluation | None:
    """The latest evaluation that produced a result: what pages and the API publish."""
    return evaluations_finished(intervention).first()


# --- What other apps read: headlines for the council's pages and dashboard ------------------


@dataclass(frozen=True)
class InterventionHeadline:
    """An intervention as a line of the council's pages: what, where, its status, and the
    latest finished evaluation's figure with its interval and design strength, if any."""

    reference: str
    title: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    area_name: str
    starts_on: date | None
    ends_on: date | None
    evaluation_version: int | None
    method: str
    # The estimate as the evaluation states it (its `result`), with its 95% interval.
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    percent_change: float | None
    percent_low: float | None
    percent_high: float | None
    sms_level: int | None


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _percent(log_ratio: float | None) -> float | None:
    """The percent change a log rate ratio means: 100 × (e^δ − 1)."""
    return None if log_ratio is None else 100.0 * math.expm1(log_ratio)


def intervention_headlines(
    user: User | AnonymousUser,
    *,
    references: Sequence[str] | None = None,
    ids: Sequence[int] | None = None,
    status: Sequence[str] | None = None,
    district_code: str | None = None,
) -> list[InterventionHeadline]:
    """The interventions this user may read (those given, with these statuses, in this
    district or one of its neighbourhoods), each with its latest finished evaluation; two
    queries whatever their number (three for a reader who does not read everything: the
    categories kept from the public, `evaluation_hidden_from`)."""
    found = interventions_for(user).select_related("area")
    if district_code:
        found = found.filter(Q(area__code=district_code) | Q(area__parent__code=district_code))
    if references is not None:
        found = found.filter(reference__in=list(references))
    if ids is not None:
        found = found.filter(pk__in=list(ids))
    if status is not None:
        found = found.filter(status__in=list(status))
    latest = (
        Evaluation.objects.filter(status=EvaluationStatus.DONE)
        .defer("inputs")  # the input rows are for the export alone
        .order_by("intervention_id", "-version")
    )
    rows = list(
        found.prefetch_related(Prefetch("evaluations", queryset=latest, to_attr="finished"))
    )
    reads_all = user_reads_all(user)
    publicity = None if reads_all else categories_publicity()
    return [_headline(row, reads_all=reads_all, publicity=publicity) for row in rows]


def _headline(
    intervention: Intervention, *, reads_all: bool, publicity: CategoryPublicity | None
) -> InterventionHeadline:
    finished: list[Evaluation] = getattr(intervention, "finished", [])
    evaluation = finished[0] if finished else None
    stored = evaluation.result if evaluation and isinstance(evaluation.result, dict) else {}
    result = result_as_read(stored, reads_all=reads_all)
    level = (
        evaluation_level_shown(evaluation, reads_all=reads_all, publicity=publicity)
        if evaluation
        else None
    )
    if evaluation_figures_withheld(result, reads_all=reads_all, publicity=publicity):
        result = {}
    estimate, low, high = (_number(result.get(key)) for key in ("estimate", "ci_low", "ci_high"))
    log_scale = result.get("scale", "log_rate_ratio") == "log_rate_ratio"
    return InterventionHeadline(
        reference=intervention.reference,
        title=intervention.title,
        kind=intervention.kind,
        kind_label=str(intervention.get_kind_display()),
        status=intervention.status,
        status_label=str(intervention.get_status_display()),
        area_name=intervention.area.name if intervention.area_id else "",
        starts_on=intervention.starts_on,
        ends_on=intervention.ends_on,
        evaluation_version=evaluation.version if evaluation else None,
        method=method_name(evaluation.method) if evaluation else "",
        estimate=estimate,
        ci_low=low,
        ci_high=high,
        percent_change=_percent(estimate) if log_scale else None,
        percent_low=_percent(low) if log_scale else None,
        percent_high=_percent(high) if log_scale else None,
        sms_level=level,
    )


def interventions_to_link() -> QuerySet[Intervention]:
    """Every intervention, for a council's secretary linking records to them (the council's
    pages then show only what each reader may read, through `intervention_headlines`)."""
    return Intervention.objects.order_by("-created_at")


# --- Records of other apps that an intervention carries out ----------------------------------
# The interventions app does not know the apps that link their records to it (the council's
# recommendations); each registers, in its AppConfig.ready(), a reader of the records an
# intervention carries out, so that the intervention's page can lead back to them.


@dataclass(frozen=True)
class ImplementedRecord:
    label: str  # e.g. "Recommendation LCCP-2026-04"
    title: str
    url: str
    adopted: str  # how and when it was decided, in words; may be empty


ImplementedReader = Callable[[Intervention, "User | AnonymousUser"], list[ImplementedRecord]]
_IMPLEMENTED_READERS: list[ImplementedReader] = []


def implemented_reader_register(reader: ImplementedReader) -> None:
    if reader not in _IMPLEMENTED_READERS:
        _IMPLEMENTED_READERS.append(reader)


def implemented_records(
    intervention: Intervention, user: User | AnonymousUser
) -> list[ImplementedRecord]:
    """The records (of the apps registered) that this intervention carries out, as this user
    may read them."""
    return [record for reader in _IMPLEMENTED_READERS for record in reader(intervention, user)]


# --- Proposals of advisory meetings sent to the council ---------------------------------------


@dataclass(frozen=True)
class SentProposal:
    public_id: uuid.UUID
    text: str
    heard_on: date
    place: str
    intervention_reference: str
    intervention_title: str
    sent_at: datetime | None
    # Whether the public may read the intervention (and so where and when it was heard).
    intervention_public: bool


def _sent(area_id: int) -> QuerySet[Proposal]:
    # A council hears the proposals of the interventions in its area: the area itself, or a
    # district or neighbourhood of it (areas are nested three levels deep at most).
    return (
        Proposal.objects.filter(sent_to_council_at__isnull=False)
        .filter(
            Q(session__intervention__area=area_id)
            | Q(session__intervention__area__parent=area_id)
            | Q(session__intervention__area__parent__parent=area_id)
        )
        .select_related("session__intervention")
        .order_by("sent_to_council_at", "pk")
    )


def _sent_proposal(proposal: Proposal) -> SentProposal:
    session = proposal.session
    return SentProposal(
        public_id=proposal.public_id,
        text=proposal.text,
        heard_on=session.held_on,
        place=session.place_name,
        intervention_reference=session.intervention.reference,
        intervention_title=session.intervention.title,
        sent_at=proposal.sent_to_council_at,
        intervention_public=intervention_is_public(session.intervention),
    )


def proposals_sent_to_council(
    *, area_id: int, excluding: Collection[uuid.UUID] = ()
) -> list[SentProposal]:
    """The proposals heard at advisory meetings and sent to the council of this area (of
    interventions in it), oldest first, but those given (already on an agenda)."""
    sent = _sent(area_id).exclude(public_id__in=list(excluding))
    return [_sent_proposal(p) for p in sent]


def proposal_sent(public_id: uuid.UUID, *, area_id: int) -> SentProposal | None:
    """A proposal sent to the council of this area, or None (another area's, or not sent)."""
    found = _sent(area_id).filter(public_id=public_id).first()
    return _sent_proposal(found) if found else None


# --- What a report led to (read by the report's page, registered in InterventionsConfig) -------


def report_follow_ups_of(report: Report, user: User | AnonymousUser) -> list[ReportFollowUp]:
    """The interventions this user may read that the report motivated."""
    return [
        ReportFollowUp(
            label=_("Intervention %(reference)s") % {"reference": intervention.reference},
            title=intervention.title,
            status=str(intervention.get_status_display()),
            url=reverse("interventions:detail", args=[intervention.reference]),
        )
        for intervention in interventions_for(user).filter(reports=report).order_by("reference")
    ]


# --- Reads of the API and the exchange of files (interventions.api.records, .views.exchange) ---
def evaluations_latest_of(interventions: Iterable[Intervention]) -> dict[int, Evaluation]:
    """`evaluation_latest` of each intervention given, in one query, by intervention id."""
    latest = (
        Evaluation.objects.filter(
            intervention_id__in=[i.pk for i in interventions], status=EvaluationStatus.DONE
        )
        .defer("inputs")  # the input rows are for the export alone
        .order_by("intervention_id", "-version")
        .distinct("intervention_id")
    )
    return {evaluation.intervention_id: evaluation for evaluation in latest}


def intervention_public_report_ids(intervention: Intervention) -> list[uuid.UUID]:
    """The public ids of the reports that motivated an intervention, the published ones only
    (a report the public may not read is not named, not even by its id)."""
    return list(
        reports_public()
        .filter(pk__in=intervention.reports.values("pk"))
        .order_by("created_at", "pk")
        .values_list("public_id", flat=True)
    )


def intervention_photo_get(
    *, user: User | AnonymousUser, public_id: uuid.UUID
) -> InterventionPhoto:
    """A photo of an intervention this user may read, or a 404."""
    found = (
        InterventionPhoto.objects.filter(
            public_id=public_id, intervention__in=interventions_for(user).values("pk")
        )
        .select_related("intervention")
        .first()
    )
    if found is None:
        raise Http404
    return found


def photos_for(user: User | AnonymousUser) -> QuerySet[InterventionPhoto]:
    """The photos of the interventions this user may read."""
    return InterventionPhoto.objects.filter(intervention__in=interventions_for(user).values("pk"))


def interventions_edited_by(user: User | AnonymousUser) -> QuerySet[Intervention]:
    """The interventions this user records and edits: all of them for the editing roles, none
    otherwise (their pages are a 404)."""
    if not user_edits(user):
        raise Http404
    return Intervention.objects.all()


def session_for_editing(*, user: User | AnonymousUser, reference: str, session_id: int) -> Session:
    intervention = intervention_for_editing(user=user, reference=reference)
    found = intervention.sessions.filter(pk=session_id).first()
    if found is None:
        raise Http404
    return found


def proposal_for_editing(*, user: User | AnonymousUser, public_id: uuid.UUID) -> Proposal:
    if not user_edits(user):
        raise Http404
    found = (
        Proposal.objects.select_related("session__intervention").filter(public_id=public_id).first()
    )
    if found is None:
        raise Http404
    return found


def reports_shown_with(intervention: Intervention) -> QuerySet[Report]:
    """The reports that motivated an intervention which its page may show: the public ones only
    (a private report's text or place never appears beside an intervention)."""
    return (
        reports_public()
        .filter(pk__in=intervention.reports.values("pk"))
        .select_related("category")
        .order_by("-created_at")
    )


def sessions_shown_with(intervention: Intervention) -> QuerySet[Session]:
    return intervention.sessions.prefetch_related("participants", "proposals").order_by(
        "held_on", "pk"
    )


def survey_readable(user: User | AnonymousUser, result: dict[str, object]) -> bool:
    """Whether this reader may read an evaluation's survey part: both waves it compares must
    be waves the reader may read (the public: both published), as the survey module says."""
    survey = result.get("survey")
    if not isinstance(survey, dict):
        return False
    codes = {survey.get("survey_from"), survey.get("survey_to")} - {None}
    return len(codes) == 2 and waves_readable_by(user).filter(code__in=codes).count() == 2
