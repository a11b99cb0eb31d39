"""The world the permission matrix walks: one user per actor, and real objects of several owners
and states to put into every URL."""

import io
import uuid
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from PIL import Image

from curim.accounts.models import TOTPDevice, User
from curim.accounts.roles import Role
from curim.accounts.services import citizen_register
from curim.accounts.twofactor import SESSION_DEVICE_KEY, SESSION_USER_KEY
from curim.analytics.models import (
    CategoryHarm,
    CategoryMapping,
    IncidentImport,
    IncidentSource,
    OfficialIncident,
)
from curim.areas.models import Area
from curim.core.models import OutboxTask
from curim.reports.models import Category, Comment, Confirmation, Follow, Report
from curim.reports.photos import photos_clean
from curim.reports.services.conversation import comment_flag, comment_post, confirmation_toggle
from curim.reports.services.evaluations import EvaluationDraft, evaluation_submit
from curim.reports.services.open311 import api_key_issue
from curim.reports.services.submission import ReportDraft, report_submit
from curim.reports.services.workflow import report_transition
from interventions.models import Intervention, PhotoMoment
from interventions.services.interventions import intervention_photos_add, intervention_save
from surveys.models import (
    ExportRecord,
    ImportBatch,
    Indicator,
    IndicatorEstimate,
    IndicatorItem,
    Question,
    QuestionKind,
    Response,
    Section,
    Survey,
)
from tests.factories import user_create, user_with_role
from tests.victims.clients import case_with_everything, enrolled
from victims.models import Case, Service
from victims.services.intake import intake_request_submit
from victims.services.privacy import break_glass_open

# Who knocks: anonymous, the eight roles, and those whose answers may differ from their role's:
# a second citizen (owns nothing of the first's), a case worker who is not on the case, one who
# has not enrolled a second factor, a superuser without any role, and two API clients holding a
# token instead of a session (a citizen's, and a supervisor's, which the unit's API refuses).
ANONYMOUS = "anonymous"
CITIZEN = "citizen"
OTHER_CITIZEN = "other_citizen"
MODERATOR = "moderator"
COUNCIL_MEMBER = "council_member"
COUNCIL_SECRETARY = "council_secretary"
VSU_STAFF = "vsu_staff"
VSU_STAFF_ELSEWHERE = "vsu_staff_elsewhere"
VSU_STAFF_UNENROLLED = "vsu_staff_unenrolled"
VSU_SUPERVISOR = "vsu_supervisor"
ANALYST = "analyst"
ADMIN = "admin"
SUPERUSER = "superuser"
# API clients with a token (Authorization: Token …) instead of a browser session.
CITIZEN_TOKEN = "citizen_token"
VSU_SUPERVISOR_TOKEN = "vsu_supervisor_token"

ACTORS = (
    ANONYMOUS,
    CITIZEN,
    OTHER_CITIZEN,
    MODERATOR,
    COUNCIL_MEMBER,
    COUNCIL_SECRETARY,
    VSU_STAFF,
    VSU_STAFF_ELSEWHERE,
    VSU_STAFF_UNENROLLED,
    VSU_SUPERVISOR,
    ANALYST,
    ADMIN,
    SUPERUSER,
    CITIZEN_TOKEN,
    VSU_SUPERVISOR_TOKEN,
)
# The second and third case workers matter only where the unit's pages and accounts are; the
# token holders only on the API.
ACTORS_ONLY_ON = {
    VSU_STAFF_ELSEWHERE: ("victims:", "api:vsu_", "accounts:"),
    VSU_STAFF_UNENROLLED: ("victims:", "api:vsu_", "accounts:"),
    CITIZEN_TOKEN: ("api:", "open311:"),
    VSU_SUPERVISOR_TOKEN: ("api:", "open311:"),
}
ROLE_OF = {
    CITIZEN: Role.CITIZEN,
    OTHER_CITIZEN: Role.CITIZEN,
    MODERATOR: Role.MODERATOR,
    COUNCIL_MEMBER: Role.COUNCIL_MEMBER,
    COUNCIL_SECRETARY: Role.COUNCIL_SECRETARY,
    VSU_STAFF: Role.VSU_STAFF,
    VSU_STAFF_ELSEWHERE: Role.VSU_STAFF,
    VSU_STAFF_UNENROLLED: Role.VSU_STAFF,
    VSU_SUPERVISOR: Role.VSU_SUPERVISOR,
    ANALYST: Role.ANALYST,
    ADMIN: Role.ADMIN,
}

