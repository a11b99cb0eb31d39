"""What the public may read of the council's records, as plain values.

Public pages, feeds, the API and the open-data export read the council through these
functions only. Each selects the columns it lists, from the public scope (`scopes.*_public()`),
so a column that is not named here cannot reach the public: the full text of minutes, comments
on minutes, closed agenda items and what they decided, proposals not yet adopted, who owns an
action item and what they wrote in their updates, and the names of members who have not
agreed to be named (a name shown is the account's display name, never its e-mail address).
A meeting's online link is shown for public meetings only: in a split one it would open the
closed part too.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.gis.geos import Point
from django.db.models.fields.files import FieldFile

from councils.models import (
    AgendaAttachment,
    Attendance,
    Council,
    Measure,
    Membership,
    Objective,
    Organisation,
    Priority,
    ProgressUpdate,
    RecommendationStatusChange,
    Visibility,
)
from councils.models.texts import in_either_language
from councils.progress import Progress
from councils.selectors.figures import recommendations_progress
from councils.selectors.scopes import (
    action_items_public,
    agenda_items_public,
    attachments_public,
    current_on,
    decisions_public,
    meetings_public,
    minutes_public,
    recommendations_public,
    strategies_public,
)
from surveys.selectors import wave_known_to_public


class _Bilingual:
    def text(self, name: str) -> str:
        return in_either_language(self, name)


@dataclass(frozen=True)
class PublicCouncil(_Bilingual):
    slug: str
    name_en: str
    name_el: str
    area_code: str
    purpose_en: str
    purpose_el: str
    term_starts_on: date
    term_ends_on: date | None
    quorum: int | None


@dataclass(frozen=True)
class PublicOrganisation(_Bilingual):
    public_id: uuid.UUID
    name_en: str
    name_el: str
    sector: str


@dataclass(frozen=True)
class PublicMember:
    public_id: uuid.UUID
    council_slug: str
    organisation: PublicOrganisation
    position: str
    starts_on: date
    ends_on: date | None
    name: str | None  # None unless the member agreed to be named


@dataclass(frozen=True)
class PublicEvidence(_Bilingual):
    report_filter: dict[str, str]
    area_code: str | None
    survey_code: str | None
    survey_title_en: str
    survey_title_el: str
    indicator_name_en: str
    indicator_name_el: str
    statistics_year: int | None


@dataclass(frozen=True)
class PublicAttachment:
    public_id: uuid.UUID
    title: str
    size: int


@dataclass(frozen=True)
class PublicDecision:
    text: str
    outcome: str
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None


@dataclass(frozen=True)
class PublicAgendaItem:
    meeting_id: uuid.UUID
    order: int
    title: str
    text: str
    kind: str
    presenter_guest: str  # a presenter who is not a member, by name
    presenter_organisation: PublicOrganisation | None  # a member presenter's organisation
    presenter_name: str | None  # a member presenter's name, if they agreed to be named
    evidence: PublicEvidence
    follows_up: str | None  # the reference of a public recommendation it follows up
    attachments: tuple[PublicAttachment, ...] = ()
    decisions: tuple[PublicDecision, ...] = ()


@dataclass(frozen=True)
class PublicMeeting(_Bilingual):
    id: uuid.UUID
    council_slug: str
    title_en: str
    title_el: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    place: str
    location: Point | None
    online_url: str
    status: str
    visibility: str
    cancellation_reason: str
    sequence: int  # the iCalendar SEQUENCE of its event


@dataclass(frozen=True)
class PublicAttendance:
    organisation: PublicOrganisation
    position: str
    name: str | None
    status: str


@dataclass(frozen=True)
class PublicMinutes:
    meeting_id: uuid.UUID
    public_summary: str
    approved_at: datetime | None
    published_at: datetime | None
    approved_in_meeting_id: uuid.UUID | None  # when the approving decision is public


@dataclass(frozen=True)
class PublicStatusChange:
    from_status: str
    to_status: str
    note: str
    changed_at: datetime
    public_id: uuid.UUID  # stable: the feed's entry id


@dataclass(frozen=True)
class PublicProgressUpdate:
    on: date
    percent: int
    public_id: uuid.UUID  # stable: the feed's entry id


@dataclass(frozen=True)
class PublicActionItem(_Bilingual):
    id: int  # stable: the item_id of the council's own export and import
    title_en: str
    title_el: str
    owner: PublicOrganisation
    due_on: date | None
    weight: Decimal | None
    status: str
    updates: tuple[PublicProgressUpdate, ...] = ()


@dataclass(frozen=True)
class PublicRecommendation(_Bilingual):
    reference: str
    council_slug: str
    title_en: str
    title_el: str
    text_en: str
    text_el: str
    rationale_en: str
    rationale_el: str
    priority: str
    due_on: date | None
    status: str
    adopted_in_meeting_id: uuid.UUID
    adopted_on: datetime  # when the adopting meeting started
    evidence: PublicEvidence
    progress: Progress
    addressees: tuple[PublicOrganisation, ...] = ()
    action_items: tuple[PublicActionItem, ...] = ()
    timeline: tuple[PublicStatusChange, ...] = ()


@dataclass(frozen=True)
class PublicMeasure(_Bilingual):
    order: int
    title_en: str
    title_el: str
    description_en: str
    description_el: str
    recommendations: tuple[str, ...] = ()  # references of public recommendations


@dataclass(frozen=True)
class PublicObjective(_Bilingual):
    order: int
    title_en: str
    title_el: str
    target_kind: str
    indicator_name_en: str
    indicator_name_el: str
    category_group: str
    area_code: str | None
    baseline_survey_code: str | None
    baseline_year: int | None
    baseline_value: float | None
    target_value: float
    target_survey_code: str | None
    target_year: int | None
    measures: tuple[PublicMeasure, ...] = ()
    indicator_code: str = ""


@dataclass(frozen=True)
class PublicPriority(_Bilingual):
    order: int
    title_en: str
    title_el: str
    description_en: str
    description_el: str
    objectives: tuple[PublicObjective, ...] = ()


@dataclass(frozen=True)
class PublicStrategy(_Bilingual):
    council_slug: str
    title_en: str
    title_el: str
    summary_en: str
    summary_el: str
    starts_year: int
    ends_year: int
    priorities: tuple[PublicPriority, ...] = field(default_factory=tuple)


# --- Councils, organisations, members --------------------------------------------------------
COUNCIL_COLUMNS = (
    "slug",
    "name_en",
    "name_el",
    "area__code",
    "purpose_en",
    "purpose_el",
    "term_starts_on",
    "term_ends_on",
    "quorum",
)


def _council(row: dict[str, Any]) -> PublicCouncil:
    return PublicCouncil(**{name.replace("__", "_"): row[name] for name in COUNCIL_COLUMNS})


def public_councils() -> list[PublicCouncil]:
    return [_council(row) for row in Council.objects.values(*COUNCIL_COLUMNS)]


def public_council(slug: str) -> PublicCouncil | None:
    row = Council.objects.filter(slug=slug[:64]).values(*COUNCIL_COLUMNS).first()
    return _council(row) if row else None


ORGANISATION_COLUMNS = ("public_id", "name_en", "name_el", "sector")


def _organisation(row: dict[str, Any], prefix: str = "") -> PublicOrganisation:
    return PublicOrganisation(**{name: row[prefix + name] for name in ORGANISATION_COLUMNS})


def public_organisations() -> list[PublicOrganisation]:
    return [_organisation(row) for row in Organisation.objects.values(*ORGANISATION_COLUMNS)]


_ORGANISATION = tuple(f"organisation__{name}" for name in ORGANISATION_COLUMNS)
_ORGANISATION_OWNER = tuple(f"owner_organisation__{name}" for name in ORGANISATION_COLUMNS)
_ORGANISATION_PRESENTER = tuple(
    f"presenter_membership__organisation__{name}" for name in ORGANISATION_COLUMNS
)


def _public_name(name_public: bool, display_name: str) -> str | None:
    return (display_name or None) if name_public else None


def public_members(
    *, council_slug: str | None = None, on: date | None = None, past_too: bool = False
) -> list[PublicMember]:
    """The members on a day (today by default), or every membership there has been
    (`past_too`, e.g. for Popolo): organisation, position and period always, the name only
    when the member agreed to it."""
    rows = Membership.objects.all() if past_too else Membership.objects.filter(current_on(on))
    if council_slug is not None:
        rows = rows.filter(council__slug=council_slug[:64])
    return [
        PublicMember(
            public_id=row["public_id"],
            council_slug=row["council__slug"],
            organisation=_organisation(row, "organisation__"),
            position=row["position"],
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
            name=_public_name(row["name_public"], row["person__display_name"]),
        )
        for row in rows.order_by("council__slug", "position", "starts_on", "pk").values(
            "public_id",
            "council__slug",
            "position",
            "starts_on",
            "ends_on",
            "name_public",
            "person__display_name",
            *_ORGANISATION,
        )
    ]


# --- Meetings --------------------------------------------------------------------------------
MEETING_COLUMNS = (
    "id",
    "council__slug",
    "title_en",
    "title_el",
    "kind",
    "starts_at",
    "ends_at",
    "place",
    "location",
    "online_url",
    "status",
    "visibility",
    "cancellation_reason",
    "sequence",
)


def _meeting(row: dict[str, Any]) -> PublicMeeting:
    values = {name.replace("__", "_"): row[name] for name in MEETING_COLUMNS}
    if row["visibility"] != Visibility.PUBLIC:
        values["online_url"] = ""
    return PublicMeeting(**values)


def public_meetings(
    *,
    council_slug: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[PublicMeeting]:
    rows = meetings_public()
    if council_slug is not None:
        rows = rows.filter(council__slug=council_slug[:64])
    if since is not None:
        rows = rows.filter(ends_at__gte=since)
    if until is not None:
        rows = rows.filter(starts_at__lte=until)
    return [_meeting(row) for row in rows.order_by("starts_at", "id").values(*MEETING_COLUMNS)]


def public_meeting(meeting_id: uuid.UUID) -> PublicMeeting | None:
    row = meetings_public().filter(pk=meeting_id).values(*MEETING_COLUMNS).first()
    return _meeting(row) if row else None


EVIDENCE_COLUMNS = (
    "evidence_report_filter",
    "evidence_area__code",
    "evidence_survey__code",
    "evidence_survey__title_en",
    "evidence_survey__title_el",
    "evidence_indicator__name_en",
    "evidence_indicator__name_el",
    "evidence_statistics_year",
    "evidence_survey__status",
)


def _wave_code(row: Mapping[str, Any], field: str) -> str | None:
    """The code of the wave a row cites in `field`, or None when there is none or the public
    may not know of it (a draft)."""
    status = row[f"{field}__status"]
    return row[f"{field}__code"] if status is not None and wave_known_to_public(status) else None


def _evidence(row: dict[str, Any]) -> PublicEvidence:
    # A draft wave is nobody's but the staff's (the public reads open waves and published
    # results): an item may cite it, the public does not read its code or title.
    code = _wave_code(row, "evidence_survey")
    wave = code is not None
    return PublicEvidence(
        report_filter=dict(row["evidence_report_filter"] or {}),
        area_code=row["evidence_area__code"],
        survey_code=code,
        survey_title_en=(row["evidence_survey__title_en"] or "") if wave else "",
        survey_title_el=(row["evidence_survey__title_el"] or "") if wave else "",
        indicator_name_en=(row["evidence_indicator__name_en"] or "") if wave else "",
        indicator_name_el=(row["evidence_indicator__name_el"] or "") if wave else "",
        statistics_year=row["evidence_statistics_year"],
    )


def public_agendas(meeting_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[PublicAgendaItem]]:
    """The public items of public meetings, with their attachments and decisions, by meeting
    (in four queries, however many meetings)."""
    ids = list(meeting_ids)
    items = agenda_items_public().filter(meeting__in=ids)
    rows = list(
        items.order_by("meeting", "order").values(
            "pk",
            "meeting_id",
            "order",
            "title",
            "text",
            "kind",
            "presenter_name",
            "presenter_membership_id",
            *_ORGANISATION_PRESENTER,
            "presenter_membership__name_public",
            "presenter_membership__person__display_name",
            "recommendation_id",
            *EVIDENCE_COLUMNS,
        )
    )
    pks = [row["pk"] for row in rows]
    attachments: dict[int, list[PublicAttachment]] = defaultdict(list)
    for item_id, public_id, title, size in AgendaAttachment.objects.filter(
        agenda_item__in=pks
    ).values_list("agenda_item_id", "public_id", "title", "size"):
        attachments[item_id].append(PublicAttachment(public_id, title, size))
    decisions: dict[int, list[PublicDecision]] = defaultdict(list)
    for item_id, text, outcome, votes_for, votes_against, votes_abstain in (
        decisions_public()
        .filter(agenda_item__in=pks)
        .order_by("created_at", "pk")
        .values_list(
            "agenda_item_id", "text", "outcome", "votes_for", "votes_against", "votes_abstain"
        )
    ):
        decisions[item_id].append(
            PublicDecision(text, outcome, votes_for, votes_against, votes_abstain)
        )
    references = dict(
        recommendations_public()
        # A subquery, not a list: one query always (an empty list would make none).
        .filter(pk__in=items.values("recommendation_id"))
        .values_list("pk", "reference")
    )
    agendas: dict[uuid.UUID, list[PublicAgendaItem]] = {pk: [] for pk in ids}
    for row in rows:
        agendas[row["meeting_id"]].append(
            PublicAgendaItem(
                meeting_id=row["meeting_id"],
                order=row["order"],
                title=row["title"],
                text=row["text"],
                kind=row["kind"],
                presenter_guest=row["presenter_name"],
                presenter_organisation=_organisation(row, "presenter_membership__organisation__")
                if row["presenter_membership_id"]
                else None,
                presenter_name=_public_name(
                    bool(row["presenter_membership__name_public"]),
                    row["presenter_membership__person__display_name"] or "",
                ),
                evidence=_evidence(row),
                follows_up=references.get(row["recommendation_id"]),
                attachments=tuple(attachments[row["pk"]]),
                decisions=tuple(decisions[row["pk"]]),
            )
        )
    return agendas


@dataclass(frozen=True)
class PublicAttachmentFile:
    title: str
    file: FieldFile


def public_attachment_file(
    meeting_id: uuid.UUID, attachment_id: uuid.UUID
) -> PublicAttachmentFile | None:
    """A file of a public item of a public meeting, to be served; None for any other."""
    attachment = (
        attachments_public()
        .filter(agenda_item__meeting=meeting_id, public_id=attachment_id)
        .only("title", "file")
        .first()
    )
    return PublicAttachmentFile(attachment.title, attachment.file) if attachment else None


def public_agenda(meeting_id: uuid.UUID) -> list[PublicAgendaItem]:
    return public_agendas([meeting_id])[meeting_id]


def public_attendance(meeting_id: uuid.UUID) -> list[PublicAttendance]:
    """Who attended a public meeting, by organisation and position (names as agreed)."""
    rows = Attendance.objects.filter(meeting__in=meetings_public().filter(pk=meeting_id))
    return [
        PublicAttendance(
            organisation=_organisation(row, "membership__organisation__"),
            position=row["membership__position"],
            name=_public_name(
                row["membership__name_public"], row["membership__person__display_name"]
            ),
            status=row["status"],
        )
        for row in rows.order_by("membership__position", "membership__pk").values(
            "status",
            "membership__position",
            "membership__name_public",
            "membership__person__display_name",
            *(f"membership__organisation__{name}" for name in ORGANISATION_COLUMNS),
        )
    ]


def public_minutes_of(meeting_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, PublicMinutes]:
    """The public summary of published minutes, by meeting (the full text is never read)."""
    rows = list(
        minutes_public()
        .filter(meeting__in=list(meeting_ids))
        .values(
            "meeting_id",
            "public_summary",
            "approved_at",
            "published_at",
            "approved_by_decision_id",
            "approved_by_decision__agenda_item__meeting_id",
        )
    )
    approving = set(
        decisions_public()
        .filter(pk__in=[row["approved_by_decision_id"] for row in rows])
        .values_list("pk", flat=True)
    )
    return {
        row["meeting_id"]: PublicMinutes(
            meeting_id=row["meeting_id"],
            public_summary=row["public_summary"],
            approved_at=row["approved_at"],
            published_at=row["published_at"],
            approved_in_meeting_id=row["approved_by_decision__agenda_item__meeting_id"]
            if row["approved_by_decision_id"] in approving
            else None,
        )
        for row in rows
    }


def public_minutes(meeting_id: uuid.UUID) -> PublicMinutes | None:
    return public_minutes_of([meeting_id]).get(meeting_id)


# --- Recommendations -------------------------------------------------------------------------
RECOMMENDATION_COLUMNS = (
    "pk",
    "reference",
    "council__slug",
    "title_en",
    "title_el",
    "text_en",
    "text_el",
    "rationale_en",
    "rationale_el",
    "priority",
    "due_on",
    "status",
    "adopted_by__agenda_item__meeting_id",
    "adopted_by__agenda_item__meeting__starts_at",
    *EVIDENCE_COLUMNS,
)


def public_recommendations(
    *, council_slug: str | None = None, reference: str | None = None
) -> list[PublicRecommendation]:
    """Adopted recommendations of public decisions, with their progress (and the rule), action
    items (by owner organisation) and public timeline, in a fixed number of queries."""
    rows_query = recommendations_public()
    if council_slug is not None:
        rows_query = rows_query.filter(council__slug=council_slug[:64])
    if reference is not None:
        rows_query = rows_query.filter(reference=reference[:30])
    rows = list(rows_query.order_by("-reference").values(*RECOMMENDATION_COLUMNS))
    pks = [row["pk"] for row in rows]
    progress = recommendations_progress(pks)

    addressees: dict[int, list[PublicOrganisation]] = defaultdict(list)
    through = rows_query.model.addressees.through
    for row in through.objects.filter(recommendation__in=pks).values(
        "recommendation_id", *(f"organisation__{name}" for name in ORGANISATION_COLUMNS)
    ):
        addressees[row["recommendation_id"]].append(_organisation(row, "organisation__"))

    updates: dict[int, list[PublicProgressUpdate]] = defaultdict(list)
    for row in (
        ProgressUpdate.objects.filter(action_item__recommendation__in=pks)
        .order_by("on", "created_at", "pk")
        .values("action_item_id", "on", "percent", "public_id")
    ):
        updates[row["action_item_id"]].append(
            PublicProgressUpdate(row["on"], row["percent"], row["public_id"])
        )
    items: dict[int, list[PublicActionItem]] = defaultdict(list)
    for row in (
        action_items_public()
        .filter(recommendation__in=pks)
        .order_by("due_on", "pk")
        .values(
            "pk",
            "recommendation_id",
            "title_en",
            "title_el",
            "due_on",
            "weight",
            "status",
            *_ORGANISATION_OWNER,
        )
    ):
        items[row["recommendation_id"]].append(
            PublicActionItem(
                id=row["pk"],
                title_en=row["title_en"],
                title_el=row["title_el"],
                owner=_organisation(row, "owner_organisation__"),
                due_on=row["due_on"],
                weight=row["weight"],
                status=row["status"],
                updates=tuple(updates[row["pk"]]),
            )
        )

    timeline: dict[int, list[PublicStatusChange]] = defaultdict(list)
    for row in (
        RecommendationStatusChange.objects.filter(recommendation__in=pks)
        .order_by("changed_at", "pk")
        .values_list(
            "recommendation_id", "from_status", "to_status", "note", "changed_at", "public_id"
        )
    ):
        timeline[row[0]].append(PublicStatusChange(*row[1:]))

    return [
        PublicRecommendation(
            reference=row["reference"],
            council_slug=row["council__slug"],
            title_en=row["title_en"],
            title_el=row["title_el"],
            text_en=row["text_en"],
            text_el=row["text_el"],
            rationale_en=row["rationale_en"],
            rationale_el=row["rationale_el"],
            priority=row["priority"],
            due_on=row["due_on"],
            status=row["status"],
            adopted_in_meeting_id=row["adopted_by__agenda_item__meeting_id"],
            adopted_on=row["adopted_by__agenda_item__meeting__starts_at"],
            evidence=_evidence(row),
            progress=progress[row["pk"]],
            addressees=tuple(addressees[row["pk"]]),
            action_items=tuple(items[row["pk"]]),
            timeline=tuple(timeline[row["pk"]]),
        )
        for row in rows
    ]


def public_recommendation(reference: str) -> PublicRecommendation | None:
    if "\x00" in reference:  # no reference holds one, and PostgreSQL refuses it in a query
        return None
    found = public_recommendations(reference=reference)
    return found[0] if found else None


# --- The strategy ----------------------------------------------------------------------------
def public_strategies(*, council_slug: str | None = None) -> list[PublicStrategy]:
    """Published strategies, whole: priorities, objectives, measures and the references of
    the public recommendations their measures link to."""
    strategies = strategies_public()
    if council_slug is not None:
        strategies = strategies.filter(council__slug=council_slug[:64])
    strategy_rows = list(
        strategies.order_by("-starts_year", "pk").values(
            "pk",
            "council__slug",
            "title_en",
            "title_el",
            "summary_en",
            "summary_el",
            "starts_year",
            "ends_year",
        )
    )
    strategy_pks = [row["pk"] for row in strategy_rows]
    priorities = list(
        Priority.objects.filter(strategy__in=strategy_pks)
        .order_by("order")
        .values(
            "pk", "strategy_id", "order", "title_en", "title_el", "description_en", "description_el"
        )
    )
    objectives = list(
        Objective.objects.filter(priority__strategy__in=strategy_pks)
        .order_by("order")
        .values(
            "pk",
            "priority_id",
            "order",
            "title_en",
            "title_el",
            "target_kind",
            "indicator__code",
            "indicator__name_en",
            "indicator__name_el",
            "category_group",
            "area__code",
            "baseline_survey__code",
            "baseline_survey__status",
            "baseline_year",
            "baseline_value",
            "target_value",
            "target_survey__code",
            "target_survey__status",
            "target_year",
        )
    )
    measure_rows = list(
        Measure.objects.filter(objective__priority__strategy__in=strategy_pks)
        .order_by("order")
        .values(
            "pk",
            "objective_id",
            "order",
            "title_en",
            "title_el",
            "description_en",
            "description_el",
        )
    )
    links: dict[int, list[str]] = defaultdict(list)
    for measure_id, reference in (
        Measure.recommendations.through.objects.filter(
            measure__in=[row["pk"] for row in measure_rows],
            recommendation__in=recommendations_public().values("pk"),
        )
        .order_by("recommendation__reference")
        .values_list("measure_id", "recommendation__reference")
    ):
        links[measure_id].append(reference)

    measures: dict[int, list[PublicMeasure]] = defaultdict(list)
    for measure in measure_rows:
        measures[measure["objective_id"]].append(
            PublicMeasure(
                order=measure["order"],
                title_en=measure["title_en"],
                title_el=measure["title_el"],
                description_en=measure["description_en"],
                description_el=measure["description_el"],
                recommendations=tuple(links[measure["pk"]]),
            )
        )
    by_priority: dict[int, list[PublicObjective]] = defaultdict(list)
    for row in objectives:
        by_priority[row["priority_id"]].append(
            PublicObjective(
                order=row["order"],
                title_en=row["title_en"],
                title_el=row["title_el"],
                target_kind=row["target_kind"],
                indicator_name_en=row["indicator__name_en"] or "",
                indicator_name_el=row["indicator__name_el"] or "",
                category_group=row["category_group"],
                area_code=row["area__code"],
                baseline_survey_code=_wave_code(row, "baseline_survey"),
                baseline_year=row["baseline_year"],
                baseline_value=row["baseline_value"],
                target_value=row["target_value"],
                target_survey_code=_wave_code(row, "target_survey"),
                target_year=row["target_year"],
                measures=tuple(measures[row["pk"]]),
                indicator_code=row["indicator__code"] or "",
            )
        )
    by_strategy: dict[int, list[PublicPriority]] = defaultdict(list)
    for priority in priorities:
        by_strategy[priority["strategy_id"]].append(
            PublicPriority(
                order=priority["order"],
                title_en=priority["title_en"],
                title_el=priority["title_el"],
                description_en=priority["description_en"],
                description_el=priority["description_el"],
                objectives=tuple(by_priority[priority["pk"]]),
            )
        )
    return [
        PublicStrategy(
            council_slug=row["council__slug"],
            title_en=row["title_en"],
            title_el=row["title_el"],
            summary_en=row["summary_en"],
            summary_el=row["summary_el"],
            starts_year=row["starts_year"],
            ends_year=row["ends_year"],
            priorities=tuple(by_strategy[row["pk"]]),
        )
        for row in strategy_rows
    ]
