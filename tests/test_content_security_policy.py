"""Every HTML page carries a Content-Security-Policy without 'unsafe-inline' or 'unsafe-eval',
and its markup needs neither: no inline script or <style> without the request's nonce, no
`style` attribute, no `on…` event-handler attribute, no `javascript:` URL.

The pages are taken from the URLconf, as in tests/test_permissions.py, each opened by the first
role that may see it (unit members with a verified second factor), and the Django admin's
pages for every registered model; so a page added tomorrow is checked the day it is added.
"""

import io
import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.template import RequestContext, Template
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from PIL import Image

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.accounts.tokens import email_confirmation_token
from curim.areas.models import Area
from curim.core.security_headers import SecurityHeadersMiddleware
from curim.reports.models import Category, Report
from curim.reports.services.conversation import comment_flag, comment_post
from curim.reports.services.submission import ReportDraft, report_submit
from curim.reports.services.workflow import report_transition
from surveys.answers import Definition, answers_parse
from surveys.models import (
    Indicator,
    IndicatorEstimate,
    Question,
    QuestionKind,
    Section,
    Survey,
)
from surveys.services.responses import response_save
from tests.factories import user_create, user_with_role
from tests.reports.conftest import report_body
from tests.victims.clients import (
    case_create,
    case_with_everything,
    enrolled,
    member,
    verified_client,
)
from victims.models import Case
from victims.services.intake import intake_request_submit
from victims.services.privacy import break_glass_open

ROOT = Path(__file__).resolve().parents[1]

# URL names that answer no HTML page to a GET from anyone, and why.
NOT_PAGES = {
    "core:healthz": "plain text for monitors",
    "accounts:logout": "POST only",
    "set_language": "POST only",
    "javascript_catalog": "a script",
    "reports:photo": "a JPEG (with its own `sandbox` policy)",
    "reports:comment_create": "POST only",
    "reports:confirm": "POST only",
    "reports:follow": "POST only",
    "reports:comment_flag": "POST only",
    "reports:moderation_act": "POST only",
    "reports:moderation_comment": "POST only",
    "councils:dashboard_report_changes_csv": "a CSV file",
    "councils:dashboard_report_counts_csv": "a CSV file",
    "councils:dashboard_night_places_csv": "a CSV file",
    "councils:dashboard_indicator_changes_csv": "a CSV file",
    "councils:dashboard_victim_support_csv": "a CSV file",
    "councils:dashboard_recommendations_csv": "a CSV file",
    "councils:dashboard_overdue_actions_csv": "a CSV file",
    "councils:dashboard_hot_cells_csv": "a CSV file",
    "councils:dashboard_risk_areas_csv": "a CSV file",
    "councils:dashboard_cyber_alerts_csv": "a CSV file",
    "councils:dashboard_forecasts_csv": "a CSV file",
    "councils:dashboard_interventions_csv": "a CSV file",
    "analytics:run_now": "POST only",
    "interventions:evaluation_emmie": "POST only",
    "interventions:evaluation_inputs": "a CSV file",
    "surveys:estimates_csv": "a CSV file",
    "surveys:changes_csv": "a CSV file",
    "surveys:results_estimates_csv": "a CSV file",
    "surveys:results_changes_csv": "a CSV file",
    "surveys:export": "a CSV or XLSX file",
    "councils:recommendations_export_csv": "a CSV file",
    "councils:recommendations_export_xlsx": "an XLSX file",
    "interventions:export_csv": "a CSV file",
    "interventions:export_xlsx": "an XLSX file",
    "victims:case_status": "POST only",
    "victims:assignment_end": "POST only",
    "victims:consent_withdraw": "POST only",
    "victims:document": "a decrypted document",
    "victims:break_glass_review": "POST only",
    "victims:person_export": "a ZIP file",
    "councils:calendar": "an iCalendar file",
    "councils:meeting_pack": "a PDF file (the agenda pack)",
    "councils:feed": "an Atom feed",
    "councils:open_data": "a ZIP file",
    "councils:manage_meeting_convene": "POST only",
    "councils:manage_meeting_status": "POST only",
    "councils:manage_item_delete": "POST only",
    "councils:manage_item_move": "POST only",
    "councils:manage_item_from_proposal": "POST only",
    "councils:manage_attachment_delete": "POST only",
    "councils:manage_attachment": "an agenda item's file, as a download",
    "councils:meeting_attachment": "an agenda item's file, as a download",
    "councils:manage_attendance_not_recorded": "POST only",
    "councils:manage_minutes_circulate": "POST only",
    "councils:manage_minutes_return": "POST only",
    "councils:manage_minutes_publish": "POST only",
    "councils:manage_minutes_comment": "POST only",
    "interventions:photo": "a JPEG (with its own `sandbox` policy)",
    "interventions:manage_status": "POST only",
    "interventions:manage_proposal_send": "POST only",
    "api_schema": "the OpenAPI document",
}
# The API answers JSON (or XML, CSV, vector tiles) only: there is no browsable HTML API.
NOT_PAGE_NAMESPACES = ("api:", "open311:")


