"""Style models: the trained networks (Johnson styles, Chen decoders) users can pick in a job."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from gallery.studio import algorithms
from gallery.stylemodels import selectors
from gallery.stylemodels.models import Kind, StyleModel

from ..errors import error_responses
from .base import Api, FileApi, ListApi, file_responses, url

TAGS = ["style-models"]


class StyleModelOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Pass it as the job option named in `option`.")
    slug = serializers.SlugField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    variant = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    algorithm = serializers.SerializerMethodField(help_text="The job algorithm that uses this model.")
    option = serializers.SerializerMethodField(help_text="The job option that takes this model's id.")
    preview_url = serializers.SerializerMethodField(help_text="A sample photo in this style; null if none.")

    def get_algorithm(self, model: StyleModel) -> str:
        return algorithms.for_model_kind(model.kind).name

    def get_option(self, model: StyleModel) -> str:
        return algorithms.for_model_kind(model.kind).model_option

    def get_preview_url(self, model: StyleModel) -> str | None:
        return url(self.context["request"], "style_model_preview", model.slug) if model.preview else None


class StyleModelFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)


class StyleModelListApi(ListApi):
    @extend_schema(
        operation_id="style_models_list",
        parameters=[StyleModelFilterSerializer],
        responses={200: StyleModelOutputSerializer(many=True), **error_responses(400)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        """The enabled style models."""
        kind = self.query(StyleModelFilterSerializer).get("kind")
        return self.paginated(selectors.style_models_enabled(kind), StyleModelOutputSerializer)


class StyleModelDetailApi(Api):
    @extend_schema(
        operation_id="style_models_retrieve",
        responses={200: StyleModelOutputSerializer, **error_responses(404)},
        tags=TAGS,
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(self.out(StyleModelOutputSerializer, selectors.style_model_for_viewer(request.user, slug)))


class StyleModelPreviewApi(FileApi):
    @extend_schema(
        operation_id="style_models_preview",
        responses=file_responses("image/*"),
        tags=TAGS,
    )
    def get(self, request: Request, slug: str) -> Response:
        return self.file(selectors.style_model_for_viewer(request.user, slug).preview)
