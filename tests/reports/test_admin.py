"""The Django admin corrects reports but cannot move them off their privacy grid."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.db.models import Model
from django.forms import SplitDateTimeField
from django.test import Client, RequestFactory

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.reports.models import (
    Category,
    Comment,
    Confirmation,
    Follow,
    PlaceEvaluation,
    Report,
    ReportEvent,
)
from curim.reports.services.workflow import report_merge
from tests.factories import user_create, user_with_role, verified_client

pytestmark = pytest.mark.django_db


def test_an_admin_cannot_change_a_reports_category_in_the_admin(
    make_report: Callable[..., Report],
) -> None:
    # The public location sits on the category's grid: a report moved to a category with a
    # coarser grid would keep its finer public location.
    report = make_report(category="graffiti")
    administrator = user_with_role(Role.ADMIN)
    request = RequestFactory().get("/")
    request.user = administrator
    form = admin.site.get_model_admin(Report).get_form(request, report)
    assert "category" not in form.base_fields
    client = Client()
    verified_client(administrator, client)
    page = client.get(f"/admin/reports/report/{report.pk}/change/")
    assert page.status_code == 200
    assert 'name="category"' not in page.content.decode()
    other = Category.objects.exclude(pk=report.category_id).first()
    assert other is not None
    client.post(f"/admin/reports/report/{report.pk}/change/", {"category": other.pk})
    report.refresh_from_db()
    assert report.category.slug == "graffiti"


@pytest.mark.parametrize("model", [Report, PlaceEvaluation, Comment, Confirmation, Follow])
def test_what_citizens_make_is_never_added_in_the_admin(model: type[Model]) -> None:
    client = Client()
    verified_client(user_create(is_superuser=True, is_staff=True), client)
    opts = model._meta
    assert client.get(f"/admin/{opts.app_label}/{opts.model_name}/add/").status_code == 403


def _change_form_data(client: Client, report: Report, **changes: Any) -> dict[str, Any]:
    """The admin's change form of `report` as it comes, inlines included, with `changes`."""
    page = client.get(f"/admin/reports/report/{report.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        data[name] = "" if value is None else value
        if isinstance(field, SplitDateTimeField):
            data[f"{name}_0"], data[f"{name}_1"] = form[name].field.widget.decompress(value)
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        for subform in inline.formset.forms:
            data[subform.add_prefix("id")] = subform.instance.pk
    data.update(changes)
    return data


def test_a_merged_duplicate_stays_merged_in_the_admin(
    make_report: Callable[..., Report], moderator: User
) -> None:
    # Merging closes the report, a public status: clearing its duplicate here would publish a
    # report nobody moderated, with no history line.
    original = make_report(description="The original")
    duplicate = make_report(status="submitted", description="Unread, with Maria's phone 6912345678")
    report_merge(report=duplicate, into=original, actor=moderator)
    client = verified_client(user_with_role(Role.ADMIN))
    response = client.post(
        f"/admin/reports/report/{duplicate.pk}/change/",
        _change_form_data(client, duplicate, duplicate_of=""),
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of_id == original.pk
    assert Client().get(f"/api/v1/reports/{duplicate.public_id}/").status_code == 404


def test_a_correction_in_the_admin_is_kept_in_the_report_s_history(
    make_report: Callable[..., Report],
) -> None:
    report = make_report(description="Brocken street lamp")
    administrator = user_with_role(Role.ADMIN)
    client = verified_client(administrator)
    response = client.post(
        f"/admin/reports/report/{report.pk}/change/",
        _change_form_data(client, report, description="Broken street lamp", severity=4),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.description, report.severity) == ("Broken street lamp", 4)
    event = report.events.get(kind=ReportEvent.Kind.EDITED)
    assert (event.actor, event.is_public) == (administrator, False)
    assert event.changes == {
        "description": {"from": "Brocken street lamp", "to": "Broken street lamp"},
        "severity": {"from": 3, "to": 4},
    }
