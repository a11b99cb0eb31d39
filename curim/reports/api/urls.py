"""Routes of the report API, included under /api/v1/ in the "api" namespace."""

from django.urls import path

from curim.reports.api import comments, evaluations, exports, reports

urlpatterns = [
    path("categories/", reports.CategoryList.as_view(), name="category_list"),
    path("reports/", reports.ReportListCreate.as_view(), name="report_list"),
    path("reports/nearby/", reports.ReportNearby.as_view(), name="report_nearby"),
    path("reports/summary/", reports.ReportSummary.as_view(), name="report_summary"),
    path("reports/export.csv", exports.reports_csv, name="report_export"),
    path("reports/<uuid:public_id>/", reports.ReportDetail.as_view(), name="report_detail"),
    path(
        "reports/<uuid:public_id>/comments/",
        comments.ReportComments.as_view(),
        name="report_comments",
    ),
    path("evaluations/", evaluations.EvaluationListCreate.as_view(), name="evaluation_list"),
    path("tiles/reports/<int:z>/<int:x>/<int:y>.pbf", exports.report_tile, name="report_tile"),
]
