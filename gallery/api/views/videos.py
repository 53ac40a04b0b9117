"""Videos: uploaded clips, video jobs made from them (studio jobs, algorithm "video") and the stylized
MP4s, served with Range like the video pages so players can seek."""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from gallery.studio import selectors as studio_selectors
from gallery.video import selectors, services
from gallery.video.models import Video
from gallery.video.ranges import ranged_file_response

from ..errors import error_responses
from .base import (
    Api,
    FileApi,
    ListApi,
    PageUrlField,
    file_responses,
    id_field,
    no_content_responses,
    throttle_scope,
    url,
)
from .jobs import JOB_EXAMPLE, JobOutputSerializer, job_data

TAGS = ["videos"]

VIDEO_EXAMPLE = {
    "id": 7,
    "title": "Beach walk",
    "container": "mov",
    "width": 1280,
    "height": 720,
    "frames": 300,
    "fps": "30000/1001",
    "duration": 10.01,
    "video_codec": "h264",
    "audio_codec": "aac",
    "size_bytes": 4813302,
    "created_at": "2026-11-30T09:12:00Z",
    "page_url": "https://gallery.example/videos/7/",
    "file_url": "https://gallery.example/api/v1/videos/7/file/",
    "poster_url": "https://gallery.example/api/v1/videos/7/poster/",
    "results": ["Zq3vN8rT2xWk"],
}


class VideoOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    container = serializers.CharField(help_text="What the demuxer found: mov (MP4, MOV), matroska (MKV, WebM)...")
    width = serializers.IntegerField(help_text="As displayed (rotation applied).")
    height = serializers.IntegerField()
    frames = serializers.IntegerField()
    fps = serializers.CharField(help_text='The exact frame rate as a fraction, e.g. "30000/1001".')
    duration = serializers.FloatField(help_text="Seconds.")
    video_codec = serializers.CharField()
    audio_codec = serializers.CharField(allow_blank=True, help_text="Empty: no sound.")
    size_bytes = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    page_url = PageUrlField()
    file_url = serializers.SerializerMethodField()
    poster_url = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField(help_text="Tokens of the stylized videos made from it (results).")

    def get_file_url(self, video: Video) -> str:
        return url(self.context["request"], "video_file", video.pk)

    def get_poster_url(self, video: Video) -> str:
        return url(self.context["request"], "video_poster", video.pk)

    def get_results(self, video: Video) -> list[str]:
        return [stored.result.share_token for stored in video.results.all()]


def videos_with_results(request: Request) -> QuerySet[Video]:
    """The user's videos with their results read in one query, not one per video."""
    return selectors.videos_of(request.user).prefetch_related("results__result")


class VideoListApi(ListApi):
    @extend_schema(
        operation_id="videos_list",
        responses={200: VideoOutputSerializer(many=True), **error_responses()},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        """Your uploaded videos, newest first."""
        return self.paginated(videos_with_results(request), VideoOutputSerializer)


class VideoUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="MP4, MOV, WebM or MKV; opened and checked before anything is stored.")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, help_text="Default: the file name.")


class VideoUploadApi(Api):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="videos_upload",
        request=VideoUploadInputSerializer,
        responses={201: VideoOutputSerializer, **error_responses(400)},
        examples=[OpenApiExample("Uploaded", value={**VIDEO_EXAMPLE, "results": []}, response_only=True)],
        tags=TAGS,
    )
    @throttle_scope("uploads")
    def post(self, request: Request) -> Response:
        """Upload a video (multipart `file`). Its length, size and frame count are checked by really opening
        it, as on the video page; a body over the limit is refused with 413 before it is read."""
        video = services.video_create(owner=request.user, **self.body(VideoUploadInputSerializer))
        return self.created(VideoOutputSerializer, video)


class VideosApi(VideoListApi, VideoUploadApi):
    pass


class VideoDetailApi(Api):
    @extend_schema(
        operation_id="videos_retrieve",
        responses={200: VideoOutputSerializer, **error_responses(404)},
        examples=[OpenApiExample("A video", value=VIDEO_EXAMPLE, response_only=True)],
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.out(VideoOutputSerializer, selectors.video_of(request.user, pk)))


