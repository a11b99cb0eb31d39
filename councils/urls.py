"""URLs of the council's pages: the public accountability pages (no login) and the dashboard
(members, secretary, analysts, admins)."""

from django.urls import URLPattern, URLResolver, path

from councils.views import (
    dashboard,
    feeds,
    manage_agenda,
    manage_attachments,
    manage_meetings,
    manage_minutes,
    manage_recommendations,
    open_data,
    pack,
    public,
    recommendation_io,
    strategy,
)

app_name = "councils"

urlpatterns: list[URLPattern | URLResolver] = [
    path("council/", public.council_home, name="home"),
    path("council/meetings/<uuid:meeting_id>/", public.meeting_detail, name="meeting"),
    path(
        "council/meetings/<uuid:meeting_id>/attachments/<uuid:attachment_id>/",
        public.meeting_attachment,
        name="meeting_attachment",
    ),
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

# --- The council's own pages of meetings (members read, the secretary writes) ----------------
_MEETING = "council/manage/meetings/<uuid:meeting_id>/"
_ITEM = _MEETING + "items/<int:order>/"
urlpatterns += [
    path("council/manage/meetings/", manage_meetings.meeting_list, name="manage_meetings"),
    path("council/manage/meetings/new/", manage_meetings.meeting_new, name="manage_meeting_new"),
    path(_MEETING, manage_meetings.meeting_page, name="manage_meeting"),
    path(_MEETING + "edit/", manage_meetings.meeting_edit, name="manage_meeting_edit"),
    path(_MEETING + "cancel/", manage_meetings.meeting_cancel, name="manage_meeting_cancel"),
    path(
        _MEETING + "convene/",
        manage_meetings.meeting_convene_view,
        name="manage_meeting_convene",
    ),
    path(_MEETING + "status/", manage_meetings.meeting_status, name="manage_meeting_status"),
    path(_MEETING + "items/new/", manage_agenda.item_new, name="manage_item_new"),
    path(
        _MEETING + "items/from-proposal/<uuid:proposal_id>/",
        manage_agenda.item_from_proposal,
        name="manage_item_from_proposal",
    ),
    path(_ITEM, manage_agenda.item_edit, name="manage_item_edit"),
    path(_ITEM + "delete/", manage_agenda.item_delete, name="manage_item_delete"),
    path(_ITEM + "move/", manage_agenda.item_move, name="manage_item_move"),
    path(_ITEM + "decision/", manage_agenda.decision_new, name="manage_decision_new"),
    path(
        _ITEM + "attachments/",
        manage_attachments.item_attachments,
        name="manage_item_attachments",
    ),
    path(
        _ITEM + "attachments/<uuid:attachment_id>/delete/",
        manage_attachments.attachment_delete,
        name="manage_attachment_delete",
    ),
    path(
        _MEETING + "attachments/<uuid:attachment_id>/",
        manage_attachments.attachment_file,
        name="manage_attachment",
    ),
    path(_MEETING + "attendance/", manage_minutes.attendance_edit, name="manage_attendance"),
    path(
        _MEETING + "attendance/not-recorded/",
        manage_minutes.attendance_not_recorded,
        name="manage_attendance_not_recorded",
    ),
    path(_MEETING + "minutes/", manage_minutes.minutes_edit_view, name="manage_minutes"),
    path(
        _MEETING + "minutes/circulate/",
        manage_minutes.minutes_circulate_view,
        name="manage_minutes_circulate",
    ),
    path(
        _MEETING + "minutes/return/",
        manage_minutes.minutes_return_view,
        name="manage_minutes_return",
    ),
    path(
        _MEETING + "minutes/approve/",
        manage_minutes.minutes_approve_view,
        name="manage_minutes_approve",
    ),
    path(
        _MEETING + "minutes/publish/",
        manage_minutes.minutes_publish_view,
        name="manage_minutes_publish",
    ),
    path(
        _MEETING + "minutes/comments/",
        manage_minutes.minutes_comment,
        name="manage_minutes_comment",
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
