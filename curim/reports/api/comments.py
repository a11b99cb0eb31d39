"""Comments on published reports through the API."""

import datetime
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from rest_framework import generics, serializers
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated

from curim.accounts.models import User
from curim.reports.models import Comment
from curim.reports.selectors import (
    comments_public,
    reports_public,
)
from curim.reports.services.conversation import comment_post


class LocalDayField(serializers.ReadOnlyField):
    """The local day (YYYY-MM-DD, the platform's time zone) of a moment."""

    def to_representation(self, value: datetime.datetime) -> str:
        return timezone.localdate(value).isoformat()


class CommentSerializer(serializers.ModelSerializer[Comment]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    # The day only, as the report's page shows it: a comment has no author, and its exact
    # moment beside an account's activity would point at one.
    posted_on = LocalDayField(source="created_at", help_text="The day it was posted (local).")

    class Meta:
        model = Comment
        fields = ["id", "body", "posted_on"]


class ReportComments(generics.ListCreateAPIView[Comment]):
    """Comments on a published report (no author names). Posting needs an account."""

    serializer_class = CommentSerializer
    pagination_class = None

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.request.method in SAFE_METHODS else [IsAuthenticated()]

    def _report(self) -> Any:
        report = reports_public().filter(public_id=self.kwargs["public_id"]).first()
        if report is None:
            raise Http404
        return report

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no report
            return Comment.objects.none()
        return comments_public().filter(report=self._report())

    def perform_create(self, serializer: Any) -> None:
        try:
            serializer.instance = comment_post(
                report=self._report(),
                author=cast(User, self.request.user),  # IsAuthenticated for POST
                body=serializer.validated_data["body"],
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
