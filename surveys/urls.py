"""URLs of the survey pages."""

from django.urls import path

from surveys import analysis_views, views

app_name = "surveys"

urlpatterns = [
    path("surveys/", views.survey_list, name="list"),
    path("surveys/dashboard/", analysis_views.survey_dashboard, name="dashboard"),
    path(
        "surveys/dashboard/indicators.csv",
        analysis_views.survey_estimates_csv,
        name="estimates_csv",
    ),
    path("surveys/staff/", analysis_views.survey_staff_list, name="staff"),
    path("surveys/staff/<slug:code>/import/", analysis_views.survey_import, name="import"),
    path(
        "surveys/staff/<slug:code>/export.<str:file_format>",
        analysis_views.survey_export,
        name="export",
    ),
    path("surveys/staff/<slug:code>/margins/", analysis_views.survey_margins, name="margins"),
    path("surveys/<slug:code>/", views.survey_respond, name="respond"),
    path("surveys/<slug:code>/thanks/", views.survey_thanks, name="thanks"),
    path("surveys/<slug:code>/paper/", views.survey_paper, name="paper"),
]
