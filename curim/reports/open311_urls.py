"""URLs of the Open311 GeoReport v2 endpoint: each resource in .json and .xml."""

from django.urls import path, register_converter

from curim.reports import open311


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311format")
app_name = "open311"

urlpatterns = [
    path("discovery.<open311format:fmt>", open311.discovery, name="discovery"),
    path("services.<open311format:fmt>", open311.services, name="services"),
    path("services/<slug:code>.<open311format:fmt>", open311.service_definition, name="service"),
    path("requests.<open311format:fmt>", open311.requests, name="requests"),
    path("requests/<str:request_id>.<open311format:fmt>", open311.request_detail, name="request"),
]
