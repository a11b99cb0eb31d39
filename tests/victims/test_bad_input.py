"""Bad input to the unit's pages, API and services: a clear 400 or a form error saying what is
wrong, never a 500, and nothing saved half-way. Free texts have limits."""

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from curim.accounts.models import User
from tests.victims.clients import verified_client
from tests.victims.factories import case_create, moments_ago, upload
from victims.models import (
    AccessLog,
    Case,
    CaseStatusChange,
    Channel,
    ClosureOutcome,
    ConsentScope,
    IntakeRequest,
    Person,
    Service,
    Status,
    SupportKind,
    SupportSession,
)
from victims.models.limits import (
    CONTACT_NOTES_MAX,
    NAME_MAX,
    NOTES_MAX,
    REASON_MAX,
    TITLE_MAX,
)
from victims.services import cases as case_services
from victims.services import intake as intake_services
from victims.services import privacy, support
from victims.services.intake import intake_request_submit

pytestmark = pytest.mark.django_db


def _session_data(**changes: Any) -> dict[str, Any]:
    return {
        "kind": SupportKind.LEGAL,
        "channel": "in_person",
        "held_at": moments_ago().isoformat(),
        "duration_minutes": 30,
        "notes": "",
        **changes,
    }


def _api_session(client: Client, case: Case, data: dict[str, Any]) -> Any:
    # json.dumps escapes a lone surrogate as "\ud800", as any JSON client would send it.
    return client.post(
        reverse("api:vsu_session_create", args=[case.pk]),
        json.dumps(data),
        content_type="application/json",
    )


# --- lone surrogates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("kind", "\ud800", id="kind"),
        pytest.param("channel", "\udfff", id="channel"),
        pytest.param("kind", {"a": "\ud800"}, id="kind-nested"),
        pytest.param("notes", "before\ud800after", id="notes"),
    ],
)
def test_the_api_answers_400_to_a_lone_surrogate_in_a_session(
    worker: User, case: Case, field: str, value: Any
) -> None:
    client = verified_client(worker)
    client.raise_request_exception = False

    response = _api_session(client, case, _session_data(**{field: value}))

    assert response.status_code == 400
    assert field in response.json()
    assert not SupportSession.objects.exists()


