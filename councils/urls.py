"""URLs of the council's pages: the public accountability pages (no login) and the dashboard
(members, secretary, analysts, admins)."""

from django.urls import URLPattern, URLResolver, path

from councils.views import dashboard, manage_agenda, manage_meetings, manage_minutes, public

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
    path(_ITEM, manage_agenda.item_edit, name="manage_item_edit"),
    path(_ITEM + "delete/", manage_agenda.item_delete, name="manage_item_delete"),
    path(_ITEM + "move/", manage_agenda.item_move, name="manage_item_move"),
    path(_ITEM + "decision/", manage_agenda.decision_new, name="manage_decision_new"),
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
