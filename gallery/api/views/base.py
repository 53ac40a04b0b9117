"""What every API class shares: per-operation throttles, request bodies, pagination, file answers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gallery.core.http import file_response
from gallery.core.links import link
from gallery.core.runs import RunState

from ..errors import error_responses
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
        return self._validated(serializer_class, self.request.query_params)

    def body(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        """The validated request body: a bad value is a 400 naming the field."""
        return self._validated(serializer_class, self.request.data)

    def _validated(self, serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def out(self, serializer_class: type[serializers.Serializer], instance: Any, **kwargs: Any) -> Any:
        return serializer_class(instance, context={"request": self.request}, **kwargs).data

    def created(self, serializer_class: type[serializers.Serializer], instance: Any) -> Response:
        return Response(self.out(serializer_class, instance), status=status.HTTP_201_CREATED)


@extend_schema(exclude=True)
class NotFoundApi(APIView):
    """Any other path under /api/: the JSON 404, whatever the method."""

    permission_classes = [permissions.AllowAny]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise NotFound()


class ListApi(Api):
    pagination_class = Pagination

    def paginated(
        self,
        queryset: QuerySet | list,
        serializer_class: type[serializers.Serializer] | Callable[[Any], dict[str, Any]],
        *,
        prepare: Callable[[Any], Any] | None = None,
        prepare_page: Callable[[list], list] | None = None,
    ) -> Response:
        """One page of `queryset`; `prepare` turns each row into what the serializer reads, or `prepare_page` the
        whole page's rows at once (what they share read once). A busy list passes a function instead of the
        serializer: its JSON built as plain dicts, the same as the serializer's."""
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        if prepare_page is not None:
            page = prepare_page(list(page))
        rows = [prepare(row) for row in page] if prepare else page
        if isinstance(serializer_class, type):
            return paginator.get_paginated_response(self.out(serializer_class, rows, many=True))
        return paginator.get_paginated_response([serializer_class(row) for row in rows])


class FileApi(Api):
    """Streams a stored file after the selector has checked who asks. Any Accept header is
    served (the file is the answer); errors still come back as JSON."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple:
        return super().perform_content_negotiation(request, force=True)

    def file(self, field: FieldFile, *, download_name: str | None = None) -> FileResponse:
        return file_response(field, download_name=download_name)


def file_responses(media_type: str, description: str = "") -> dict:
    """Schema entries for a FileApi operation: the file, or a 404 when there is none to see."""
    return {(200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description=description), **error_responses(404)}


def no_content_responses(description: str, *error_codes: int) -> dict:
    """Schema entries for an operation that answers an empty 204 when it worked."""
    return {204: OpenApiResponse(description=description), **error_responses(*error_codes)}


@extend_schema_field(OpenApiTypes.STR)
class PageUrlField(serializers.Field):
    """The absolute URL of the object's page on the site (its get_absolute_url)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance: Any) -> str:
        return self.context["request"].build_absolute_uri(instance.get_absolute_url())


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """A row id in a request body."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


_DATETIME = serializers.DateTimeField()


def datetime_json(value: datetime | None) -> str | None:
    """A time as the serializers' DateTimeField writes it (ISO 8601, in TIME_ZONE, UTC as Z)."""
    return _DATETIME.to_representation(value)


def url(request: Request, name: str, *args: Any) -> str:
    """An absolute URL of another API endpoint."""
    return request.build_absolute_uri(link(f"api:{name}", *args))


class RunProgressSerializer(serializers.Serializer):
    """The progress every queued run reports (core.runs.run_progress): jobs and training runs alike."""

    state = serializers.ChoiceField(choices=RunState.choices)
    state_label = serializers.CharField()
    finished = serializers.BooleanField()
    cancel_requested = serializers.BooleanField()
    step = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    stage = serializers.CharField(allow_blank=True)
    losses = serializers.DictField(child=serializers.FloatField(), help_text="Latest loss values by name.")
    eta_seconds = serializers.FloatField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    elapsed_seconds = serializers.FloatField(allow_null=True)
