"""Tokens: obtain one with a username and password, revoke it when done."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import NotAuthenticated, Throttled, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from gallery.accounts.selectors import login_open_again_at
from gallery.core.http import client_ip

from ..errors import error_responses
from ..throttles import LoginThrottle
from .base import Api, no_content_responses


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


class TokenObtainApi(Api):
    permission_classes = [permissions.AllowAny]

    def get_throttles(self) -> list:
        throttles = super().get_throttles()
        return [*throttles, LoginThrottle()] if self.request.method == "POST" else throttles

    @extend_schema(
        operation_id="token_obtain",
        request=AuthTokenSerializer,
        responses={200: TokenOutputSerializer, **error_responses(400)},
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        """Your API token (the same one until you revoke it)."""
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        valid = serializer.is_valid()
        if getattr(request, "axes_locked_out", False):  # django-axes refused to check the password
            wait = login_open_again_at(client_ip(request)) - timezone.now()
            raise Throttled(wait.total_seconds(), "Too many wrong passwords from your network: log-in is paused.")
        if not valid:
            raise ValidationError(serializer.errors)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response(TokenOutputSerializer({"token": token.key}).data)


class TokenRevokeApi(Api):
    @extend_schema(
        operation_id="token_revoke",
        request=None,
        responses=no_content_responses("Revoked."),
        tags=["auth"],
    )
    def delete(self, request: Request) -> Response:
        """Revoke your token: requests with it answer 401 from now on."""
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenApi(TokenObtainApi, TokenRevokeApi):
    """POST obtains, DELETE revokes (DELETE needs the token or a session)."""
