"""The council's records in the Django admin: saves go through the services (references,
history rows, validation), workflows move by the actions, frozen minutes are read-only."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from councils.admin import meetings as meetings_admin
from councils.models import (
    AgendaAttachment,
    AgendaItem,
    Meeting,
    MeetingStatus,
    Minutes,
    Recommendation,
    RecordChange,
    Visibility,
)
from councils.services.convening import CONVENING_EMAIL_TASK
from councils.services.meetings import agenda_item_delete, agenda_item_save
from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.core import admin_forms
from curim.core.models import OutboxTask
from tests.councils.factories import (
    council_create,
    meeting_held,
    meeting_planned,
    minutes_approved,
    organisation_create,
)
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def admin_user() -> User:
    return user_with_role(Role.ADMIN, is_staff=True)


def test_a_recommendation_added_in_the_admin_gets_its_reference_and_history(
    admin_client: Client, admin_user: User
) -> None:
    council = council_create(reference_prefix="LCCP")
    police = organisation_create("police")
    response = admin_client.post(
        "/admin/councils/recommendation/add/",
        {
            "council": council.pk,
            "title_en": "More patrols at night",
            "priority": "high",
            "addressees": [police.pk],
            "evidence_report_filter": '{"group": "crime"}',
            "_save": "Save",
            **_empty_inlines("action_items", "status_changes", "changes"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    recommendation = Recommendation.objects.get()
    assert recommendation.reference.startswith("LCCP-")
    assert recommendation.status == "proposed"
    assert list(recommendation.addressees.all()) == [police]
    row = recommendation.changes.get()
    assert (row.action, row.actor) == (RecordChange.Action.CREATED, admin_user)


def test_the_admin_refuses_a_bad_report_filter_with_its_reason(admin_client: Client) -> None:
    council = council_create()
    response = admin_client.post(
        "/admin/councils/recommendation/add/",
        {
            "council": council.pk,
            "title_en": "X",
            "priority": "low",
            "evidence_report_filter": '{"colour": "red"}',
        },
    )
    assert response.status_code == 200
    assert "not a filter of the map" in response.content.decode()
    assert not Recommendation.objects.exists()


def test_meetings_are_convened_by_the_action_which_says_why_it_could_not(
    admin_client: Client,
) -> None:
    council = council_create()
    ready = meeting_planned(council, items=(("Opening", False, "information"),))
    empty = meeting_planned(council)
    response = admin_client.post(
        "/admin/councils/meeting/",
        {"action": "convene", "_selected_action": [str(ready.pk), str(empty.pk)]},
        follow=True,
    )
    page = response.content.decode()
    assert Meeting.objects.get(pk=ready.pk).status == MeetingStatus.CONVENED
    assert Meeting.objects.get(pk=empty.pk).status == MeetingStatus.PLANNED
    assert "Put at least one item on the agenda first." in page
    # As from the secretary's page, the invitations leave with it (the secretary is the member).
    invitations = OutboxTask.objects.filter(task_name=CONVENING_EMAIL_TASK)
    assert invitations.count() == council.memberships.count() == 1


def test_editing_minutes_in_the_admin_is_recorded_and_approved_ones_are_read_only(
    admin_client: Client, admin_user: User
) -> None:
    meeting = meeting_held(council_create())
    minutes = minutes_approved(meeting)
    response = admin_client.post(
        f"/admin/councils/minutes/{minutes.pk}/change/", {"text": "Rewritten"}
    )
    assert response.status_code == 403
    assert Minutes.objects.get(pk=minutes.pk).text == "Minutes."
    draft_meeting = meeting_held(
        council_create(), visibility=Visibility.PUBLIC, items=(("Lighting", True, "decision"),)
    )
    from councils.services.minutes import minutes_create
    from tests.councils.factories import secretary_of

    draft = minutes_create(meeting=draft_meeting, by=secretary_of(draft_meeting.council), text="A")
    data: dict[str, Any] = {
        "text": "A, corrected",
        "public_summary": "",
        **_empty_inlines("comments", "changes"),
    }
    response = admin_client.post(f"/admin/councils/minutes/{draft.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    row = draft.changes.order_by("pk").last()
    assert row is not None
    assert row.changes == {"text": {"from": "A", "to": "A, corrected"}}
    assert row.actor == admin_user


def _empty_inlines(*prefixes: str) -> dict[str, str]:
    data: dict[str, str] = {}
    for prefix in prefixes:
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data


def test_attendance_is_recorded_in_the_admin_through_the_service(admin_client: Client) -> None:
    from councils.models import Attendance
    from tests.councils.factories import member_create

    council = council_create()
    one, two = member_create(council), member_create(council)
    meeting = meeting_held(council)
    path = f"/admin/councils/meeting/{meeting.pk}/change/"
    data: dict[str, Any] = {
        **_empty_inlines("agenda_items", "attendance"),
        "attendance-TOTAL_FORMS": "2",
        "attendance-0-membership": one.pk,
        "attendance-0-status": "represented",
        "attendance-0-represented_by": two.pk,
        "attendance-1-membership": two.pk,
        "attendance-1-status": "absent",
    }
    response = admin_client.post(path, data)
    assert response.status_code == 200
    assert "must be present" in response.content.decode()
    assert not Attendance.objects.exists()
    data["attendance-1-status"] = "present"
    response = admin_client.post(path, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert dict(meeting.attendance.values_list("membership", "status")) == {
        one.pk: "represented",
        two.pk: "present",
    }


def test_a_measure_links_only_its_own_councils_recommendations(admin_client: Client) -> None:
    from councils.models import Objective, Priority, Strategy
    from tests.councils.factories import recommendation_adopted

    council = council_create()
    strategy = Strategy.objects.create(
        council=council, title_en="Safer", starts_year=2020, ends_year=2023
    )
    priority = Priority.objects.create(strategy=strategy, order=1, title_en="Night")
    ours = recommendation_adopted(council)
    theirs = recommendation_adopted(council_create())
    data: dict[str, Any] = {
        "priority": priority.pk,
        "order": 1,
        "title_en": "Fewer incivilities",
        "target_kind": "report_count",
        "category_group": "incivility",
        "baseline_year": 2020,
        "target_value": 80,
        "target_year": 2023,
        **_empty_inlines("measures"),
        "measures-TOTAL_FORMS": "1",
        "measures-0-order": "1",
        "measures-0-title_en": "Lighting",
        "measures-0-recommendations": [ours.pk, theirs.pk],
    }
    response = admin_client.post("/admin/councils/objective/add/", data)
    assert response.status_code == 200
    assert theirs.reference in response.content.decode()
    assert not Objective.objects.exists()
    data["measures-0-recommendations"] = [ours.pk]
    response = admin_client.post("/admin/councils/objective/add/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    measure = Objective.objects.get().measures.get()
    assert list(measure.recommendations.all()) == [ours]


def _refusing(real: Any, on_call: int) -> Any:
    """`real`, refusing (after doing its work) on its `on_call`-th call: a service's refusal
    where the admin's own form let the change through (a row changed meanwhile)."""
    calls = []

    def service(**kwargs: Any) -> Any:
        calls.append(kwargs)
        done = real(**kwargs)
        if len(calls) == on_call:
            raise ValidationError("The meeting moved on meanwhile: nothing was saved.")
        return done

    return service


