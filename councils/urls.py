"""URLs of the council's pages: the public accountability pages (no login) and the dashboard
(members, secretary, analysts, admins)."""

from django.urls import URLPattern, URLResolver, path

from councils.views import dashboard, feeds, open_data, pack, public, recommendation_io, strategy

app_name = "councils"

urlpatterns: list[URLPattern | URLResolver] = [
    path("council/", public.council_home, name="home"),
    path("council/meetings/<uuid:meeting_id>/", public.meeting_detail, name="meeting"),
    # The agenda pack: for the members of the meeting's council only (a 404 to others).
    path("council/meetings/<uuid:meeting_id>/pack.pdf", pack.meeting_pack, name="meeting_pack"),
    path("council/recommendations/", public.recommendation_list, name="recommendations"),
    path(
        "council/recommendations/<str:reference>/",
        public.recommendation_detail,
        name="recommendation",
    ),
    path("council/calendar.ics", public.calendar_ics, name="calendar"),
    path("council/strategy/", strategy.strategy_index, name="strategy"),
    path(
        "council/strategy/<slug:council_slug>/<int:starts_year>-<int:ends_year>/",
        strategy.strategy_detail,
        name="strategy_detail",
    ),
]

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

# --- The council's open outputs: the Atom feed and the open-data export ------------------------
urlpatterns += [
    path("council/feed/", feeds.recommendation_updates_feed, name="feed"),
    path("council/open-data.zip", open_data.open_data_zip, name="open_data"),
]

# --- The secretary's import and export of recommendations and action items ------------------
urlpatterns += [
    path(
        "council/manage/recommendations/export.csv",
        recommendation_io.recommendations_export_csv,
        name="recommendations_export_csv",
    ),
    path(
        "council/manage/recommendations/export.xlsx",
        recommendation_io.recommendations_export_xlsx,
        name="recommendations_export_xlsx",
    ),
    path(
        "council/manage/recommendations/import/",
        recommendation_io.recommendations_import_page,
        name="recommendations_import",
    ),
]
