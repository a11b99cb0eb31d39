"""The demo council of Piraeus: about fifteen members from every sector, eight meetings of
2020–2023 with their agendas, attendance, decisions and minutes (each approved by a decision of
the next meeting), twelve recommendations in every status with action items and progress, and
the 2020–2023 strategy whose objectives target the demo survey's indicators.

Everything is made through the services, so that the records, their history rows and their
public timelines are what the platform makes; dates the public reads (a recommendation's
timeline, when minutes were approved and published) are those of the meetings, while the
history rows say when the demo was loaded. Loaded by `manage.py councils_demo_load` after the
accounts (`demo_load`) and the survey waves (`surveys_demo_load`); loading again adds nothing.
Invented data: never mistake it for Piraeus's.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from councils.demo_records import (
    MEASURES,
    MEETINGS,
    OBJECTIVES,
    ORGANISATIONS,
    PREFIX,
    RECOMMENDATIONS,
    SEATS,
    SLUG,
    TERM_STARTS,
    DemoMeeting,
    Item,
    S,
    Seat,
)
from councils.models import (
    ActionItemStatus,
    AgendaItemKind,
    AttendanceStatus,
    Council,
    Decision,
    DecisionOutcome,
    Measure,
    Meeting,
    MeetingStatus,
    Membership,
    Minutes,
    Objective,
    Organisation,
    Priority,
    Recommendation,
    RecommendationStatusChange,
    ReferenceSequence,
    Strategy,
    TargetKind,
    Visibility,
)
from councils.models.choices import VOTING_POSITIONS
from councils.services.actions import (
    action_item_create,
    action_item_transition,
    progress_update_add,
)
from councils.services.attendance import AttendanceEntry, attendance_record
from councils.services.bodies import council_save, membership_save, organisation_save
from councils.services.decisions import decision_record
from councils.services.meetings import agenda_item_add, meeting_create, meeting_transition
from councils.services.minutes import (
    minutes_approve,
    minutes_circulate,
    minutes_create,
    minutes_publish,
)
from councils.services.recommendations import recommendation_create, recommendation_transition
from councils.services.strategy import measure_recommendations_set, strategy_part_save
from curim.accounts.demo import DEMO_DOMAIN, demo_email
from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.accounts.services import user_roles_set
from curim.areas.models import Area
from curim.core.demo import DemoError
from surveys.selectors import results_estimates, results_published


def _at(day: date, hour: int = 18) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(settings.TIME_ZONE))


@dataclass
class Loading:
    council: Council
    secretary: User
    chair: User
    organisations: dict[str, Organisation] = field(default_factory=dict)
    seats: dict[str, Membership] = field(default_factory=dict)
    recommendations: dict[str, Recommendation] = field(default_factory=dict)


def council_demo_load() -> int:
    """Create the demo council once; returns how many meetings were added (0 when it exists)."""
    if Council.objects.filter(slug=SLUG).exists():
        return 0
    secretary = User.objects.filter(email=demo_email(Role.COUNCIL_SECRETARY)).first()
    member = User.objects.filter(email=demo_email(Role.COUNCIL_MEMBER)).first()
    area = Area.objects.filter(level=Area.Level.MUNICIPALITY).order_by("code").first()
    if secretary is None or member is None or area is None:
        raise DemoError("Load the demo accounts and areas first (manage.py demo_load).")
    with transaction.atomic():
        loading = _council(area, secretary, member)
        previous: tuple[Meeting, Minutes] | None = None
        for plan in MEETINGS:
            previous = _meeting(loading, plan, previous)
        _follow_up(loading)
        _references_dated(loading)
        _strategy(loading)
    return len(MEETINGS)


def _council(area: Area, secretary: User, member: User) -> Loading:
    council = council_save(
        council=Council(
            slug=SLUG,
            name_en="Local Council for Crime Prevention of Piraeus",
            name_el="Δημοτικό Συμβούλιο Πρόληψης της Παραβατικότητας Πειραιά",
            area=area,
            purpose_en=(
                "The council brings the police, the municipality, schools, businesses, "
                "residents and the Victim Support Unit together to prevent crime and the fear "
                "of crime in Piraeus, and follows its recommendations up in public."
            ),
            purpose_el=(
                "Το συμβούλιο φέρνει κοντά την αστυνομία, τον δήμο, τα σχολεία, τις "
                "επιχειρήσεις, τους κατοίκους και τη Μονάδα Υποστήριξης Θυμάτων για την "
                "πρόληψη της παραβατικότητας και του φόβου της στον Πειραιά, και παρακολουθεί "
                "δημόσια τις συστάσεις του."
            ),
            term_starts_on=TERM_STARTS,
            reference_prefix=PREFIX,
        )
    )
    loading = Loading(council, secretary, secretary)
    for key, (english, greek, sector) in ORGANISATIONS.items():
        organisation = Organisation.objects.filter(name_en=english).first()
        loading.organisations[key] = organisation or organisation_save(
            organisation=Organisation(name_en=english, name_el=greek, sector=sector)
        )
    for seat in SEATS:
        person = _person(seat, secretary, member)
        loading.seats[seat.key] = membership_save(
            membership=Membership(
                council=council,
                person=person,
                organisation=loading.organisations[seat.organisation],
                position=seat.position,
                starts_on=seat.starts_on,
                name_public=seat.public,
            )
        )
    loading.chair = loading.seats["chair"].person
    return loading


def _person(seat: Seat, secretary: User, member: User) -> User:
    if seat.key == "secretary":
        return secretary
    if seat.key == "member":
        return member
    email = f"council.{seat.key.replace('_', '-')}@{DEMO_DOMAIN}"
    person = User.objects.filter(email=email).first()
    if person is None:
        # No password: these members are names on the council, not demo logins.
        person = User.objects.create_user(email, None, display_name=seat.name)
        user_roles_set(user=person, roles={Role.COUNCIL_MEMBER})
    return person


def _meeting(
    loading: Loading, plan: DemoMeeting, previous: tuple[Meeting, Minutes] | None
) -> tuple[Meeting, Minutes]:
    by = loading.secretary
    starts = _at(plan.day)
    meeting = meeting_create(
        council=loading.council,
        by=by,
        title_en=plan.title_en,
        title_el=plan.title_el,
        kind=plan.kind,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Piraeus Town Hall",
        visibility=plan.visibility,
    )
    for item in plan.items:
        _proposals(loading, item, plan.day)
        agenda_item_add(
            meeting=meeting,
            by=by,
            title=item.title,
            text=item.text,
            kind=item.kind,
            public=item.public,
        )
    meeting_transition(meeting=meeting, to_status=MeetingStatus.CONVENED, by=by)
    meeting_transition(meeting=meeting, to_status=MeetingStatus.HELD, by=by)
    voters = _attendance(loading, meeting, plan)
    # The agenda also carries over, by itself, the previous meeting's adoptions and the
    # action items overdue: the plan's items are the others.
    own = meeting.agenda_items.filter(carried_over=False).order_by("order")
    for item, agenda_item in zip(plan.items, own, strict=True):
        if item.kind != AgendaItemKind.DECISION:
            continue
        decision = decision_record(
            agenda_item=agenda_item,
            by=by,
            text=_decision_text(item),
            outcome=item.outcome,
            votes_for=voters - 1 if item.outcome == DecisionOutcome.ADOPTED else None,
            votes_against=0 if item.outcome == DecisionOutcome.ADOPTED else None,
            votes_abstain=1 if item.outcome == DecisionOutcome.ADOPTED else None,
        )
        if item.approves_minutes and previous is not None:
            _approve(loading, previous, decision, plan.day)
        if item.outcome == DecisionOutcome.ADOPTED:
            for key in item.adopts:
                loading.recommendations[key] = recommendation_transition(
                    recommendation=loading.recommendations[key],
                    to_status=S.ADOPTED,
                    by=by,
                    decision=decision,
                    at=_at(plan.day, 20),
                )
    minutes = minutes_create(
        meeting=meeting,
        by=by,
        text=_minutes_text(plan),
        public_summary=plan.summary,
    )
    minutes_circulate(minutes=minutes, by=by)
    Minutes.objects.filter(pk=minutes.pk).update(circulated_at=_at(plan.day + timedelta(days=14)))
    meeting_transition(meeting=meeting, to_status=MeetingStatus.CLOSED, by=by)
    return meeting, minutes


def _proposals(loading: Loading, item: Item, day: date) -> None:
    """The recommendations this item adopts, proposed three weeks before the meeting."""
    for key in item.adopts:
        loading.recommendations[key] = _proposed(loading, key, day - timedelta(days=21))


def _proposed(loading: Loading, key: str, on: date) -> Recommendation:
    plan = RECOMMENDATIONS[key]
    recommendation = recommendation_create(
        council=loading.council,
        by=loading.secretary,
        addressees=[loading.organisations[a] for a in plan.addressees],
        title_en=plan.title_en,
        title_el=plan.title_el,
        text_en=plan.text_en,
        text_el=plan.text_el,
        priority=plan.priority,
        due_on=plan.due_on,
    )
    # The public timeline starts on the day it was proposed, not the day the demo was loaded.
    RecommendationStatusChange.objects.filter(recommendation=recommendation).update(
        changed_at=_at(on, 10)
    )
    return recommendation


def _attendance(loading: Loading, meeting: Meeting, plan: DemoMeeting) -> int:
    """Record who came; returns how many voting members were present."""
    entries = [
        AttendanceEntry(
            seat,
            AttendanceStatus.APOLOGIES if key in plan.absent else AttendanceStatus.PRESENT,
        )
        for key, seat in loading.seats.items()
        if seat.is_current(plan.day)
    ]
    attendance_record(meeting=meeting, by=loading.secretary, entries=entries)
    return sum(
        1
        for e in entries
        if e.status == AttendanceStatus.PRESENT and e.membership.position in VOTING_POSITIONS
    )


def _decision_text(item: Item) -> str:
    if item.approves_minutes:
        return "The minutes of the previous meeting are approved as circulated."
    if item.outcome == DecisionOutcome.DEFERRED:
        return "Deferred to the next term, for a costed proposal."
    return f"Adopted: {item.title}."


def _minutes_text(plan: DemoMeeting) -> str:
    lines = [f"Minutes of the meeting of {plan.day:%d/%m/%Y}: {plan.title_en}.", ""]
    for number, item in enumerate(plan.items, start=1):
        lines.append(f"{number}. {item.title}. The council discussed the item.")
    return "\n".join(lines)


def _approve(
    loading: Loading, previous: tuple[Meeting, Minutes], decision: Decision, day: date
) -> None:
    meeting, minutes = previous
    minutes_approve(minutes=minutes, decision=decision, by=loading.chair)
    Minutes.objects.filter(pk=minutes.pk).update(approved_at=_at(day, 20))
    if meeting.visibility != Visibility.CLOSED:
        minutes_publish(minutes=minutes, by=loading.secretary)
        Minutes.objects.filter(pk=minutes.pk).update(published_at=_at(day + timedelta(days=3)))


def _follow_up(loading: Loading) -> None:
    """Action items, their progress and the later changes of status of each recommendation."""
    by = loading.secretary
    for key, plan in RECOMMENDATIONS.items():
        recommendation = loading.recommendations.get(key)
        if recommendation is None:  # proposed outside a meeting
            recommendation = _proposed(loading, key, plan.proposed_on or date(2023, 12, 1))
            loading.recommendations[key] = recommendation
        for action in plan.actions:
            item = action_item_create(
                recommendation=recommendation,
                by=by,
                title_en=action.title_en,
                title_el=action.title_el,
                owner_organisation=loading.organisations[action.owner],
                owner_person=loading.seats[action.person].person,
                due_on=action.due_on,
            )
            for on, percent in action.percents:
                progress_update_add(item=item, by=item.owner_person or by, on=on, percent=percent)
            if action.cancelled:
                action_item_transition(
                    item=item, to_status=ActionItemStatus.CANCELLED, by=by, note=action.cancelled
                )
        for status, on, note in plan.path:
            recommendation = recommendation_transition(
                recommendation=recommendation, to_status=status, by=by, note=note, at=_at(on, 12)
            )
        loading.recommendations[key] = recommendation


def _references_dated(loading: Loading) -> None:
    """Number each recommendation in the year it was proposed (the services number them in the
    year they are recorded), and give the numbers of this year back."""
    numbers: dict[int, int] = {}
    recorded = loading.council.recommendations.order_by("pk")
    for recommendation in recorded:
        first = recommendation.status_changes.order_by("changed_at", "pk").first()
        year = first.changed_at.year if first else recommendation.created_at.year
        numbers[year] = numbers.get(year, 0) + 1
        recommendation.reference = f"{PREFIX}-{year}-{numbers[year]:02d}"
        Recommendation.objects.filter(pk=recommendation.pk).update(
            reference=recommendation.reference
        )
    ReferenceSequence.objects.filter(council=loading.council).delete()
    ReferenceSequence.objects.bulk_create(
        ReferenceSequence(council=loading.council, year=year, last_number=number)
        for year, number in numbers.items()
    )


def _strategy(loading: Loading) -> None:
    """The 2020–2023 strategy; its objectives target the survey's indicators, from the baseline
    wave to the follow-up (when the survey demo is loaded)."""
    strategy = strategy_part_save(
        part=Strategy(
            council=loading.council,
            title_en="Safer Piraeus 2020–2023",
            title_el="Ασφαλέστερος Πειραιάς 2020–2023",
            summary_en=(
                "Two priorities: feeling safe in public space, and trust and participation in "
                "crime prevention, measured by the 2020 baseline survey and its 2023 follow-up."
            ),
            summary_el=(
                "Δύο προτεραιότητες: το αίσθημα ασφάλειας στον δημόσιο χώρο, και η εμπιστοσύνη "
                "και η συμμετοχή στην πρόληψη, με μέτρο την αρχική μέτρηση του 2020 και την "
                "επαναληπτική του 2023."
            ),
            starts_year=2020,
            ends_year=2023,
            published=True,
        )
    )
    priorities = {
        1: strategy_part_save(
            part=Priority(
                strategy=strategy,
                order=1,
                title_en="Feeling safe in public space",
                title_el="Αίσθημα ασφάλειας στον δημόσιο χώρο",
            )
        ),
        2: strategy_part_save(
            part=Priority(
                strategy=strategy,
                order=2,
                title_en="Trust and participation",
                title_el="Εμπιστοσύνη και συμμετοχή",
            )
        ),
    }
    waves = {wave.code: wave for wave in results_published()}
    baseline, follow_up = waves.get("baseline-2020"), waves.get("follow-up-2023")
    if baseline is None or follow_up is None:
        return  # no survey demo: the strategy has its priorities only
    estimates = {
        e.indicator.code: e
        for e in results_estimates(baseline).filter(area=None, group="", estimate__isnull=False)
    }
    for order, (code, change, english, greek, priority) in enumerate(OBJECTIVES, start=1):
        estimate = estimates.get(code)
        if estimate is None or estimate.estimate is None:
            continue
        objective = strategy_part_save(
            part=Objective(
                priority=priorities[priority],
                order=order,
                title_en=english,
                title_el=greek,
                target_kind=TargetKind.INDICATOR,
                indicator=estimate.indicator,
                baseline_survey=baseline,
                target_value=round(estimate.estimate + change, 2),
                target_survey=follow_up,
            )
        )
        measure = strategy_part_save(
            part=Measure(
                objective=objective,
                order=1,
                title_en=f"The council's recommendations: {english.lower()}",
                title_el=f"Οι συστάσεις του συμβουλίου: {greek.lower()}",
            )
        )
        measure_recommendations_set(
            measure=measure,
            recommendations=[loading.recommendations[key] for key in MEASURES[code]],
        )