# Texts planted in the world, to find out who is shown what.
UNPUBLISHED_TEXT = "Unpublished-report-Q7 burnt car behind the school"
CONTACT_EMAIL = "reporter-contact-Q7@example.org"
VICTIM_NAME = "Eleni Papadopoulou"
INTAKE_NAME = "Maria-Intake-Q7"
CITIZEN_EMAIL = "first-citizen@example.org"
OTHER_CITIZEN_EMAIL = "second-citizen@example.org"
INDICATOR_CODE = "perception-q7"  # in every estimate of the indicator (an unpublished wave's)
# The council: a closed agenda item, draft minutes, and the name of a member who did not agree
# to be named in public.
CLOSED_ITEM_TEXT = "Closed-item-Q7 briefing on the port patrols"
DRAFT_MINUTES_TEXT = "Draft-minutes-Q7 the chief said"
COUNCIL_MEMBER_NAME = "Member-Q7 Antoniou"

CENTRE = (23.6465, 37.9425)


class Knocker(Client):
    """A test client that keeps no cookie an answer sets and records no template, for speed."""

    def request(self, **request: Any) -> Any:
        return self.handler(self._base_environ(**request))  # type: ignore[attr-defined]


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    clients: dict[str, Knocker] = field(default_factory=dict)

    def client(self, actor: str) -> Knocker:
        """The actor's client, signed in as at the start: an earlier answer's cookies are gone."""
        client = self.clients.setdefault(actor, Knocker())
        client.cookies.clear()
        if actor in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[actor]
        if actor in self.tokens:
            client.defaults["HTTP_AUTHORIZATION"] = f"Token {self.tokens[actor]}"
        return client

    def __getitem__(self, name: str) -> Any:
        return self.objects[name]


def _session(user: User, *, verified: bool) -> str:
    """The session cookie of a login, with the second factor passed if `verified`."""
    client = Client()
    client.force_login(user)
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value)
    if verified:
        device = TOTPDevice.objects.filter(user=user).first() or enrolled(user)
        session[SESSION_USER_KEY] = user.pk
        session[SESSION_DEVICE_KEY] = device.pk
    session.save()
    return str(session.session_key)


