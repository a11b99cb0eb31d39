"""A URLconf for the bench only: the floor of a POST through the platform's middleware and DRF.

The view parses the JSON body and answers 201 with a body the size of a submission's answer,
and does nothing else: what any submission costs before its own work (bench/reports.py, (c)).
"""

from typing import Any

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

URL = "/bench/empty-post/"


class EmptyPost(APIView):
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        assert isinstance(request.data, dict)
        return Response({"id": "00000000-0000-0000-0000-000000000000", "status": "submitted"}, 201)


urlpatterns: list[Any] = [path(URL.strip("/") + "/", EmptyPost.as_view())]
