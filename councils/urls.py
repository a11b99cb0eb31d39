"""URLs of the council's public accountability pages (no login): the council, its meetings,
its recommendations and the calendar of its meetings."""

from django.urls import path

from councils.views import public

app_name = "councils"

urlpatterns = [
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