@dataclass
class Markup(HTMLParser):
    """The inline code a page would need 'unsafe-inline' for, as a list of problems."""

    nonce: str | None
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}>")
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")
        nonce_given = values.get("nonce")
        if nonce_given is not None and nonce_given != self.nonce:
            self.problems.append(f"<{tag}> with a nonce the policy does not name")
        if tag == "script":
            src = values.get("src")
            if src is not None:
                if not _same_origin(src):
                    self.problems.append(f"<script src={src!r}> from another origin")
            # A JSON data block is never run, and CSP does not govern it.
            elif values.get("type") != "application/json" and nonce_given is None:
                self.problems.append(f"inline <script {values}> without the nonce")
        if tag == "style" and nonce_given is None:
            self.problems.append("inline <style> without the nonce")
        href = values.get("href") or ""
        if tag == "link" and "stylesheet" in (values.get("rel") or "") and not _same_origin(href):
            self.problems.append(f"stylesheet {href!r} from another origin")


def _same_origin(url: str) -> bool:
    # A template expression ({% static %}, {{ url }}) is checked once rendered, by the walk.
    return url.startswith(("/", "{%", "{{")) and not url.startswith("//")


def policy_problems(response: Any) -> list[str]:
    policy = response.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    problems = [
        f"policy has {word}" for word in ("'unsafe-inline'", "'unsafe-eval'") if word in policy
    ]
    expected = {
        "default-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
    }
    for name, sources in expected.items():
        if directives.get(name) != sources:
            problems.append(f"{name} is {directives.get(name)}, not {sources}")
    nonces = set()
    for name in ("script-src", "style-src"):
        sources = directives.get(name, [])
        if (
            not sources
            or sources[0] != "'self'"
            or any(not s.startswith("'nonce-") for s in sources[1:])
        ):
            problems.append(f"{name} is {sources}")
        nonces |= {s[len("'nonce-") : -1] for s in sources[1:]}
    if len(nonces) > 1:
        problems.append(f"several nonces: {nonces}")
    parser = Markup(nonce=next(iter(nonces), None))
    parser.feed(response.content.decode())
    return problems + parser.problems


@dataclass(frozen=True)
class Route:
    name: str
    converters: tuple[str, ...]


