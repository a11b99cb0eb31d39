"""The Django admin corrects reports but cannot move them off their privacy grid."""

from collections.abc import Callable

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client, RequestFactory

from curim.accounts.roles import Role
from curim.reports.models import Category, Comment, Confirmation, Follow, PlaceEvaluation, Report
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
