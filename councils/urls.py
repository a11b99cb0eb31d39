"""URLs of the council's pages: the public accountability pages (no login) and the dashboard
(members, secretary, analysts, admins)."""

from django.urls import URLPattern, URLResolver, path

from councils.views import dashboard, manage_recommendations, public

app_name = "councils"

urlpatterns: list[URLPattern | URLResolver] = [
    path("council/", public.council_home, name="home"),
    path("council/meetings/<uuid:meeting_id>/", public.meeting_detail, name="meeting"),
    path("council/recommendations/", public.recommendation_list, name="recommendations"),
    path(
        "council/recommendations/<str:reference>/",
        public.recommendation_detail,
        name="recommendation",
    ),
    path("council/calendar.ics", public.calendar_ics, name="calendar"),
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

# --- The council's own recommendation pages (members; the secretary writes; owners report) ---
urlpatterns += [
    path(
        "council/manage/recommendations/",
        manage_recommendations.recommendation_list,
        name="manage_recommendations",
    ),
    path(
        "council/manage/recommendations/new/",
        manage_recommendations.recommendation_new,
        name="manage_recommendation_new",
    ),
    path(
        "council/manage/recommendations/my-action-items/",
        manage_recommendations.my_action_items,
        name="my_action_items",
    ),
    path(
        "council/manage/recommendations/my-action-items/<int:item_id>/progress/",
        manage_recommendations.progress_update_new,
        name="progress_update_new",
    ),
    path(
        "council/manage/recommendations/<str:reference>/",
        manage_recommendations.recommendation_detail,
        name="manage_recommendation",
    ),
    path(
        "council/manage/recommendations/<str:reference>/edit/",
        manage_recommendations.recommendation_edit,
        name="manage_recommendation_edit",
    ),
    path(
        "council/manage/recommendations/<str:reference>/status/",
        manage_recommendations.recommendation_status,
        name="manage_recommendation_status",
    ),
    path(
        "council/manage/recommendations/<str:reference>/action-items/new/",
        manage_recommendations.action_item_new,
        name="manage_action_item_new",
    ),
    path(
        "council/manage/recommendations/<str:reference>/action-items/<int:item_id>/edit/",
        manage_recommendations.action_item_edit,
        name="manage_action_item_edit",
    ),
    path(
        "council/manage/recommendations/<str:reference>/action-items/<int:item_id>/delete/",
        manage_recommendations.action_item_remove,
        name="manage_action_item_delete",
    ),
]