def test_the_session_form_answers_400_to_undecodable_bytes(worker: User, case: Case) -> None:
    client = verified_client(worker)
    client.raise_request_exception = False
    # The UTF-8-style bytes of U+D800, which no browser sends but anyone can.
    body = "kind=%ED%A0%80&channel=%ED%A0%80&held_at=2024-01-01T10%3A00&duration_minutes=5"

    response = client.post(
        reverse("victims:session_new", args=[case.pk]),
        body,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert {"kind", "channel"} <= set(response.context["form"].errors)
    assert not SupportSession.objects.exists()


# --- the intake page without an action ------------------------------------------------------


def test_an_intake_post_with_neither_action_says_so(worker: User) -> None:
    intake = intake_request_submit(
        name="Maria", phone="+30 690 000 0000", email="", channel="phone"
    )
    client = verified_client(worker)
    client.raise_request_exception = False

    response = client.post(reverse("victims:intake_detail", args=[intake.pk]), {"other": "1"})

    assert response.status_code == 400
    assert "Choose whether to open a case or close the request." in response.content.decode()
    assert IntakeRequest.objects.get(pk=intake.pk).state == IntakeRequest.State.NEW
    assert not Case.objects.exists()


# --- length limits --------------------------------------------------------------------------


def test_the_session_form_refuses_notes_over_the_limit_and_says_the_limit(
    worker: User, case: Case
) -> None:
    client = verified_client(worker)
    url = reverse("victims:session_new", args=[case.pk])
    assert f"Up to {NOTES_MAX} characters." in client.get(url).content.decode()
    data = {**_session_data(notes="x" * (NOTES_MAX + 1)), "held_at": "2024-01-01T10:00"}

    response = client.post(url, data)

    assert response.status_code == 400
    assert "notes" in response.context["form"].errors
    assert not SupportSession.objects.exists()
    assert client.post(url, {**data, "notes": "x" * NOTES_MAX}).status_code == 302


@pytest.mark.parametrize("size", [NOTES_MAX + 1, 1_000_000])
def test_the_api_refuses_session_notes_over_the_limit_per_field(
    worker: User, case: Case, size: int
) -> None:
    response = _api_session(verified_client(worker), case, _session_data(notes="n" * size))
    assert response.status_code == 400
    assert list(response.json()) == ["notes"]
    assert not SupportSession.objects.exists()


def test_the_case_forms_refuse_a_summary_over_the_limit(worker: User, case: Case) -> None:
    client = verified_client(worker)
    url = reverse("victims:case_edit", args=[case.pk])
    page = client.get(url).content.decode()
    assert f"Up to {NOTES_MAX} characters." in page
    response = client.post(
        url,
        {
            "person-full_name": "Test Person",
            "case-offence_type": case.offence_type,
            "case-risk_level": case.risk_level,
            "case-summary": "s" * (NOTES_MAX + 1),
        },
    )
    assert response.status_code == 400
    assert "summary" in response.context["case_form"].errors
    assert Case.objects.get(pk=case.pk).summary == ""


def _big(limit: int) -> str:
    return "x" * (limit + 1)


SERVICE_CALLS: list[Any] = [
    pytest.param(
        lambda case, by: support.session_record(
            case=case,
            by=by,
            kind=SupportKind.LEGAL,
            channel="in_person",
            held_at=moments_ago(),
            duration_minutes=5,
            notes=_big(NOTES_MAX),
        ),
        "notes",
        id="session-notes",
    ),
    pytest.param(
        lambda case, by: case_services.case_status_change(
            case=case, by=by, to_status=Status.ASSESSMENT, note=_big(REASON_MAX)
        ),
        "note",
        id="status-note",
    ),
    pytest.param(
        lambda case, by: case_services.case_close(
            case=case, by=by, outcome=ClosureOutcome.COMPLETED, notes=_big(NOTES_MAX)
        ),
        "notes",
        id="closing-notes",
    ),
    pytest.param(
        lambda case, by: case_services.case_details_update(
            case=case, by=by, fields={"summary": _big(NOTES_MAX)}
        ),
        "summary",
        id="summary",
    ),
    pytest.param(
        lambda case, by: case_services.case_details_update(
            case=case, by=by, fields={"referring_organisation": _big(NAME_MAX)}
        ),
        "referring_organisation",
        id="organisation",
    ),
    pytest.param(
        lambda case, by: case_services.person_update(
            person=case.person, by=by, case=case, fields={"full_name": _big(NAME_MAX)}
        ),
        "full_name",
        id="person-name",
    ),
    pytest.param(
        lambda case, by: case_services.person_update(
            person=case.person,
            by=by,
            case=case,
            fields={"safe_contact": {"notes": _big(CONTACT_NOTES_MAX)}},
        ),
        "safe_contact",
        id="safe-contact-notes",
    ),
    pytest.param(
        lambda case, by: support.document_add(
            case=case, by=by, title=_big(TITLE_MAX), upload=upload(b"page")
        ),
        "title",
        id="document-title",
    ),
]


@pytest.mark.parametrize(("call", "field"), SERVICE_CALLS)
def test_the_services_refuse_text_over_its_limit_naming_the_field(
    worker: User, case: Case, call: Callable[[Case, User], object], field: str
) -> None:
    rows = (SupportSession.objects.count(), CaseStatusChange.objects.count())
    logged = AccessLog.objects.count()
    with pytest.raises(ValidationError) as caught:
        call(case, worker)
    assert field in caught.value.message_dict
    assert (SupportSession.objects.count(), CaseStatusChange.objects.count()) == rows
    assert AccessLog.objects.count() == logged
    fresh = Case.objects.select_related("person").get(pk=case.pk)
    assert (fresh.status, fresh.summary, fresh.referring_organisation) == (Status.INTAKE, "", "")
    assert isinstance(fresh.person, Person)
    assert fresh.person.full_name == "Test Person"
    assert fresh.person.safe_contact["notes"] == ""


def test_reasons_over_the_limit_are_refused(worker: User, supervisor: User) -> None:
    restricted = case_create(by=worker, restricted=True)
    with pytest.raises(ValidationError) as glass:
        privacy.break_glass_open(case=restricted, user=supervisor, reason=_big(REASON_MAX))
    assert "reason" in glass.value.message_dict
    intake = intake_request_submit(
        name="Maria", phone="+30 690 000 0000", email="", channel="phone"
    )
    with pytest.raises(ValidationError) as decline:
        intake_services.intake_decline(request=intake, by=worker, reason=_big(REASON_MAX))
    assert "reason" in decline.value.message_dict
    assert restricted.person is not None
    with pytest.raises(ValidationError) as erase:
        privacy.person_erase(person=restricted.person, by=supervisor, reason=_big(REASON_MAX))
    assert "reason" in erase.value.message_dict
    assert not AccessLog.objects.filter(
        action__in=[AccessLog.Action.BREAK_GLASS, AccessLog.Action.ERASE]
    ).exists()
    assert IntakeRequest.objects.get(pk=intake.pk).state == IntakeRequest.State.NEW


def test_the_directory_refuses_service_notes_over_the_limit(supervisor: User) -> None:
    client = verified_client(supervisor)
    response = client.post(
        reverse("victims:service_new"),
        {"name_en": "Shelter", "kind": "shelter", "notes": _big(REASON_MAX)},
    )
    assert response.status_code == 400
    assert "notes" in response.context["form"].errors
    assert not Service.objects.exists()


# --- times before the case, and years a database cannot hold --------------------------------


def test_a_session_of_the_year_1_is_refused_and_the_case_page_still_opens(
    worker: User, case: Case
) -> None:
    # Stored, a time of the year 1 in Athens (UTC+1:34:52 then) is a BC timestamp that no
    # later read of the case could turn back into a date-time: its page would fail for good.
    client = verified_client(worker)
    client.raise_request_exception = False
    form = client.post(
        reverse("victims:session_new", args=[case.pk]),
        {**_session_data(held_at="0001-01-01T00:00")},
    )
    assert form.status_code == 400
    assert "held_at" in form.context["form"].errors
    for held_at in ("0001-01-01T00:00:00", "0001-01-01T00:00:00+05:00"):
        answer = _api_session(client, case, _session_data(held_at=held_at))
        assert answer.status_code == 400, held_at
        assert "held_at" in answer.json()
    assert not SupportSession.objects.exists()
    assert client.get(reverse("victims:case", args=[case.pk])).status_code == 200


def test_a_session_more_than_a_day_before_the_case_s_intake_is_refused(worker: User) -> None:
    case = case_create(by=worker, intake_date=datetime.date(2026, 3, 10))
    day_before = timezone.make_aware(datetime.datetime(2026, 3, 8, 23, 59))
    with pytest.raises(ValidationError) as refused:
        support.session_record(
            case=case,
            by=worker,
            kind=SupportKind.LEGAL,
            channel="in_person",
            held_at=day_before,
            duration_minutes=5,
        )
    assert "a day before" in refused.value.message_dict["held_at"][0]
    assert not SupportSession.objects.exists()
    first_call = timezone.make_aware(datetime.datetime(2026, 3, 9, 0, 0))  # the day before
    support.session_record(
        case=case,
        by=worker,
        kind=SupportKind.LEGAL,
        channel="in_person",
        held_at=first_call,
        duration_minutes=5,
    )


@pytest.mark.parametrize("intake", ["0001-01-01", "1899-12-31"])
def test_an_intake_date_before_1900_is_refused(worker: User, intake: str) -> None:
    client = verified_client(worker)
    response = client.post(
        reverse("victims:case_new"),
        {
            "person-full_name": "Anna K.",
            "case-intake_date": intake,
            "case-source": "walk_in",
            "case-offence_type": "assault",
            "case-risk_level": "high",
            "case-profession": "psychologist",
        },
    )
    assert response.status_code == 400
    assert "1900" in str(response.context["case_form"].errors["intake_date"])
    assert not Case.objects.exists()
    assert not Person.objects.exists()


def test_a_consent_more_than_a_day_before_the_case_s_intake_is_refused(worker: User) -> None:
    # Backdated, it would make earlier contacts look allowed; the first call may come the day
    # before the case is opened, and the consent to call back with it.
    case = case_create(by=worker, intake_date=datetime.date(2026, 3, 10))
    with pytest.raises(ValidationError) as refused:
        support.consent_record(
            case=case,
            by=worker,
            scope=ConsentScope.CONTACT,
            channel=Channel.PHONE,
            given_at=timezone.make_aware(datetime.datetime(2026, 3, 8, 23, 59)),
        )
    assert "a day before" in refused.value.message_dict["given_at"][0]
    first_call = timezone.make_aware(datetime.datetime(2026, 3, 9, 23, 30))
    support.consent_record(
        case=case, by=worker, scope=ConsentScope.CONTACT, channel=Channel.PHONE, given_at=first_call
    )
    support.session_record(
        case=case,
        by=worker,
        kind=SupportKind.LEGAL,
        channel=Channel.PHONE,
        held_at=first_call + datetime.timedelta(minutes=5),
        duration_minutes=20,
    )
