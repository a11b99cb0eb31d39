"""Pages of the analytics, under /analytics/: the council's map (council members, analysts,
admins) and the analysts' import of official incident files."""

from django.urls import path

from curim.analytics.views import incident_import, overview, risk

app_name = "analytics"

urlpatterns = [
    path("analytics/", overview.overview, name="overview"),
    path("analytics/risk/", risk.risk, name="risk"),
    path(
        "analytics/incidents/import/",
        incident_import.incident_import_page,
        name="incidents_import",
    ),
]
