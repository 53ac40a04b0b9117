"""/api/v1/ itself: where the documentation is and what the collections are, for anyone who looks."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from .base import Api, url

COLLECTIONS = {
    "token": "token",
    "images": "images",
    "jobs": "jobs",
    "batches": "batches",
    "results": "results",
    "albums": "albums",
    "style_models": "style_models",
    "videos": "videos",
    "compare": "compare_groups",
    "training_runs": "training_runs",
    "courses": "classroom_courses",
}


class IndexOutputSerializer(serializers.Serializer):
    docs = serializers.URLField(help_text="Interactive documentation (Swagger UI).")
    schema = serializers.URLField(help_text="The OpenAPI 3 schema.")
    endpoints = serializers.DictField(child=serializers.URLField(), help_text="The collections, by name.")


class IndexApi(Api):
    permission_classes = [permissions.AllowAny]

    @extend_schema(operation_id="index", responses={200: IndexOutputSerializer}, tags=["index"])
    def get(self, request: Request) -> Response:
        """Where the docs are and the API's collections (no sign-in needed)."""
        data = {
            "docs": url(request, "docs"),
            "schema": url(request, "schema"),
            "endpoints": {name: url(request, route) for name, route in COLLECTIONS.items()},
        }
        return Response(self.out(IndexOutputSerializer, data))