def _jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (20, 120, 200)).save(out, format="JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), "image/jpeg")


def _report(
    *, reporter: User | None, status: str, moderator: User, text: str, photo: bool = False
) -> Report:
    draft = ReportDraft(
        category=Category.objects.get(slug="graffiti"),
        description=text,
        occurred_at=timezone.now(),
        severity=3,
        feeling_unsafe=3,
        location=Point(*CENTRE, srid=4326),
        contact_email=CONTACT_EMAIL,
    )
    photos = photos_clean([_jpeg()]) if photo else None
    report, _created = report_submit(
        draft=draft, reporter=reporter, client_address="192.0.2.44", photos=photos
    )
    if status != "submitted":
        report_transition(report=report, to_status=status, actor=moderator)
    report.refresh_from_db()
    return report


def _survey(code: str, status: str) -> Survey:
    survey = Survey.objects.create(
        code=code, title_en=f"Wave {code}", title_el=f"Κύμα {code}", status=status
    )
    section = Section.objects.create(survey=survey, title_en="Safety", title_el="Ασφάλεια")
    Question.objects.create(
        survey=survey,
        section=section,
        code="safe_day",
        kind=QuestionKind.LIKERT,
        text_en="How safe do you feel by day?",
        text_el="Πόσο ασφαλής νιώθετε τη μέρα;",
    )
    return survey


def world_build() -> World:
    from curim.areas.demo import DEMO_AREAS
    from curim.areas.services import areas_load_file

    world = World()
    areas_load_file(path=DEMO_AREAS)

    users = world.users
    for actor, role in ROLE_OF.items():
        email = {CITIZEN: CITIZEN_EMAIL, OTHER_CITIZEN: OTHER_CITIZEN_EMAIL}.get(
            actor, f"{actor}@example.org"
        )
        users[actor] = user_with_role(role, email=email)
    users[SUPERUSER] = User.objects.create_superuser("superuser@example.org", "x" * 12)
    for actor, user in users.items():
        world.sessions[actor] = _session(user, verified=actor != VSU_STAFF_UNENROLLED)
    for actor, owner in ((CITIZEN_TOKEN, CITIZEN), (VSU_SUPERVISOR_TOKEN, VSU_SUPERVISOR)):
        _instance, world.tokens[actor] = AuthToken.objects.create(users[owner])

    objects = world.objects
    moderator = users[MODERATOR]
    # Reports: the first citizen's, published with a photo and unpublished; the second's.
    published = _report(
        reporter=users[CITIZEN],
        status="published",
        moderator=moderator,
        text="Tags sprayed on the school wall",
        photo=True,
    )
    unpublished = _report(
        reporter=users[CITIZEN],
        status="submitted",
        moderator=moderator,
        text=UNPUBLISHED_TEXT,
        photo=True,
    )
    others = _report(
        reporter=users[OTHER_CITIZEN],
        status="published",
        moderator=moderator,
        text="Broken street light at the corner",
    )
    objects.update(report=published, report_unpublished=unpublished, report_others=others)
    objects["photo"] = published.photos.get()
    objects["photo_unpublished"] = unpublished.photos.get()
    # A comment of the second citizen on the first citizen's report, flagged by the first.
    comment = comment_post(report=published, author=users[OTHER_CITIZEN], body="Seen it too.")
    comment_flag(comment=comment, user=users[CITIZEN], reason="rude")
    objects["comment"] = Comment.objects.get(pk=comment.pk)
    confirmation_toggle(report=others, user=users[CITIZEN])
    objects["confirmation"] = Confirmation.objects.get(report=others)
    objects["follow"] = Follow.objects.get(report=published, user=users[CITIZEN])
    objects["placeevaluation"] = evaluation_submit(
        draft=EvaluationDraft(
            location=Point(*CENTRE, srid=4326),
            time_of_day="night",
            feeling=2,
            lighting=2,
            visibility=3,
            people=2,
            security=1,
            walk_path=3,
        ),
        evaluator=users[CITIZEN],
        client_address="192.0.2.44",
    )
    objects["open311client"], objects["open311_key"] = api_key_issue(name="City helpdesk")
    objects["category"] = Category.objects.get(slug="graffiti")
    objects["categoryharm"] = CategoryHarm.objects.create(category=objects["category"], weight=2.0)
    objects["area"] = Area.objects.get(level=Area.Level.DISTRICT, code__endswith="1")

    # Surveys: an open wave with a response, an import and an export; a closed wave, published.
    wave = _survey("baseline", Survey.Status.OPEN)
    closed = _survey("old-wave", Survey.Status.CLOSED)
    objects.update(survey=wave, survey_closed=closed, question=wave.questions.get())
    objects["question_closed"] = closed.questions.get()
    indicator = Indicator.objects.create(
        code=INDICATOR_CODE, name_en="Perception", name_el="Αντίληψη", method="mean"
    )
    IndicatorItem.objects.create(indicator=indicator, question_code="safe_day")
    objects["indicator"] = indicator
    IndicatorEstimate.objects.create(survey=wave, indicator=indicator, n=40, estimate=3.2)
    # The closed wave's results are published: its results pages are open to everybody. Its
    # estimate is of another indicator, so that INDICATOR_CODE stays in unpublished rows only.
    published_indicator = Indicator.objects.create(
        code="published-indicator", name_en="Published", name_el="Δημοσιευμένος", method="mean"
    )
    IndicatorEstimate.objects.create(
        survey=closed, indicator=published_indicator, n=40, estimate=2.9
    )
    Survey.objects.filter(pk=closed.pk).update(results_published_at=timezone.now())
    batch = ImportBatch.objects.create(
        survey=wave, imported_by=users[ANALYST], filename="wave.csv", rows=1
    )
    objects["importbatch"] = batch
    objects["response"] = Response.objects.create(
        survey=wave,
        status=Response.Status.COMPLETE,
        source=Response.Source.IMPORT,
        group="resident",
        import_batch=batch,
        completed_at=timezone.now(),
    )
    objects["exportrecord"] = ExportRecord.objects.create(
        survey=wave, user=users[ANALYST], file_format="csv", rows=1
    )

    # The Victim Support Unit: a case of the first worker's, an intake request, and a
    # restricted case a second supervisor opened by break-glass (for ours to review).
    staff = users[VSU_STAFF]
    case = case_with_everything(staff)
    objects["case"] = case
    objects["person"] = case.person
    objects["consent"] = case.consents.first()
    objects["referral"] = case.referrals.first()
    objects["document"] = case.documents.first()
    objects["service"] = Service.objects.get(pk=objects["referral"].service_id)
    objects["intake"] = intake_request_submit(
        name=INTAKE_NAME, phone="+30 690 000 0000", email="", channel="phone"
    )
    restricted = case_with_everything(staff)
    Case.objects.filter(pk=restricted.pk).update(restricted=True)
    objects["case_restricted"] = restricted
    second_supervisor = user_with_role(Role.VSU_SUPERVISOR, email="second-supervisor@example.org")
    objects["glass"] = break_glass_open(
        case=restricted, user=second_supervisor, reason="Worker on leave, an urgent call"
    )

    _council_records(world)
    _proposal_sent(world)
    _intervention_records(world)
    _intervention_evaluated(world)

    # Rows for the Django admin's other models.
    objects["group"] = Group.objects.get(name=Role.CITIZEN.value)
    objects["authtoken"], _token = AuthToken.objects.create(users[CITIZEN])
    objects["accessattempt"] = AccessAttempt.objects.create(
        username="someone@example.org",
        ip_address="192.0.2.9",
        user_agent="test",
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/accounts/login/",
        failures_since_start=1,
    )
    objects["accesslog"] = AccessLog.objects.create(
        username=CITIZEN_EMAIL, ip_address="192.0.2.9", user_agent="test", path_info="/"
    )
    objects["accessfailurelog"] = AccessFailureLog.objects.create(
        username="someone@example.org", ip_address="192.0.2.9", user_agent="test", path_info="/"
    )
    objects["outboxtask"] = OutboxTask.objects.create(
        id=uuid.uuid4(), task_name="reports.status_email_send", args=[], kwargs={}
    )
    # An official incident, its source (with a category mapping) and its import.
    source = IncidentSource.objects.create(slug="police", name_en="Police", name_el="Αστυνομία")
    theft = Category.objects.get(slug="theft")
    CategoryMapping.objects.create(source=source, their_category="ΚΛΟΠΗ", category=theft)
    objects["incidentsource"] = source
    objects["incidentimport"] = IncidentImport.objects.create(
        source=source, imported_by=users[ANALYST], file_name="police.csv", file_sha256="0" * 64,
        file_format="csv", rows=1, created_count=1, updated_count=0, unchanged_count=0,
    )  # fmt: skip
    objects["officialincident"] = OfficialIncident.objects.create(
        source=source, external_id="P-1", their_category="ΚΛΟΠΗ", category=theft,
        occurred_at=timezone.now(), location=Point(23.64, 37.94, srid=4326),
        last_import=objects["incidentimport"],
    )  # fmt: skip
    # Accounts in the user admin: a plain citizen, a member of the unit, a superuser.
    objects["user"] = users[OTHER_CITIZEN]
    objects["user_unit"] = users[VSU_SUPERVISOR]
    objects["user_superuser"] = users[SUPERUSER]
    objects["plain_user"] = user_create(email="no-role@example.org")
    citizen_register(email="unconfirmed@example.org")
    objects["unconfirmed"] = User.objects.get(email="unconfirmed@example.org")
    return world


def _intervention_evaluated(world: World) -> None:
    """A completed intervention with a finished evaluation (version 1)."""
    from interventions.models import Evaluation, EvaluationStatus, Intervention

    intervention = Intervention.objects.create(
        reference="INT-2025-900",
        title_en="Awareness sessions in schools",
        kind="awareness",
        status="evaluated",
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 1, 31),
        organisation="Municipality of Piraeus",
        area=Area.objects.get(level=Area.Level.DISTRICT, code__endswith="2"),
        created_by=world.users[ANALYST],
    )
    Evaluation.objects.create(
        intervention=intervention,
        version=1,
        status=EvaluationStatus.DONE,
        parameters={"before_start": "2024-07-01", "sources": "reports"},
        method="Poisson difference-in-differences (area and period fixed effects)",
        result={
            "estimate": -0.2,
            "ci_low": -0.6,
            "ci_high": 0.2,
            "percent_change": -18.1,
            "percent_ci": [-45.1, 22.1],
            "comparison": {"how": "chosen", "areas": []},
            "windows": {
                "before": {"start": "2024-07-01", "end": "2024-12-31"},
                "after": {"start": "2025-02-01", "end": "2025-08-03"},
                "days": 184,
                "periods_per_window": 6,
            },
            "counts": [],
        },
        inputs={
            "format": 1,
            "columns": ["table", "unit", "role", "window", "period", "treated", "post", "count"],
            "rows": [
                {"table": "panel", "unit": "treated", "role": "treated", "window": "before"},
            ],
        },
        sms_level=3,
        requested_by=world.users[ANALYST],
        computed_at=timezone.now(),
        data_up_to=timezone.now(),
    )
    world.objects["intervention_evaluated"] = intervention