def _routes(patterns: list[Any], namespace: str = "") -> list[Route]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _routes(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            found.append(Route(f"{namespace}{entry.name}", tuple(entry.pattern.converters)))
    return found


ROUTES = [
    r
    for r in _routes(get_resolver().url_patterns)
    if not r.name.startswith(("admin:", *NOT_PAGE_NAMESPACES))
]


def _report(moderator: User) -> Report:
    draft = ReportDraft(
        category=Category.objects.get(slug="graffiti"),
        description="Tags sprayed on the school wall",
        occurred_at=timezone.now(),
        severity=3,
        feeling_unsafe=3,
        location=Point(23.6465, 37.9425, srid=4326),
        cyber_channel="",
        contact_email="",
    )
    report, _ = report_submit(draft=draft, reporter=None, client_address="192.0.2.44")
    report_transition(report=report, to_status="published", actor=moderator)
    return report


def _survey() -> Survey:
    survey = Survey.objects.create(
        code="baseline", title_en="Baseline", title_el="Αφετηρία", status=Survey.Status.OPEN
    )
    section = Section.objects.create(survey=survey, position=1, title_en="Safety", title_el="Α")
    Question.objects.create(
        survey=survey,
        section=section,
        code="safe_day",
        kind=QuestionKind.LIKERT,
        text_en="How safe?",
        text_el="Πόσο ασφαλής;",
    )
    return survey


@pytest.fixture
def world(piraeus: None) -> dict[str, Any]:
    moderator = user_with_role(Role.MODERATOR)
    citizen = user_with_role(Role.CITIZEN)
    report = _report(moderator)
    comment = comment_post(report=report, author=citizen, body="I saw it too")
    for _ in range(3):
        comment_flag(comment=comment, user=user_with_role(Role.CITIZEN), reason="rude")
    survey = _survey()
    unconfirmed = user_create(is_active=False)
    unconfirmed.set_unusable_password()
    unconfirmed.save()
    staff = member(Role.VSU_STAFF)
    supervisor = member(Role.VSU_SUPERVISOR)
    case = case_with_everything(staff)
    glass_case = case_with_everything(staff)
    Case.objects.filter(pk=glass_case.pk).update(restricted=True)
    glass = break_glass_open(case=glass_case, user=supervisor, reason="Worker on leave")
    behind_glass = case_create(staff)
    Case.objects.filter(pk=behind_glass.pk).update(restricted=True)
    intake = intake_request_submit(
        name="Maria", phone="+30 690 000 0000", email="", channel="phone"
    )
    assert case.person is not None
    # The council's public pages: a public meeting held, and a recommendation it adopted.
    from councils.models import AgendaItemKind, Visibility
    from tests.councils import factories as council_factories

    council = council_factories.council_create()
    public_meeting = council_factories.meeting_held(
        council,
        visibility=Visibility.PUBLIC,
        items=(("Lighting", True, AgendaItemKind.DECISION),),
    )
    # Draft minutes, for the secretary's pages of the meeting.
    from councils.services.minutes import minutes_create

    minutes_create(meeting=public_meeting, by=council_factories.secretary_of(council), text="M.")
    recommendation = council_factories.recommendation_adopted(
        council,
        decision=council_factories.decision_adopted(
            council_factories.item_of(public_meeting, public=True)
        ),
    )
    # The council's own pages: its secretary, and a member who owns an action item.
    from councils.services.actions import action_item_update

    council_secretary = council_factories.secretary_of(council)
    owner = council_factories.member_create(council).person
    action_item = action_item_update(
        item=council_factories.action_item_with(recommendation),
        by=council_secretary,
        owner_person=owner,
    )
    kwargs: dict[str, Any] = {
        "user_id": unconfirmed.public_id,
        "token": email_confirmation_token.make_token(unconfirmed),
        "uidb64": urlsafe_base64_encode(force_bytes(citizen.public_id)),
        "public_id": report.public_id,
        "code": survey.code,
        "file_format": "csv",
        "case_id": case.pk,
        "worker_id": staff.public_id,
        "consent_id": case.consents.first().pk,
        "referral_id": case.referrals.first().pk,
        "document_id": case.documents.first().pk,
        "request_id": intake.pk,
        "service_id": case.referrals.first().service_id,
        "glass_id": glass.pk,
        "person_id": case.person.pk,
        "meeting_id": public_meeting.pk,
        "order": 1,
        "reference": recommendation.reference,
        "council_slug": council.slug,
        "starts_year": 2024,
        "ends_year": 2027,
        "item_id": action_item.pk,
        "attachment_id": uuid.uuid4(),  # files are downloads, not pages (NOT_PAGES)
    }
    # A published strategy for its page; the council's secretary for the import page.
    from councils.models import Strategy
    from councils.services.strategy import strategy_part_save

    strategy_part_save(
        part=Strategy(
            council=council, title_en="Safer", starts_year=2024, ends_year=2027, published=True
        )
    )
    # A response saved to continue later: its page is reached with its resume key.
    definition = Definition.load(survey)
    partial = {"group": "resident", "district": "piraeus-1", "safe_day": "2"}
    parsed = answers_parse(definition, partial, complete=False, unknown_allowed=False)
    _saved, resume_key = response_save(survey=survey, parsed=parsed, complete=False, source="web")
    # A closed wave whose results are published, for the public results page.
    published = Survey.objects.create(
        code="published",
        title_en="Published",
        title_el="Δημοσιευμένο",
        status=Survey.Status.CLOSED,
        results_published_at=timezone.now(),
    )
    indicator = Indicator.objects.create(code="perception", name_en="P", name_el="Α")
    IndicatorEstimate.objects.create(survey=published, indicator=indicator, n=40, estimate=50.0)
    # An intervention recorded by an analyst, with a session (the intervention's pages).
    from interventions.models import Intervention, Session
    from interventions.services.interventions import intervention_save
    from interventions.services.sessions import session_save

    intervention = intervention_save(
        intervention=Intervention(
            title_en="Awareness in schools",
            kind="awareness",
            organisation="Municipality",
            area=Area.objects.filter(level=Area.Level.DISTRICT).first(),
        ),
        by=user_with_role(Role.ANALYST),
    )
    session = session_save(
        session=Session(
            intervention=intervention,
            held_on=date(2026, 1, 10),
            place_kind="school",
            place_name="School",
            facilitator="Police",
        ),
        attendance=[],
    )
    by_intervention = {"reference": intervention.reference}
    # A completed intervention with a finished evaluation, for the evaluation's pages.
    from tests.interventions.evaluation_world import finished_evaluation, intervention_make

    evaluated = intervention_make(area_code="piraeus-2")
    finished_evaluation(evaluated)
    at_intervention = {"reference": evaluated.reference, "version": 1}
    overrides: dict[str, dict[str, Any]] = {
        **{
            f"interventions:{name}": by_intervention
            for name in (
                "detail",
                "manage_edit",
                "manage_status",
                "manage_photos",
                "manage_session_new",
            )
        },
        "interventions:manage_session_edit": {**by_intervention, "session_id": session.pk},
        # POST only (NOT_PAGES): any id fills the route.
        "councils:manage_item_from_proposal": {
            **kwargs,
            "proposal_id": uuid.UUID(int=1),
        },
        "interventions:evaluate": at_intervention,
        "interventions:evaluation": at_intervention,
        "interventions:evaluation_emmie": at_intervention,
        "interventions:evaluation_inputs": at_intervention,
        "surveys:results_wave": {"code": published.code},
        "victims:break_glass": {"case_id": behind_glass.pk},
        "accounts:password_reset_confirm": {"token": default_token_generator.make_token(citizen)},
    }
    admin_client = verified_client(user_with_role(Role.ADMIN))  # the admin asks for it
    return {
        "kwargs": kwargs,
        "overrides": overrides,
        "queries": {"surveys:saved": f"?resume={resume_key}"},
        "clients": [
            Client(),
            _logged_in(citizen),
            _logged_in(moderator),
            _logged_in(user_with_role(Role.COUNCIL_MEMBER)),
            _logged_in(council_factories.secretary_of(council)),
            _logged_in(user_with_role(Role.ANALYST)),
            admin_client,
            verified_client(supervisor),
            verified_client(staff),
            # A unit member who has enrolled a device but not yet given today's code.
            _logged_in(enrolled(member(Role.VSU_STAFF)).user),
            _logged_in(council_secretary),
            _logged_in(owner),
        ],
        "admin": admin_client,
        "superuser": verified_client(User.objects.create_superuser("root@example.org", "x" * 12)),
    }


def _logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _path(route: Route, world: dict[str, Any]) -> str:
    values = {**world["kwargs"], **world["overrides"].get(route.name, {})}
    path = reverse(route.name, kwargs={name: values[name] for name in route.converters})
    query: str = world.get("queries", {}).get(route.name, "")
    return path + query


def _first_page(path: str, clients: list[Client]) -> Any:
    """The first 200 answer to a GET of `path`, trying each client in turn."""
    for client in clients:
        response = client.get(path)
        if response.status_code == 200:
            return response
    return None


def test_every_html_page_carries_the_policy_and_needs_no_inline_code(
    world: dict[str, Any],
) -> None:
    checked, problems, unreachable = [], {}, []
    for route in ROUTES:
        path = _path(route, world)
        response = _first_page(path, world["clients"])
        if response is None or not response["Content-Type"].startswith("text/html"):
            if route.name not in NOT_PAGES:
                unreachable.append(route.name)
            continue
        checked.append(route.name)
        if found := policy_problems(response):
            problems[path] = found
    assert problems == {}
    # Every page was opened, so the fixture's identifiers and roles still fit the URLconf.
    assert unreachable == [], unreachable
    assert set(checked).isdisjoint(NOT_PAGES), set(checked) & set(NOT_PAGES)
    assert {"core:home", "reports:map", "api_docs", "victims:case", "victims:help"} <= set(checked)


def _admin_paths(model: type[Model]) -> list[str]:
    opts = model._meta
    paths = [
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_add"),
    ]
    instance = model._default_manager.order_by("pk").first()
    if instance is not None:
        for view in ("change", "history", "delete"):
            paths.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[instance.pk])
            )
    return paths


