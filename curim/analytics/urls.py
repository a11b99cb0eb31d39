"""Pages of the analytics, under /analytics/: the council's map (council members, analysts,
admins), the analysts' "Run now" of the nightly's analyses, and their import of official
incident files."""

from django.urls import path

from curim.analytics.views import incident_import, overview, risk, risk_tables, run_now

app_name = "analytics"

urlpatterns = [
    path("analytics/", overview.overview, name="overview"),
    path("analytics/risk/", risk.risk, name="risk"),
    path("analytics/run/", run_now.run_now, name="run_now"),
    path("analytics/cyber/", risk_tables.cyber_page, name="cyber"),
    path("analytics/forecasts/", risk_tables.forecasts_page, name="forecasts"),
    path("analytics/near-repeat/", risk_tables.near_repeat_page, name="near_repeat"),
    path(
        "analytics/incidents/import/",
        incident_import.incident_import_page,
        name="incidents_import",
    ),
]
