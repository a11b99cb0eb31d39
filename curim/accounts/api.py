"""API authentication: exchange e-mail and password for a token; who am I."""

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from curim.accounts.models import User, email_normalise
from curim.accounts.roles import user_roles
from curim.accounts.services import TokenLimitReached, api_token_create


class TokenRequestSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, write_only=True)


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True)


class MeSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="public_id")
    email = serializers.EmailField()
    display_name = serializers.CharField()
    roles = serializers.SerializerMethodField()

    def get_roles(self, user: User) -> list[str]:
        return sorted(str(role.value) for role in user_roles(user))


class TokenCreateView(APIView):
    """Log in with e-mail and password; the answer holds a token for the Authorization header."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenRequestSerializer, responses={201: TokenSerializer})
    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=email_normalise(data.validated_data["email"]),
            password=data.validated_data["password"],
        )
        if user is None:
            # django-axes counts this failure; after the limit it answers 429 itself.
            return Response(
                {"non_field_errors": [_("E-mail address or password is not correct.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            instance, token = api_token_create(user=user)
        except TokenLimitReached:
            return Response(
                {"non_field_errors": [_("Too many active tokens: revoke one first.")]},
                status=status.HTTP_403_FORBIDDEN,
            )
        return Response(
            TokenSerializer({"token": token, "expiry": instance.expiry}).data,
            status=status.HTTP_201_CREATED,
        )


class TokenDeleteView(KnoxLogoutView):  # type: ignore[misc]
    """Revoke the token used for this request."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, format: str | None = None) -> Response:
        response: Response = super().post(request, format)
        return response


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
