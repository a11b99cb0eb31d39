"""The unit's daily work through its pages: each read and change leaves a trace."""

import datetime
import io
import json
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from curim.accounts.roles import Role
from tests.factories import user_with_role
from tests.victims.clients import case_create, member, service_create, verified_client
from victims.models import (
    AccessLog,
    Case,
    Consent,
    Document,
    IntakeRequest,
    Person,
    Referral,
    Status,
    SupportSession,
)
from victims.services.intake import intake_decline, intake_request_submit

pytestmark = pytest.mark.django_db


def _log(action: str, case: Case | None = None) -> int:
    rows = AccessLog.objects.filter(action=action)
    return rows.filter(case_id=case.pk).count() if case else rows.count()


def _now_field() -> str:
    return timezone.localtime(timezone.now() - datetime.timedelta(hours=1)).strftime(
        "%Y-%m-%dT%H:%M"
    )


def test_a_case_worker_opens_a_case_from_the_form() -> None:
    staff = member()
    client = verified_client(staff)
    response = client.post(
        reverse("victims:case_new"),
        {
            "person-full_name": "Anna K.",
            "person-phone": "6901112222",
            "person-calls_until": "18:00",
            "person-no_sms": "on",
            "case-intake_date": timezone.localdate().isoformat(),
            "case-source": "walk_in",
            "case-offence_type": "domestic_violence",
            "case-risk_level": "high",
            "case-profession": "psychologist",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("victims:case", args=[case.pk])
    assert case.person is not None
    assert case.person.full_name == "Anna K."
    assert case.person.safe_contact["no_sms"] is True
    assert case.person.safe_contact["calls_until"] == "18:00"
    assert case.assignments.get().worker == staff
    assert _log("create", case) == 1


def test_a_bad_case_form_says_what_is_wrong_and_saves_nothing() -> None:
    client = verified_client(member())
    response = client.post(
        reverse("victims:case_new"),
        {
            "person-full_name": "",
            "person-email": "not-an-address",
            "person-date_of_birth": "2999-01-01",
            "person-calls_from": "19:00",
            "person-calls_until": "18:00",
            "case-intake_date": "yesterday",
            "case-source": "organisation",
            "case-offence_type": "nonsense",
            "case-profession": "",
        },
    )
    assert response.status_code == 400
    form_errors = {**response.context["person_form"].errors, **response.context["case_form"].errors}
    assert {
        "full_name",
        "email",
        "date_of_birth",
        "calls_until",
        "intake_date",
        "offence_type",
        "profession",
    } <= set(form_errors)
    assert not Case.objects.exists()
    assert not Person.objects.exists()


def test_the_case_page_shows_the_timeline_and_logs_the_read() -> None:
    staff = member()
    case = case_create(staff)
    client = verified_client(staff)
    response = client.get(reverse("victims:case", args=[case.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert "Eleni Papadopoulou" in body
    assert 'id="timeline"' in body
    entry = AccessLog.objects.get(action="view", case_id=case.pk)
    assert entry.user_email == staff.email
    assert entry.detail == "case page"


def test_the_list_logs_every_case_it_shows() -> None:
    staff = member()
    shown = [case_create(staff), case_create(staff)]
    hidden = case_create(member())
    response = verified_client(staff).get(reverse("victims:cases"))
    assert response.status_code == 200
    entry = AccessLog.objects.get(action="list")
    assert set(entry.cases) == {c.pk for c in shown}
    assert hidden.reference not in response.content.decode()


def test_a_bad_filter_answers_400_not_500() -> None:
    response = verified_client(member()).post(reverse("victims:cases"), {"status": "nonsense"})
    assert response.status_code == 400


def test_the_case_search_is_posted_so_no_name_reaches_a_url() -> None:
    staff = member()
    case = case_create(staff)
    client = verified_client(staff)
    page = client.get(reverse("victims:cases")).content.decode()
    assert '<form method="post" novalidate id="case-filters"' in page

    found = client.post(reverse("victims:cases"), {"q": case.reference.lower()})
    typed_a_name = client.post(reverse("victims:cases"), {"q": "Papadopoulou"})

    assert found.status_code == 200
    assert list(found.context["page"].object_list) == [case]
    assert typed_a_name.status_code == 200
    assert list(typed_a_name.context["page"].object_list) == []
    assert "Papadopoulou" not in str(AccessLog.objects.values_list("detail", flat=True))


def test_filters_in_the_url_are_not_read() -> None:
    staff = member()
    case_create(staff)
    response = verified_client(staff).get(reverse("victims:cases"), {"q": "Papadopoulou"})
    assert response.status_code == 200
    assert not response.context["form"].is_bound
    assert len(response.context["page"].object_list) == 1
    assert AccessLog.objects.get(action="list").detail == "open cases"


def test_the_pages_of_a_search_are_posted_too() -> None:
    staff = member()
    for _ in range(51):
        case_create(staff)
    client = verified_client(staff)
    first = client.post(reverse("victims:cases"), {"status": "intake"})
    body = first.content.decode()
    assert 'name="page" value="2"' in body
    assert "?page=" not in body
    second = client.post(reverse("victims:cases"), {"status": "intake", "page": "2"})
    assert len(second.context["page"].object_list) == 1


def test_a_session_by_phone_needs_consent_then_goes_through() -> None:
    staff = member()
    # Opened yesterday, so that consent given two hours ago never predates the intake (after
    # midnight, two hours ago is yesterday).
    case = case_create(staff, intake_date=timezone.localdate() - datetime.timedelta(days=1))
    client = verified_client(staff)
    data = {
        "kind": "social",
        "channel": "phone",
        "held_at": _now_field(),
        "duration_minutes": "20",
        "notes": "Called to arrange a meeting.",
    }
    refused = client.post(reverse("victims:session_new", args=[case.pk]), data)
    assert refused.status_code == 400
    assert "no active consent" in str(refused.context["form"].errors["channel"])
    assert not SupportSession.objects.exists()
    given = timezone.localtime(timezone.now() - datetime.timedelta(hours=2))
    client.post(
        reverse("victims:consent_new", args=[case.pk]),
        {"scope": "contact", "channel": "phone", "given_at": given.strftime("%Y-%m-%dT%H:%M")},
    )
    accepted = client.post(reverse("victims:session_new", args=[case.pk]), data)
    assert accepted.status_code == 302
    assert SupportSession.objects.get().notes == "Called to arrange a meeting."


def test_session_form_errors_are_per_field() -> None:
    staff = member()
    case = case_create(staff)
    response = verified_client(staff).post(
        reverse("victims:session_new", args=[case.pk]),
        {"kind": "magic", "channel": "in_person", "held_at": "soon", "duration_minutes": "0"},
    )
    assert response.status_code == 400
    assert {"kind", "held_at", "duration_minutes"} <= set(response.context["form"].errors)


def test_a_referral_after_consent_and_withdrawal_cancels_it() -> None:
    staff = member()
    case = case_create(staff)
    service = service_create()
    client = verified_client(staff)
    refused = client.post(reverse("victims:referral_new", args=[case.pk]), {"service": service.pk})
    assert refused.status_code == 400
    assert not Referral.objects.exists()
    client.post(
        reverse("victims:consent_new", args=[case.pk]), {"scope": "referral", "service": service.pk}
    )
    consent = Consent.objects.get(scope="referral")
    assert consent.text.version == "2026-1"
    assert (
        client.post(
            reverse("victims:referral_new", args=[case.pk]), {"service": service.pk}
        ).status_code
        == 302
    )
    client.post(reverse("victims:consent_withdraw", args=[case.pk, consent.pk]))
    referral = Referral.objects.get()
    assert referral.status == "cancelled"
    assert referral.outcome == "consent_withdrawn"


def test_a_document_is_stored_encrypted_and_its_download_is_logged(settings: Any) -> None:
    staff = member()
    case = case_create(staff)
    client = verified_client(staff)
    upload = SimpleUploadedFile("statement.txt", b"my written statement")
    response = client.post(
        reverse("victims:document_new", args=[case.pk]), {"title": "Statement", "file": upload}
    )
    assert response.status_code == 302
    document = Document.objects.get()
    raw = (settings.VSU_DOCUMENT_ROOT / document.file.name).read_bytes()
    assert b"statement" not in raw
    download = client.get(reverse("victims:document", args=[case.pk, document.pk]))
    assert b"".join(download.streaming_content) == b"my written statement"  # type: ignore[attr-defined]
    assert "no-store" in download["Cache-Control"]
    assert _log("download", case) == 1


def test_an_oversized_or_empty_document_is_refused(settings: Any) -> None:
    settings.VSU_DOCUMENT_MAX_BYTES = 10
    staff = member()
    case = case_create(staff)
    client = verified_client(staff)
    for content in (b"", b"x" * 11):
        response = client.post(
            reverse("victims:document_new", args=[case.pk]),
            {"title": "Big", "file": SimpleUploadedFile("a.txt", content)},
        )
        assert response.status_code == 400
    assert not Document.objects.exists()


def test_the_document_limit_counts_every_file_of_the_request(settings: Any) -> None:
    # The form takes one file: several, each under the limit, are not all held in memory.
    settings.VSU_DOCUMENT_MAX_BYTES = 10
    staff = member()
    case = case_create(staff)
    response = verified_client(staff).post(
        reverse("victims:document_new", args=[case.pk]),
        {
            "title": "Two",
            "file": SimpleUploadedFile("a.txt", b"x" * 6),
            "other": SimpleUploadedFile("b.txt", b"y" * 6),
        },
    )
    assert response.status_code == 400
    assert "larger than" in str(response.context["form"].errors["file"])
    assert not Document.objects.exists()


def test_an_outsider_s_upload_meets_the_role_check_before_the_token_check() -> None:
    # The token check reads the body (the files, into memory): an outsider is refused first.
    case = case_create(member())
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_with_role(Role.CITIZEN))
    response = client.post(
        reverse("victims:document_new", args=[case.pk]),
        {"title": "x", "file": SimpleUploadedFile("a.txt", b"x")},
    )
    assert response.status_code == 404
    assert not Document.objects.exists()


def test_stages_move_one_at_a_time_and_closing_needs_an_outcome() -> None:
    staff = member()
    case = case_create(staff)
    client = verified_client(staff)
    skip = client.post(reverse("victims:case_status", args=[case.pk]), {"to_status": "active"})
    assert skip.status_code == 400
    client.post(reverse("victims:case_status", args=[case.pk]), {"to_status": "assessment"})
    assert Case.objects.get().status == Status.ASSESSMENT
    assert (
        client.post(reverse("victims:case_close", args=[case.pk]), {"outcome": ""}).status_code
        == 400
    )
    client.post(reverse("victims:case_close", args=[case.pk]), {"outcome": "completed"})
    closed = Case.objects.get()
    assert closed.status == Status.CLOSED
    assert closed.closed_at is not None
    assert [c.to_status for c in closed.status_changes.all()] == ["intake", "assessment", "closed"]


def test_a_supervisor_breaks_the_glass_of_a_restricted_case() -> None:
    staff = member()
    supervisor = member(Role.VSU_SUPERVISOR)
    case = case_create(staff, restricted=True)
    client = verified_client(supervisor)
    assert client.get(reverse("victims:case", args=[case.pk])).status_code == 404
    form = client.get(reverse("victims:break_glass", args=[case.pk]))
    assert form.status_code == 200
    assert "Eleni" not in form.content.decode()
    short = client.post(reverse("victims:break_glass", args=[case.pk]), {"reason": "need"})
    assert short.status_code == 400
    client.post(
        reverse("victims:break_glass", args=[case.pk]),
        {"reason": "The assigned worker is ill and the person called in distress."},
    )
    assert client.get(reverse("victims:case", args=[case.pk])).status_code == 200
    flagged = AccessLog.objects.filter(case_id=case.pk, break_glass=True)
    assert set(flagged.values_list("action", flat=True)) == {"break_glass", "view"}
    dashboard = verified_client(member(Role.VSU_SUPERVISOR)).get(reverse("victims:dashboard"))
    assert case.reference in dashboard.content.decode()


def test_supervisors_review_the_log_per_case_and_per_user() -> None:
    staff = member()
    supervisor = member(Role.VSU_SUPERVISOR)
    case = case_create(staff)
    other = case_create(staff)
    verified_client(staff).get(reverse("victims:case", args=[case.pk]))
    client = verified_client(supervisor)
    by_case = client.get(reverse("victims:audit"), {"case": case.reference})
    rows = list(by_case.context["page"].object_list)
    assert rows
    assert all(r.case_reference == case.reference for r in rows)
    by_user = client.get(reverse("victims:audit"), {"user": staff.email})
    assert {r.user_email for r in by_user.context["page"].object_list} == {staff.email}
    assert other.reference in by_user.content.decode()
    assert _log("audit") == 2


def test_subject_access_export_holds_everything_and_is_logged() -> None:
    staff = member()
    supervisor = member(Role.VSU_SUPERVISOR)
    case = case_create(staff)
    assert case.person is not None
    response = verified_client(supervisor).get(
        reverse("victims:person_export", args=[case.person.pk])
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    record = json.loads(archive.read("person.json"))
    assert record["person"]["full_name"] == "Eleni Papadopoulou"
    assert record["cases"][0]["reference"] == case.reference
    assert _log("export", case) == 1


def test_erasure_needs_confirmation_then_removes_the_person() -> None:
    staff = member()
    supervisor = member(Role.VSU_SUPERVISOR)
    case = case_create(staff)
    assert case.person is not None
    client = verified_client(supervisor)
    url = reverse("victims:person_erase", args=[case.person.pk])
    refused = client.post(
        url, {"reason": "The person asked in writing on 2026-11-20.", "confirm": "no"}
    )
    assert refused.status_code == 400
    assert Person.objects.exists()
    client.post(url, {"reason": "The person asked in writing on 2026-11-20.", "confirm": "ERASE"})
    assert not Person.objects.exists()
    assert not Case.objects.exists()
    assert _log("erase", case) == 1


def test_a_citizen_asks_for_support_and_the_unit_opens_a_case(client: Any) -> None:
    response = client.post(
        reverse("victims:support_request"),
        {
            "name": "Sofia",
            "channel": "phone",
            "phone": "6900000001",
            "agree": "on",
            "safe_times": "mornings",
        },
    )
    assert response.status_code == 302
    intake = IntakeRequest.objects.get()
    staff = member()
    staff_client = verified_client(staff)
    page = staff_client.get(reverse("victims:intake_detail", args=[intake.pk]))
    assert "Sofia" in page.content.decode()
    opened = staff_client.post(
        reverse("victims:intake_detail", args=[intake.pk]),
        {
            "open": "1",
            "offence_type": "harassment",
            "risk_level": "low",
            "profession": "social_worker",
        },
    )
    case = Case.objects.get()
    assert opened["Location"] == reverse("victims:case", args=[case.pk])
    assert case.source == "online_request"
    assert set(case.consents.values_list("scope", "channel")) == {
        ("processing", ""),
        ("contact", "phone"),
    }
    assert _log("intake") == 1


def test_the_support_request_form_says_what_is_missing(client: Any) -> None:
    response = client.post(reverse("victims:support_request"), {"name": "", "channel": "email"})
    assert response.status_code == 400
    assert {"name", "agree"} <= set(response.context["form"].errors)
    missing_address = client.post(
        reverse("victims:support_request"), {"name": "Sofia", "channel": "email", "agree": "on"}
    )
    assert "email" in missing_address.context["form"].errors
    assert not IntakeRequest.objects.exists()


def test_the_help_page_has_a_quick_exit(client: Any) -> None:
    response = client.get(reverse("victims:help"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in client.get(reverse("victims:support_request_sent"))["Cache-Control"]
    assert 'id="quick-exit"' in response.content.decode()
    assert 'href="https://www.google.com/"' in response.content.decode()


def test_the_api_lists_and_reads_cases_in_scope_and_logs_it() -> None:
    staff = member()
    case = case_create(staff)
    client = verified_client(staff)
    listing = client.get(reverse("api:vsu_case_list"))
    assert listing.status_code == 200
    assert "no-store" in listing["Cache-Control"]
    assert [row["reference"] for row in listing.json()["results"]] == [case.reference]
    detail = client.get(reverse("api:vsu_case_detail", args=[case.pk]))
    assert detail.json()["person"]["full_name"] == "Eleni Papadopoulou"
    assert _log("list") == 1
    assert _log("view", case) == 1


def test_the_api_refuses_a_session_without_consent_per_field() -> None:
    staff = member()
    case = case_create(staff)
    client = verified_client(staff)
    response = client.post(
        reverse("api:vsu_session_create", args=[case.pk]),
        {
            "kind": "legal",
            "channel": "sms",
            "held_at": timezone.now().isoformat(),
            "duration_minutes": 5,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "no active consent" in response.json()["channel"][0]
    assert not SupportSession.objects.exists()


def test_every_kind_of_read_leaves_an_access_log_row() -> None:
    staff = member()
    supervisor = member(Role.VSU_SUPERVISOR)
    case = case_create(staff)
    assert case.person is not None
    staff_client = verified_client(staff)
    staff_client.post(
        reverse("victims:document_new", args=[case.pk]),
        {"title": "Note", "file": SimpleUploadedFile("n.txt", b"note")},
    )
    document = Document.objects.get()
    supervisor_client = verified_client(supervisor)
    reads = [
        (staff_client, reverse("victims:cases"), "list"),
        (staff_client, reverse("victims:case", args=[case.pk]), "view"),
        (staff_client, reverse("victims:document", args=[case.pk, document.pk]), "download"),
        (staff_client, reverse("api:vsu_case_list"), "list"),
        (staff_client, reverse("api:vsu_case_detail", args=[case.pk]), "view"),
        (staff_client, reverse("victims:intake"), "intake"),
        (supervisor_client, reverse("victims:person_export", args=[case.person.pk]), "export"),
        (supervisor_client, reverse("victims:audit"), "audit"),
    ]
    for client, url, action in reads:
        before = AccessLog.objects.filter(action=action).count()
        assert client.get(url).status_code == 200, url
        assert AccessLog.objects.filter(action=action).count() == before + 1, url


def test_a_restricted_case_keeps_its_person_from_export_until_the_glass_is_broken() -> None:
    staff = member()
    case = case_create(staff, restricted=True)
    assert case.person is not None
    client = verified_client(member(Role.VSU_SUPERVISOR))
    assert client.get(reverse("victims:person_export", args=[case.person.pk])).status_code == 404
    client.post(
        reverse("victims:break_glass", args=[case.pk]),
        {"reason": "The person asked for a copy of their file today."},
    )
    assert client.get(reverse("victims:person_export", args=[case.person.pk])).status_code == 200


def test_break_glass_access_cannot_become_an_assignment() -> None:
    staff = member()
    supervisor = member(Role.VSU_SUPERVISOR)
    case = case_create(staff, restricted=True)
    client = verified_client(supervisor)
    client.post(
        reverse("victims:break_glass", args=[case.pk]),
        {"reason": "The assigned worker is ill and the person called in distress."},
    )
    response = client.post(
        reverse("victims:case_assign", args=[case.pk]),
        {"worker": supervisor.pk, "profession": "psychologist"},
    )
    # Break-glass access changes nothing: the assignment page is a 404 to it (the service
    # refuses too, tests/victims/test_access.py).
    assert response.status_code == 404
    assert not case.assignments.filter(worker=supervisor).exists()


def test_an_unreadable_reason_shows_as_such_and_the_access_log_still_opens() -> None:
    supervisor = member(Role.VSU_SUPERVISOR)
    case = case_create(member())
    intake = intake_request_submit(name="X", phone="+30 690 000 0000", email="", channel="phone")
    intake_decline(request=intake, by=supervisor, reason="Not for this unit: a tax question.")
    with connection.cursor() as cursor:
        # A value no key opens: tampered, or written under a key since dropped.
        cursor.execute(
            "INSERT INTO victims_accesslog (at, user_email, action, case_id, case_reference,"
            " cases, detail, reason, break_glass) VALUES (now(), 'x@example.org', 'view', %s,"
            " %s, '{}', 'planted', 'garbage', false)",
            [case.pk, case.reference],
        )

    response = verified_client(supervisor).get(reverse("victims:audit"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "planted" in body
    assert "unreadable" in body
    assert "Not for this unit: a tax question." in body


def test_an_unreadable_break_glass_reason_shows_as_such_and_the_dashboard_still_opens() -> None:
    staff = member()
    supervisor, reviewer = member(Role.VSU_SUPERVISOR), member(Role.VSU_SUPERVISOR)
    readable, planted = case_create(staff, restricted=True), case_create(staff, restricted=True)
    client = verified_client(supervisor)
    for case in (readable, planted):
        client.post(
            reverse("victims:break_glass", args=[case.pk]),
            {"reason": "The assigned worker is ill and the person called in distress."},
        )
    with connection.cursor() as cursor:  # a value no key opens, as tampered
        cursor.execute(
            "UPDATE victims_breakglass SET reason = 'garbage' WHERE case_id = %s", [planted.pk]
        )

    response = verified_client(reviewer).get(reverse("victims:dashboard"))

    assert response.status_code == 200
    body = response.content.decode()
    assert planted.reference in body
    assert "unreadable" in body
    assert "The assigned worker is ill and the person called in distress." in body


def test_the_erase_and_break_glass_pages_log_what_they_show() -> None:
    staff = member()
    supervisor = member(Role.VSU_SUPERVISOR)
    client = verified_client(supervisor)
    case = case_create(staff)
    assert case.person is not None
    restricted = case_create(staff, restricted=True)

    assert client.get(reverse("victims:person_erase", args=[case.person.pk])).status_code == 200
    erase_read = AccessLog.objects.get(action="list", detail="erase page")
    assert (erase_read.user_email, erase_read.cases) == (supervisor.email, [case.pk])

    assert client.get(reverse("victims:break_glass", args=[restricted.pk])).status_code == 200
    glass_read = AccessLog.objects.get(action="view", detail="break-glass page")
    assert (glass_read.user_email, glass_read.case_id) == (supervisor.email, restricted.pk)
    # A form sent back with errors shows the page again: another read.
    client.post(reverse("victims:break_glass", args=[restricted.pk]), {"reason": "short"})
    assert AccessLog.objects.filter(detail="break-glass page").count() == 2


def test_a_case_without_a_person_cannot_be_edited_and_answers_404() -> None:
    staff = member()
    case = case_create(staff)
    Case.objects.filter(pk=case.pk).update(person=None)  # as anonymisation leaves it
    response = verified_client(staff).get(reverse("victims:case_edit", args=[case.pk]))
    assert response.status_code == 404


def test_break_glass_is_reviewed_through_the_supervisors_scope() -> None:
    staff = member()
    first, second = member(Role.VSU_SUPERVISOR), member(Role.VSU_SUPERVISOR)
    case = case_create(staff, restricted=True)
    verified_client(first).post(
        reverse("victims:break_glass", args=[case.pk]),
        {"reason": "The assigned worker is ill and the person called in distress."},
    )
    glass = case.break_glass.get()
    reviewer = verified_client(second)

    dashboard = reviewer.get(reverse("victims:dashboard"))
    assert case.reference in dashboard.content.decode()
    assert case.pk in AccessLog.objects.get(action="list", detail="dashboard").cases

    url = reverse("victims:break_glass_review", args=[glass.pk])
    assert verified_client(staff).post(url).status_code == 404
    assert reviewer.post(reverse("victims:break_glass_review", args=[case.pk])).status_code == 404
    before = timezone.now()
    assert reviewer.post(url).status_code == 302
    glass.refresh_from_db()
    assert glass.reviewed_by == second
    assert glass.reviewed_at is not None
    assert before <= glass.reviewed_at <= timezone.now()
    # The review is in the case's log, under the reviewer's name.
    entry = AccessLog.objects.get(action=AccessLog.Action.CHANGE, case_id=case.pk)
    assert (entry.user_id, entry.user_email) == (second.pk, second.email)
    assert entry.detail == f"break-glass of {first.email} reviewed"
    assert reviewer.post(url).status_code == 404  # reviewed: no longer waiting
    # Nobody reviews their own: the opener of a second glass is told so, and it stays waiting.
    verified_client(second).post(
        reverse("victims:break_glass", args=[case.pk]),
        {"reason": "The assigned worker is ill again and the person called back."},
    )
    own = case.break_glass.get(user=second)
    refused = reviewer.post(reverse("victims:break_glass_review", args=[own.pk]), follow=True)
    assert "Another supervisor reviews your own break-glass access." in refused.content.decode()
    own.refresh_from_db()
    assert own.reviewed_by is None


def test_the_dashboard_costs_the_same_queries_for_one_break_glass_or_many() -> None:
    from django.test.utils import CaptureQueriesContext

    staff = member()
    opener, reviewer = member(Role.VSU_SUPERVISOR), member(Role.VSU_SUPERVISOR)
    opening = verified_client(opener)
    reading = verified_client(reviewer)

    def queries_with(glasses: int) -> int:
        for _ in range(glasses):
            case = case_create(staff, restricted=True)
            reason = "The assigned worker is ill and the person called in distress."
            opening.post(reverse("victims:break_glass", args=[case.pk]), {"reason": reason})
        with CaptureQueriesContext(connection) as queries:
            assert reading.get(reverse("victims:dashboard")).status_code == 200
        return len(queries)

    assert queries_with(1) == queries_with(3)
