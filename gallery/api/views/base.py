"""What every API class shares: per-operation throttles, pagination, file answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gallery.core.http import file_response

from ..pagination import Pagination
from ..throttles import ScopedUserThrottle

F = TypeVar("F", bound=Callable[..., Any])
# The largest id a database row can have (64-bit signed): larger ones in a body are refused
# (SQLite cannot even compare them in an IN list).
MAX_ID = 2**63 - 1


def throttle_scope(*scopes: str) -> Callable[[F], F]:
    """Give one operation (a handler method) its own rate on top of the per-user one."""

    def mark(handler: F) -> F:
        handler.throttle_scopes = scopes  # type: ignore[attr-defined]
        return handler

    return mark


class Api(APIView):
    """Base of the API classes. Each class is one operation (its handler method, its serializers);
    a URL serving several methods is a class that inherits the operations it offers."""

    def get_throttles(self) -> list:
        handler = getattr(self, self.request.method.lower(), None)
        scoped = [ScopedUserThrottle(scope) for scope in getattr(handler, "throttle_scopes", ())]
        return [*super().get_throttles(), *scoped]

    def query(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        """Validated query parameters (filters): a bad value is a 400 naming the parameter."""
        serializer = serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def out(self, serializer_class: type[serializers.Serializer], instance: Any, **kwargs: Any) -> Any:
        return serializer_class(instance, context={"request": self.request}, **kwargs).data


@extend_schema(exclude=True)
class NotFoundApi(APIView):
    """Any other path under /api/: the JSON 404, whatever the method."""

    permission_classes = [permissions.AllowAny]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise NotFound()


class ListApi(Api):
    pagination_class = Pagination

    def paginated(self, queryset: QuerySet | list, serializer_class: type[serializers.Serializer]) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        return paginator.get_paginated_response(self.out(serializer_class, page, many=True))


class FileApi(Api):
    """Streams a stored file after the selector has checked who asks. Any Accept header is
    served (the file is the answer); errors still come back as JSON."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple:
        return super().perform_content_negotiation(request, force=True)

    def file(self, field: FieldFile, *, download_name: str | None = None) -> FileResponse:
        return file_response(field, download_name=download_name)


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """A row id in a request body."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def url(request: Request, name: str, *args: Any) -> str:
    """An absolute URL of another API endpoint."""
    return request.build_absolute_uri(reverse(f"api:{name}", args=args))
