"""Results: finished images with what made them; addressed by their share token, like the pages."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from gallery.core.users import User, is_owner
from gallery.studio import selectors, services
from gallery.studio.models import Result, Visibility

from ..errors import error_responses
from .base import Api, FileApi, ListApi, PageUrlField, datetime_json, file_responses, no_content_responses, url

TAGS = ["results"]


class ResultOutputSerializer(serializers.Serializer):
    token = serializers.CharField(source="share_token", help_text="The result's id in URLs (unguessable).")
    title = serializers.CharField()
    visibility = serializers.ChoiceField(choices=Visibility.choices)
    owner = serializers.CharField(source="owner.username")
    is_owner = serializers.SerializerMethodField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    algorithm = serializers.CharField()
    params = serializers.DictField(help_text="The run's parameters (from its RunRecord).")
    device = serializers.CharField(allow_blank=True)
    seconds = serializers.FloatField()
    weights_source = serializers.CharField(allow_blank=True)
    random_weights = serializers.BooleanField(help_text="True: made with random VGG weights (a test setup).")
    steps_done = serializers.IntegerField()
    stopped = serializers.BooleanField()
    final_losses = serializers.DictField(child=serializers.FloatField())
    strength = serializers.FloatField(help_text="The style strength it was made at: 0 is the photo, 1 the full style.")
    strength_adjustable = serializers.BooleanField(
        source="has_layers", help_text="True: POST .../strength/ saves it again at another strength, with no rerun."
    )
    created_at = serializers.DateTimeField()
    page_url = PageUrlField()
    download_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    def get_is_owner(self, result: Result) -> bool:
        return is_owner(self.context["request"].user, result)

    def get_download_url(self, result: Result) -> str:
        return url(self.context["request"], "result_download", result.share_token)

    def get_thumbnail_url(self, result: Result) -> str:
        return url(self.context["request"], "result_thumbnail", result.share_token)


def result_json(result: Result, request: Request, owner: User | None = None) -> dict[str, Any]:
    """ResultOutputSerializer's output built as a plain dict, for lists: DRF's fields cost ~0.15 ms a result
    (20 a page). tests/api/test_lists_answer_what_their_serializers_would.py holds the two equal. A list of
    one person's results passes them as `owner` (no join for each result's owner)."""
    return {
        "token": result.share_token,
        "title": result.title,
        "visibility": result.visibility,
        "owner": (owner or result.owner).username,
        "is_owner": is_owner(request.user, result),
        "width": result.width,
        "height": result.height,
        "algorithm": result.algorithm,
        "params": result.params,
        "device": result.device,
        "seconds": float(result.seconds),
        "weights_source": result.weights_source,
        "random_weights": result.random_weights,
        "steps_done": result.steps_done,
        "stopped": result.stopped,
        "final_losses": {str(name): float(loss) for name, loss in result.final_losses.items()},
        "strength": float(result.strength),
        "strength_adjustable": result.has_layers,
        "created_at": datetime_json(result.created_at),
        "page_url": request.build_absolute_uri(result.get_absolute_url()),
        "download_url": url(request, "result_download", result.share_token),
        "thumbnail_url": url(request, "result_thumbnail", result.share_token),
    }


class ResultFilterSerializer(serializers.Serializer):
    album = serializers.CharField(required=False, help_text="An album's token: only the results in it.")


class ResultListApi(ListApi):
    @extend_schema(
        operation_id="results_list",
        parameters=[ResultFilterSerializer],
        responses={200: ResultOutputSerializer(many=True), **error_responses(400, 404)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        """Your results, newest first; `?album=<token>` lists one of your albums' results."""
        album_token = self.query(ResultFilterSerializer).get("album")
        results = selectors.results_of(request.user)
        if album_token:
            results = results.filter(albums=selectors.album_for_owner(request.user, album_token))
        return self.paginated(results, lambda result: result_json(result, request, owner=request.user))


class ResultDetailApi(Api):
    @extend_schema(
        operation_id="results_retrieve", responses={200: ResultOutputSerializer, **error_responses(404)}, tags=TAGS
    )
    def get(self, request: Request, token: str) -> Response:
        """A result you own, or one shared with a link (unlisted or public)."""
        return Response(self.out(ResultOutputSerializer, selectors.result_for_viewer(request.user, token)))


class ResultUpdateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)


class ResultUpdateApi(Api):
    @extend_schema(
        operation_id="results_update",
        request=ResultUpdateInputSerializer,
        responses={200: ResultOutputSerializer, **error_responses(400, 404)},
        tags=TAGS,
    )
    def patch(self, request: Request, token: str) -> Response:
        """Rename a result or change who can see it."""
        result = selectors.result_for_owner(request.user, token)
        result = services.result_update(result=result, by=request.user, **self.body(ResultUpdateInputSerializer))
        return Response(self.out(ResultOutputSerializer, result))


class ResultDeleteApi(Api):
    @extend_schema(
        operation_id="results_delete",
        responses=no_content_responses("Deleted.", 404),
        tags=TAGS,
    )
    def delete(self, request: Request, token: str) -> Response:
        services.result_delete(result=selectors.result_for_owner(request.user, token), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ResultApi(ResultDetailApi, ResultUpdateApi, ResultDeleteApi):
    pass


class ResultStrengthInputSerializer(serializers.Serializer):
    strength = serializers.FloatField(min_value=0.0, max_value=1.0, help_text="0 is the photo, 1 the full style.")


class ResultStrengthApi(Api):
    @extend_schema(
        operation_id="results_restrength",
        request=ResultStrengthInputSerializer,
        responses={201: ResultOutputSerializer, **error_responses(400, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, token: str) -> Response:
        """Save one of your results again at another style strength, as a new result (the first one
        stays); it is blended from the layers kept with the result, so nothing runs again."""
        result = selectors.result_for_owner(request.user, token)
        strength = self.body(ResultStrengthInputSerializer)["strength"]
        saved = services.result_restrength(result=result, strength=strength, by=request.user)
        return Response(self.out(ResultOutputSerializer, saved), status=status.HTTP_201_CREATED)


class ResultDownloadApi(FileApi):
    @extend_schema(
        operation_id="results_download",
        responses=file_responses("image/png", "The result file (an attachment)."),
        tags=TAGS,
    )
    def get(self, request: Request, token: str) -> Response:
        """The full-size result, with its RunRecord in the PNG's text chunk."""
        result = selectors.result_for_viewer(request.user, token)
        suffix = PurePosixPath(result.image.name).suffix
        return self.file(result.image, download_name=f"{result.title[:80] or 'result'}{suffix}")


class ResultThumbnailApi(FileApi):
    @extend_schema(
        operation_id="results_thumbnail",
        responses=file_responses("image/jpeg"),
        tags=TAGS,
    )
    def get(self, request: Request, token: str) -> Response:
        return self.file(selectors.result_for_viewer(request.user, token).thumbnail)