class VideoDeleteApi(Api):
    @extend_schema(operation_id="videos_delete", responses=no_content_responses("Deleted.", 404), tags=TAGS)
    def delete(self, request: Request, pk: int) -> Response:
        """Delete a video and its files; stylized videos made from it stay (without their original)."""
        services.video_delete(video=selectors.video_of(request.user, pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VideoApi(VideoDetailApi, VideoDeleteApi):
    pass


RANGE = OpenApiParameter(
    "Range",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description='One byte range, e.g. "bytes=0-1023" (what video players send); anything else gets the whole file.',
)


def ranged_responses(description: str) -> dict:
    """Schema entries for a video file that answers Range requests."""
    return {
        **file_responses("video/*", description),
        (206, "video/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The asked byte range (Content-Range)."),
        416: OpenApiResponse(description="The range is outside the file (Content-Range: bytes */size)."),
    }


class RangedFileApi(FileApi):
    """A file that answers one byte range (206) as well as the whole (200), like the video pages."""

    def ranged(self, field: FieldFile) -> HttpResponse:
        return ranged_file_response(self.request, field)


class VideoFileApi(RangedFileApi):
    @extend_schema(
        operation_id="videos_file", parameters=[RANGE], responses=ranged_responses("The uploaded file."), tags=TAGS
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        """The uploaded video as stored; send `Range` to get part of it."""
        return self.ranged(selectors.video_of(request.user, pk).file)


class VideoPosterApi(FileApi):
    @extend_schema(operation_id="videos_poster", responses=file_responses("image/jpeg", "The first frame."), tags=TAGS)
    def get(self, request: Request, pk: int) -> Response:
        return self.file(selectors.video_of(request.user, pk).poster)


class VideoJobInputSerializer(serializers.Serializer):
    style = id_field(required=False, allow_null=True, default=None, help_text="Chen only: one of your style images.")
    options = serializers.DictField(
        default=dict,
        help_text="The video page's options: `model` (a Johnson style model's id) or `decoder` (a Chen decoder's), "
        "`height`, `start`, `end`, `stable`, `strength`, `preserve_colors`.",
    )


class VideoJobCreateApi(Api):
    @extend_schema(
        operation_id="videos_job_create",
        request=VideoJobInputSerializer,
        responses={201: JobOutputSerializer, **error_responses(400, 404)},
        examples=[
            OpenApiExample(
                "Johnson model",
                value={"options": {"model": 3, "height": 240, "end": 4.0, "stable": True}},
                request_only=True,
            ),
            OpenApiExample(
                "Chen with a style image", value={"style": 12, "options": {"decoder": 5}}, request_only=True
            ),
            OpenApiExample("Queued", value=JOB_EXAMPLE, response_only=True),
        ],
        tags=TAGS,
    )
    @throttle_scope("jobs")
    def post(self, request: Request, pk: int) -> Response:
        """Stylize one of your videos (a job like any other: follow it at `jobs/{id}/`, cancel it there).
        Once it succeeded, `results/{token}/video/` is the stylized MP4. Option errors come back under
        `options.<name>`, the style's under `styles.0.id`."""
        video = selectors.video_of(request.user, pk)
        data = self.body(VideoJobInputSerializer)
        job = services.video_job_create(owner=request.user, video=video, style=data["style"], options=data["options"])
        job = studio_selectors.job_of(request.user, job.pk)
        return Response(self.out(JobOutputSerializer, job_data(job, request)), status=status.HTTP_201_CREATED)


class ResultVideoApi(RangedFileApi):
    @extend_schema(
        operation_id="results_video",
        parameters=[RANGE],
        responses=ranged_responses("The stylized MP4 (404 when the result is not a video)."),
        tags=TAGS,
    )
    def get(self, request: Request, token: str) -> HttpResponse:
        """A video result's stylized MP4, for whoever may see the result (like `results/{token}/download/`)."""
        return self.ranged(selectors.video_result_for_viewer(request.user, token).file)
