"""Routes of the survey API, included under /api/v1/ in the "api" namespace."""

from django.urls import path

from surveys import api

urlpatterns = [
    path("surveys/", api.SurveyList.as_view(), name="survey_list"),
    path("surveys/<slug:code>/", api.SurveyDetail.as_view(), name="survey_detail"),
    path("surveys/<slug:code>/responses/", api.ResponseCreate.as_view(), name="survey_response"),
    path("indicators/", api.EstimateList.as_view(), name="indicator_list"),
    path("indicators/changes/", api.ChangeList.as_view(), name="indicator_changes"),
]