def _council_records(world: World) -> None:
    """A council the member and the secretary sit on, with a held split meeting (a public and a
    closed item, decisions, draft minutes, attendance), a planned meeting, a recommendation
    adopted with an action item and its progress, and a published strategy."""
    from councils.models import Membership, Objective, Position, Strategy
    from councils.services.actions import action_item_update, progress_update_add
    from councils.services.attendance import AttendanceEntry, attendance_record
    from councils.services.bodies import membership_save
    from councils.services.minutes import minutes_create
    from councils.services.strategy import strategy_part_save
    from tests.councils import factories

    users, objects = world.users, world.objects
    users[COUNCIL_MEMBER].display_name = COUNCIL_MEMBER_NAME
    users[COUNCIL_MEMBER].save()
    council = factories.council_create(
        slug="piraeus",
        reference_prefix="LCCP",
        area=Area.objects.get(level=Area.Level.MUNICIPALITY),
    )
    police = factories.organisation_create("police", name_en="Hellenic Police")
    seats = {}
    for actor, position in (
        (COUNCIL_SECRETARY, Position.SECRETARY),
        (COUNCIL_MEMBER, Position.MEMBER),
    ):
        seats[actor] = membership_save(
            membership=Membership(
                council=council,
                person=users[actor],
                organisation=police if actor == COUNCIL_MEMBER else factories.organisation_create(),
                position=position,
                starts_on=date(2020, 1, 1),
            )
        )
    secretary = users[COUNCIL_SECRETARY]
    held = factories.meeting_held(
        council,
        items=(
            ("Street lighting in the port area", True, "decision"),
            (CLOSED_ITEM_TEXT, False, "decision"),
        ),
    )
    attendance_record(
        meeting=held,
        by=secretary,
        entries=[AttendanceEntry(seat, "present") for seat in seats.values()],
    )
    decision = factories.decision_adopted(factories.item_of(held, public=True))
    factories.decision_adopted(factories.item_of(held, public=False), text="Patrols at night.")
    objects["minutes"] = minutes_create(
        meeting=held, by=secretary, text=DRAFT_MINUTES_TEXT, public_summary="We met."
    )
    planned = factories.meeting_planned(
        council, items=(("Opening", False, "information"),), location=Point(*CENTRE, srid=4326)
    )
    # Files: one on the planned meeting's closed item (through the service), one on the held
    # meeting's public item (its agenda is fixed now, so planted as a row and a file).
    from django.core.files.base import ContentFile

    from councils.models import AgendaAttachment
    from councils.services.meetings import agenda_attachment_add

    objects["attachment"] = agenda_attachment_add(
        item=planned.agenda_items.get(),
        by=secretary,
        title=CLOSED_ITEM_TEXT,
        file=SimpleUploadedFile("closed.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    public_file = AgendaAttachment(agenda_item=factories.item_of(held, public=True), title="Lamps")
    public_file.file.save("lamps.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    public_file.size = public_file.file.size
    public_file.save()
    objects["attachment_public"] = public_file
    recommendation = factories.recommendation_adopted(council, decision=decision)
    item = factories.action_item_with(recommendation, weight="1", owner=police)
    progress_update_add(item=item, by=secretary, on=date(2024, 1, 1), percent=30)
    # The member owns the item: they post its progress (councils:progress_update_new).
    item = action_item_update(item=item, by=secretary, owner_person=users[COUNCIL_MEMBER])
    strategy = strategy_part_save(
        part=Strategy(
            council=council,
            title_en="Safer Piraeus",
            starts_year=2020,
            ends_year=2023,
            published=True,
        )
    )
    priority = strategy.priorities.create(order=1, title_en="Feel safe at night")
    objective = strategy_part_save(
        part=Objective(
            priority=priority,
            order=1,
            title_en="Fewer incivilities",
            target_kind="report_count",
            category_group="incivility",
            baseline_year=2020,
            target_value=80,
            target_year=2023,
        )
    )
    objects.update(
        council=council,
        organisation=police,
        membership=seats[COUNCIL_MEMBER],
        meeting=planned,
        meeting_held=held,
        agendaitem=planned.agenda_items.get(),
        decision=decision,
        recommendation=recommendation,
        actionitem=item,
        strategy=strategy,
        objective=objective,
        recordchange=recommendation.changes.first(),
    )


def _proposal_sent(world: World) -> None:
    """A citizens' proposal heard at an advisory meeting and sent to the council."""
    from datetime import date

    from django.utils import timezone

    from curim.areas.models import Area
    from interventions.models import Proposal, Session

    intervention = Intervention.objects.create(
        reference="INT-2026-901",
        title_en="Advisory meetings in the 5th district",
        kind="advisory",
        status="completed",
        organisation="Municipality of Piraeus",
        area=Area.objects.get(code="piraeus-5"),
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 3, 31),
        created_by=world.users[COUNCIL_SECRETARY],
    )
    session = Session.objects.create(
        intervention=intervention,
        held_on=date(2026, 3, 10),
        place_kind="community_centre",
        place_name="Community centre of Kastella",
        facilitator="A facilitator",
    )
    world.objects["proposal_sent"] = Proposal.objects.create(
        session=session,
        text="Light the steps to the station.",
        sent_to_council_at=timezone.now(),
        sent_by=world.users[COUNCIL_SECRETARY],
    )


def _intervention_records(world: World) -> None:
    """A planned playground not yet public (with the unpublished report among its evidence and
    a photo), a completed lighting intervention (public, with a photo and a finished
    evaluation), and a planned advisory meeting with a session, its counts and a proposal."""
    from django.contrib.gis.geos import GEOSGeometry

    from interventions.models import (
        Evaluation,
        EvaluationStatus,
        InterventionKind,
        InterventionStatus,
        ParticipantGroup,
        Session,
    )
    from interventions.services.interventions import (
        intervention_status_advance,
    )
    from interventions.services.sessions import Attendance, session_save

    users, objects = world.users, world.objects
    analyst = users[ANALYST]
    district = Area.objects.get(level=Area.Level.DISTRICT, code__endswith="1")

    def made(kind: str, title: str, geometry: str | None) -> Intervention:
        return intervention_save(
            intervention=Intervention(
                title_en=title,
                kind=kind,
                organisation="Municipality of Piraeus",
                area=district,
                geometry=GEOSGeometry(geometry, srid=4326) if geometry else None,
                starts_on=date(2024, 1, 1),
                ends_on=date(2024, 6, 30),
            ),
            by=analyst,
            report_ids=[objects["report_unpublished"].pk, objects["report"].pk],
        )

    planned = made(InterventionKind.PLAYGROUND, "Playground of Kastella", "POINT (23.65 37.94)")
    done = made(
        InterventionKind.LIGHTING,
        "Lighting on the harbour road",
        "LINESTRING (23.64 37.945, 23.645 37.946)",
    )
    for step in (InterventionStatus.IN_PROGRESS, InterventionStatus.COMPLETED):
        done = intervention_status_advance(intervention=done, to=step)
    advisory = made(InterventionKind.ADVISORY, "Advisory meeting in Kaminia", None)
    session = session_save(
        session=Session(
            intervention=advisory,
            held_on=date(2024, 2, 1),
            place_kind="community_centre",
            place_name="Community centre",
            facilitator="The deputy mayor",
        ),
        attendance=[Attendance(ParticipantGroup.RESIDENTS, 25)],
        proposals=["More lights at the bus stop"],
    )
    (photo,) = intervention_photos_add(
        intervention=planned, moment=PhotoMoment.BEFORE, uploads=[_jpeg()]
    )
    (photo_public,) = intervention_photos_add(
        intervention=done, moment=PhotoMoment.AFTER, uploads=[_jpeg()]
    )
    evaluation = Evaluation.objects.create(
        intervention=done,
        version=1,
        status=EvaluationStatus.DONE,
        method="difference in differences",
        result={"estimate": -0.2, "ci_low": -0.4, "ci_high": -0.01},
        sms_level=3,
        requested_by=analyst,
    )
    objects.update(
        intervention=planned,
        intervention_public=done,
        intervention_advisory=advisory,
        session=session,
        proposal=session.proposals.get(),
        interventionphoto=photo,
        interventionphoto_public=photo_public,
        evaluation=evaluation,
    )
