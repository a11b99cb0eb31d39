"""API routes of the Victim Support Unit, mounted under /api/v1/ in the `api` namespace."""

from django.urls import path

from victims import api

urlpatterns = [
    path("vsu/cases/", api.CaseList.as_view(), name="vsu_case_list"),
    path("vsu/cases/<uuid:case_id>/", api.CaseDetail.as_view(), name="vsu_case_detail"),
    path(
        "vsu/cases/<uuid:case_id>/sessions/", api.SessionCreate.as_view(), name="vsu_session_create"
    ),
]