def test_every_admin_page_carries_the_policy_and_needs_no_inline_code(
    world: dict[str, Any],
) -> None:
    paths = [reverse("admin:index"), reverse("admin:password_change")]
    paths += [reverse("admin:app_list", args=[m._meta.app_label]) for m in admin.site._registry]
    for model in admin.site._registry:
        paths += _admin_paths(model)
    checked, problems = [], {}
    for path in dict.fromkeys(paths):
        # The admin role first; the superuser for what the role may not do (adding users…).
        response = _first_page(path, [world["admin"], world["superuser"]])
        if response is None:
            continue
        checked.append(path)
        if found := policy_problems(response):
            problems[path] = found
    assert problems == {}
    area = Area.objects.order_by("pk").first()
    assert reverse("admin:areas_area_change", args=[area.pk]) in checked
    assert len(checked) > 60


def test_the_nonce_is_new_on_each_request_and_named_only_when_used(
    world: dict[str, Any],
) -> None:
    area = Area.objects.order_by("pk").first()
    path = reverse("admin:areas_area_change", args=[area.pk])
    nonces = []
    for _ in range(2):
        response = world["admin"].get(path)
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
        assert nonce, response["Content-Security-Policy"]
        # The map widget's inline scripts carry it.
        assert f'nonce="{nonce.group(1)}"' in response.content.decode()
        nonces.append(nonce.group(1))
    assert nonces[0] != nonces[1]
    # A page without inline code names no nonce: the plain 'self' policy.
    assert "nonce" not in Client().get("/")["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_map_tile_host_may_serve_images_and_nothing_else(settings: Any) -> None:
    settings.MAP_TILE_URL = "https://{s}.tiles.example.net/{z}/{x}/{y}.png"
    policy = Client().get(reverse("reports:map"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["img-src"] == "'self' data: blob: https://*.tiles.example.net"
    assert policy.count("tiles.example.net") == 1
    # Tiles on our own origin need nothing more than 'self'.
    settings.MAP_TILE_URL = "/static/img/blank-tile.png?{z}{x}{y}"
    policy = Client().get(reverse("reports:map"))["Content-Security-Policy"]
    assert "img-src 'self' data: blob:;" in policy


def test_a_photo_keeps_its_own_sandbox_policy(piraeus: None, client: Client) -> None:
    image = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(image, format="JPEG")
    upload = SimpleUploadedFile("photo.jpg", image.getvalue(), "image/jpeg")
    response = client.post("/api/v1/reports/", {**report_body(), "photos": [upload]})
    report = Report.objects.get(public_id=response.json()["id"])
    report_transition(report=report, to_status="published", actor=user_with_role(Role.MODERATOR))
    response = client.get(reverse("reports:photo", args=[report.photos.get().public_id]))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.django_db
def test_every_response_carries_the_permissions_policy() -> None:
    for path in ("/", reverse("reports:new"), reverse("api:category_list"), "/jsi18n/"):
        policy = Client().get(path)["Permissions-Policy"]
        features = dict(item.strip().split("=", 1) for item in policy.split(","))
        # Only the report form's "use my location" needs a powerful feature, on our own pages.
        assert features["geolocation"] == "(self)"
        for feature in ("camera", "microphone", "payment", "usb", "interest-cohort"):
            assert features[feature] == "()", feature
        assert [f for f, allowed in features.items() if allowed != "()"] == ["geolocation"]


def test_no_template_of_ours_holds_inline_code() -> None:
    # Templates rendered only on rare paths (a lockout, a refusal) are checked here as text.
    problems = {}
    for template in sorted((ROOT / "templates").rglob("*.html")):
        parser = Markup(nonce="{{ csp_nonce }}")
        parser.feed(template.read_text())
        if parser.problems:
            problems[str(template.relative_to(ROOT))] = parser.problems
    assert problems == {}


@pytest.mark.django_db
def test_a_form_refused_by_the_csrf_check_is_our_page_under_the_policy() -> None:
    # Django's own page for this is styled inline; ours is not.
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "a@example.org"})
    assert response.status_code == 403
    assert policy_problems(response) == []
    assert "The form could not be sent" in response.content.decode()


def test_a_template_writes_the_nonce_that_the_header_names(rf: RequestFactory) -> None:
    # Templates get it from the context processor, as `nonce="{{ csp_nonce }}"`.
    def view(request: HttpRequest) -> HttpResponse:
        template = Template('<script nonce="{{ csp_nonce }}">start()</script>')
        return HttpResponse(template.render(RequestContext(request)))

    response = SecurityHeadersMiddleware(view)(rf.get("/"))
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce, response["Content-Security-Policy"]
    assert response.content.decode() == f'<script nonce="{nonce.group(1)}">start()</script>'