def test_a_save_a_service_refuses_keeps_nothing_and_says_why_on_the_form(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = meeting_planned(council_create())
    monkeypatch.setattr(meetings_admin, "agenda_item_save", _refusing(agenda_item_save, 1))
    response = admin_client.post(
        "/admin/councils/agendaitem/add/",
        {
            "meeting": meeting.pk,
            "order": 1,
            "title": "Street lighting on Akti Miaouli",
            "kind": "information",
            "public": "on",
            "_save": "Save",
            **_empty_inlines("attachments"),
        },
    )
    # The form again, as for its own errors: the refusal on it, what was typed kept.
    assert response.status_code == 200
    page = response.content.decode()
    assert "The meeting moved on meanwhile: nothing was saved." in page
    assert 'value="Street lighting on Akti Miaouli"' in page
    assert not AgendaItem.objects.filter(meeting=meeting).exists()


def test_a_deletion_of_chosen_rows_that_one_refuses_removes_none(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = meeting_planned(
        council_create(), items=(("Opening", True, "information"), ("Lighting", True, "decision"))
    )
    items = list(meeting.agenda_items.all())
    monkeypatch.setattr(meetings_admin, "agenda_item_delete", _refusing(agenda_item_delete, 2))
    response = admin_client.post(
        "/admin/councils/agendaitem/",
        {
            "action": "delete_selected",
            "_selected_action": [str(i.pk) for i in items],
            "post": "yes",
        },
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/councils/agendaitem/")
    assert "nothing was saved" in admin_client.get(response["Location"]).content.decode()
    # The first row's deletion went through before the second's refusal: undone with it.
    assert meeting.agenda_items.count() == 2


def test_a_refusal_that_leaves_the_row_closed_to_the_account_is_said_on_its_page(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A refusal that makes the row one the account may no longer change (its meeting held
    # meanwhile) cannot come back on the form: the change page says it instead of a 403.
    meeting = meeting_planned(council_create(), items=(("Opening", True, "information"),))
    item = meeting.agenda_items.get()
    monkeypatch.setattr(meetings_admin, "agenda_item_save", _refusing(agenda_item_save, 1))
    may_change = meetings_admin.AgendaItemAdmin.has_change_permission
    monkeypatch.setattr(
        meetings_admin.AgendaItemAdmin,
        "has_change_permission",
        lambda self, request, obj=None: (
            not hasattr(request, admin_forms.REFUSAL) and may_change(self, request, obj)
        ),
    )
    url = f"/admin/councils/agendaitem/{item.pk}/change/"
    response = admin_client.post(
        url,
        {
            "order": 1,
            "title": "Opening of the meeting",
            "kind": "information",
            "public": "on",
            "_save": "Save",
            **_empty_inlines("attachments"),
        },
    )
    assert (response.status_code, response["Location"]) == (302, url)
    assert "nothing was saved" in admin_client.get(url).content.decode()
    assert AgendaItem.objects.get(pk=item.pk).title == "Opening"


def test_files_added_in_the_admin_one_of_them_refused_leave_nothing_on_disk(
    admin_client: Client,
) -> None:
    # The admin's form passes a PNG whose header reads; the service, decoding its pixels,
    # refuses it after the document before it was checked: neither is stored.
    meeting = meeting_planned(council_create(), items=(("Lighting", True, "information"),))
    item = meeting.agenda_items.get()
    picture = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(picture, "PNG")
    broken = picture.getvalue()[:40]
    response = admin_client.post(
        f"/admin/councils/agendaitem/{item.pk}/change/",
        {
            "order": item.order,
            "title": item.title,
            "kind": item.kind,
            "public": "on",
            "_save": "Save",
            "attachments-TOTAL_FORMS": "2",
            "attachments-INITIAL_FORMS": "0",
            "attachments-MIN_NUM_FORMS": "0",
            "attachments-MAX_NUM_FORMS": "1000",
            "attachments-0-title": "Plan",
            "attachments-0-file": SimpleUploadedFile("plan.pdf", PDF),
            "attachments-1-title": "Map",
            "attachments-1-file": SimpleUploadedFile("map.png", broken),
        },
    )
    assert response.status_code == 200, response.status_code
    assert not AgendaAttachment.objects.exists()
    root = Path(settings.MEDIA_ROOT) / "councils" / "attachments"
    assert not root.exists() or not any(root.iterdir())
    assert "map.png: " in response.content.decode()  # the refusal names its file
