"""URLs of the citizen pages and the moderation queue."""

from django.urls import path

from curim.reports.views import citizens, moderation

app_name = "reports"

urlpatterns = [
    path("reports/", citizens.report_list, name="list"),
    path("reports/new/", citizens.report_new, name="new"),
    path("reports/submitted/", citizens.report_submitted, name="submitted"),
    path("reports/mine/", citizens.my_reports, name="mine"),
    path("reports/<uuid:public_id>/", citizens.report_page, name="detail"),
    path("reports/photos/<uuid:public_id>.jpg", citizens.photo, name="photo"),
    path("reports/<uuid:public_id>/comments/", citizens.comment_create, name="comment_create"),
    path("reports/<uuid:public_id>/me-too/", citizens.confirmation, name="confirm"),
    path("reports/<uuid:public_id>/follow/", citizens.follow, name="follow"),
    path("comments/<uuid:public_id>/flag/", citizens.comment_flag_create, name="comment_flag"),
    path("moderation/comments/", moderation.flagged_comments, name="moderation_comments"),
    path(
        "moderation/comments/<uuid:public_id>/",
        moderation.comment_decide,
        name="moderation_comment",
    ),
    path("map/", citizens.public_map, name="map"),
    path("places/evaluate/", citizens.place_evaluate, name="evaluate"),
    path("moderation/", moderation.queue, name="moderation_queue"),
    path("moderation/<uuid:public_id>/", moderation.detail, name="moderation_detail"),
    path("moderation/<uuid:public_id>/act/", moderation.act, name="moderation_act"),
]
