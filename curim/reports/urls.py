"""URLs of the citizen pages and the moderation queue."""

from django.urls import path

from curim.reports import moderation, views

app_name = "reports"

urlpatterns = [
    path("reports/new/", views.report_new, name="new"),
    path("reports/submitted/", views.report_submitted, name="submitted"),
    path("reports/mine/", views.my_reports, name="mine"),
    path("reports/<uuid:public_id>/", views.report_page, name="detail"),
    path("reports/photos/<uuid:public_id>.jpg", views.photo, name="photo"),
    path("reports/<uuid:public_id>/comments/", views.comment_create, name="comment_create"),
    path("reports/<uuid:public_id>/me-too/", views.confirmation, name="confirm"),
    path("reports/<uuid:public_id>/follow/", views.follow, name="follow"),
    path("comments/<uuid:public_id>/flag/", views.comment_flag_create, name="comment_flag"),
    path("moderation/comments/", moderation.flagged_comments, name="moderation_comments"),
    path(
        "moderation/comments/<uuid:public_id>/",
        moderation.comment_decide,
        name="moderation_comment",
    ),
    path("map/", views.public_map, name="map"),
    path("places/evaluate/", views.place_evaluate, name="evaluate"),
    path("moderation/", moderation.queue, name="moderation_queue"),
    path("moderation/<uuid:public_id>/", moderation.detail, name="moderation_detail"),
    path("moderation/<uuid:public_id>/act/", moderation.act, name="moderation_act"),
]
