"""URLs of the survey pages."""

from django.urls import path

from surveys.views import answering, indicators, results, staff

app_name = "surveys"

urlpatterns = [
    path("surveys/", answering.survey_list, name="list"),
    path("surveys/dashboard/", indicators.survey_dashboard, name="dashboard"),
    path(
        "surveys/dashboard/indicators.csv",
        indicators.survey_estimates_csv,
        name="estimates_csv",
    ),
    path(
        "surveys/dashboard/changes.csv",
        indicators.survey_changes_csv,
        name="changes_csv",
    ),
    path("surveys/results/", results.results_index, name="results"),
    path("surveys/results/<slug:code>/", results.results_wave, name="results_wave"),
    path(
        "surveys/results/<slug:code>/indicators.csv",
        results.results_estimates_csv,
        name="results_estimates_csv",
    ),
    path(
        "surveys/results/<slug:code>/changes.csv",
        results.results_changes_csv,
        name="results_changes_csv",
    ),
    path("surveys/staff/", staff.survey_staff_list, name="staff"),
    path(
        "surveys/staff/<slug:code>/results/",
        staff.survey_results_publication,
        name="publication",
    ),
    path("surveys/staff/<slug:code>/import/", staff.survey_import, name="import"),
    path(
        "surveys/staff/<slug:code>/export.<str:file_format>",
        staff.survey_export,
        name="export",
    ),
    path("surveys/staff/<slug:code>/margins/", staff.survey_margins, name="margins"),
    path("surveys/<slug:code>/", answering.survey_respond, name="respond"),
    path("surveys/<slug:code>/saved/", answering.survey_saved, name="saved"),
    path("surveys/<slug:code>/thanks/", answering.survey_thanks, name="thanks"),
    path("surveys/<slug:code>/paper/", answering.survey_paper, name="paper"),
]
