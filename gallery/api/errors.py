"""One JSON shape for every API error: {"error": {"code", "message", "fields"}}.

Services raise Django's ValidationError keyed by field; it becomes a 400 here, so views only
call services and never translate errors themselves. DRF's own handler runs first and keeps its
headers (WWW-Authenticate on 401, Retry-After on 429).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

Fields = dict[str, list[str]]


def django_to_drf(error: DjangoValidationError, *, prefix: str = "") -> exceptions.ValidationError:
    """A service's ValidationError as DRF's, field names kept (optionally under `prefix.`)."""
    if not hasattr(error, "error_dict"):
        return exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: error.messages})
    detail = {}
    for field, messages in error.message_dict.items():
        name = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
        detail[f"{prefix}{name}"] = messages
    return exceptions.ValidationError(detail)


def flatten(detail: Any, prefix: str = "") -> Fields:
    """DRF's nested error detail -> {"styles.1.weight": ["..."]}: one level, always lists."""
    if isinstance(detail, dict):
        fields: Fields = {}
        for key, value in detail.items():
            fields.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return fields
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        fields = {}
        for index, item in enumerate(detail):
            if item:
                fields.update(flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return fields
    messages = [str(item) for item in detail] if isinstance(detail, list) else [str(detail)]
    return {prefix or api_settings.NON_FIELD_ERRORS_KEY: messages}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = django_to_drf(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)  # the selector's message: "No such upload."
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handling and logging take over
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten(exc.detail)
        first_field, first_messages = next(iter(fields.items()), ("", [""]))
        message = (
            first_messages[0] if first_field == api_settings.NON_FIELD_ERRORS_KEY else "Some fields are not valid."
        )
        body = {"code": "invalid", "message": message, "fields": fields}
    else:
        code = exc.get_codes()  # every exception DRF answers is an APIException by now
        body = {"code": code if isinstance(code, str) else "error", "message": str(exc.detail), "fields": {}}
    response.data = {"error": body}
    return response


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Stable machine-readable code: invalid, not_found, not_authenticated, throttled..."
    )
    message = serializers.CharField(help_text="Human-readable, shown to users as-is.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Messages per field; nested fields are dotted ("options.size", "styles.0.weight").',
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


ERROR_DESCRIPTIONS = {
    400: "Invalid input: see error.fields.",
    401: "Not authenticated: send `Authorization: Token <key>`.",
    403: "Not allowed: staff only.",
    404: "Not found, or not yours to see.",
    429: "Too many requests: wait Retry-After seconds.",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """Schema entries for the error answers an operation can give (401 and 429 always)."""
    wanted = sorted({*codes, 401, 429})
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]) for code in wanted}
