"""URLs of the Open311 GeoReport v2 endpoint: each resource in .json and .xml."""

from django.urls import path, register_converter

from curim.reports.open311 import views


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311format")
app_name = "open311"

urlpatterns = [
    path("discovery.<open311format:fmt>", views.discovery, name="discovery"),
    path("services.<open311format:fmt>", views.services, name="services"),
    path("services/<slug:code>.<open311format:fmt>", views.service_definition, name="service"),
    path("requests.<open311format:fmt>", views.requests, name="requests"),
    path("requests/<str:request_id>.<open311format:fmt>", views.request_detail, name="request"),
]
