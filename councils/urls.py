"""URLs of the council's pages."""

from django.urls import URLPattern, URLResolver, path

from councils.views import dashboard

app_name = "councils"

urlpatterns: list[URLPattern | URLResolver] = []

# --- The council's dashboard (members, secretary, analysts, admins) ---------------------------
urlpatterns += [
    path("council/dashboard/", dashboard.council_dashboard, name="dashboard"),
    *(
        path(
            f"council/dashboard/{figure}.csv",
            dashboard.council_dashboard_csv(figure),
            name=f"dashboard_{figure.replace('-', '_')}_csv",
        )
        for figure in dashboard.CSV_FIGURES
    ),
]
# --- end of the dashboard's URLs ---------------------------------------------------------------
