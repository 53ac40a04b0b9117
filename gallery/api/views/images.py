"""Images: the photos and style images a user uploaded (studio Upload rows)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from gallery.studio import selectors, services
from gallery.studio.models import Upload

from ..errors import error_responses
from .base import Api, FileApi, ListApi, file_responses, no_content_responses, throttle_scope, url

TAGS = ["images"]
IMAGE_RESPONSES = file_responses("image/*", "The stored file.")


class ImageOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Upload.Kind.choices)
    title = serializers.CharField()
    format = serializers.CharField(help_text="What the decoder found: JPEG, PNG, WEBP...")
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    mode = serializers.CharField(help_text="The original colour mode: RGB, RGBA, CMYK, I;16...")
    frames = serializers.IntegerField()
    size_bytes = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    file_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    def get_file_url(self, upload: Upload) -> str:
        return url(self.context["request"], "image_file", upload.pk)

    def get_thumbnail_url(self, upload: Upload) -> str:
        return url(self.context["request"], "image_thumbnail", upload.pk)


class ImageFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Upload.Kind.choices, required=False)


class ImageListApi(ListApi):
    @extend_schema(
        operation_id="images_list",
        parameters=[ImageFilterSerializer],
        responses={200: ImageOutputSerializer(many=True), **error_responses(400)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        """Your uploaded images, newest first."""
        filters = self.query(ImageFilterSerializer)
        return self.paginated(selectors.uploads_of(request.user, kind=filters.get("kind")), ImageOutputSerializer)


class ImageUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="JPEG, PNG, GIF, WebP, BMP or TIFF.")
    kind = serializers.ChoiceField(
        choices=Upload.Kind.choices,
        help_text="`content` (a photo), `style`, or `mask` (white where a style goes; it must cover something).",
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, help_text="Default: the file name.")


class ImageUploadApi(Api):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="images_upload",
        request=ImageUploadInputSerializer,
        responses={201: ImageOutputSerializer, **error_responses(400)},
        tags=TAGS,
    )
    @throttle_scope("uploads")
    def post(self, request: Request) -> Response:
        """Upload a photo, a style image or a mask. It is decoded and checked before anything is stored."""
        upload = services.upload_create(owner=request.user, **self.body(ImageUploadInputSerializer))
        return self.created(ImageOutputSerializer, upload)


class ImagesApi(ImageListApi, ImageUploadApi):
    pass


class ImageDetailApi(Api):
    @extend_schema(
        operation_id="images_retrieve", responses={200: ImageOutputSerializer, **error_responses(404)}, tags=TAGS
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.out(ImageOutputSerializer, selectors.upload_of(request.user, pk)))


class ImageDeleteApi(Api):
    @extend_schema(
        operation_id="images_delete",
        responses=no_content_responses("Deleted.", 404),
        tags=TAGS,
    )
    def delete(self, request: Request, pk: int) -> Response:
        """Delete an image and its files; jobs and results made from it keep their records."""
        services.upload_delete(upload=selectors.upload_of(request.user, pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ImageApi(ImageDetailApi, ImageDeleteApi):
    pass


class ImageFileApi(FileApi):
    @extend_schema(operation_id="images_file", responses=IMAGE_RESPONSES, tags=TAGS)
    def get(self, request: Request, pk: int) -> Response:
        """The uploaded file as stored."""
        return self.file(selectors.upload_of(request.user, pk).image)


class ImageThumbnailApi(FileApi):
    @extend_schema(operation_id="images_thumbnail", responses=IMAGE_RESPONSES, tags=TAGS)
    def get(self, request: Request, pk: int) -> Response:
        """A small JPEG preview."""
        return self.file(selectors.upload_of(request.user, pk).thumbnail)
