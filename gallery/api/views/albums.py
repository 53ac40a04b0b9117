"""Albums: your collections of results, shared by token like the pages."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from gallery.core.users import is_owner
from gallery.studio import selectors, services
from gallery.studio.models import Album, Visibility

from ..errors import error_responses
from .base import Api, ListApi, PageUrlField, no_content_responses, url
from .results import ResultOutputSerializer, result_json

TAGS = ["albums"]


class AlbumOutputSerializer(serializers.Serializer):
    token = serializers.CharField(source="share_token", help_text="The album's id in URLs (unguessable).")
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices)
    owner = serializers.CharField(source="owner.username")
    is_owner = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    page_url = PageUrlField()
    results_url = serializers.SerializerMethodField()

    def get_is_owner(self, album: Album) -> bool:
        return is_owner(self.context["request"].user, album)

    def get_results_url(self, album: Album) -> str:
        return url(self.context["request"], "album_results", album.share_token)


class AlbumInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PRIVATE)


class AlbumUpdateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)


class AlbumListApi(ListApi):
    @extend_schema(
        operation_id="albums_list", responses={200: AlbumOutputSerializer(many=True), **error_responses()}, tags=TAGS
    )
    def get(self, request: Request) -> Response:
        """Your albums, recently changed first."""
        return self.paginated(selectors.albums_of(request.user).select_related("owner"), AlbumOutputSerializer)


class AlbumCreateApi(Api):
    @extend_schema(
        operation_id="albums_create",
        request=AlbumInputSerializer,
        responses={201: AlbumOutputSerializer, **error_responses(400)},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        album = services.album_create(owner=request.user, **self.body(AlbumInputSerializer))
        return self.created(AlbumOutputSerializer, album)


class AlbumsApi(AlbumListApi, AlbumCreateApi):
    pass


class AlbumDetailApi(Api):
    @extend_schema(
        operation_id="albums_retrieve", responses={200: AlbumOutputSerializer, **error_responses(404)}, tags=TAGS
    )
    def get(self, request: Request, token: str) -> Response:
        """An album you own, or one shared with a link."""
        return Response(self.out(AlbumOutputSerializer, selectors.album_for_viewer(request.user, token)))


class AlbumUpdateApi(Api):
    @extend_schema(
        operation_id="albums_update",
        request=AlbumUpdateInputSerializer,
        responses={200: AlbumOutputSerializer, **error_responses(400, 404)},
        tags=TAGS,
    )
    def patch(self, request: Request, token: str) -> Response:
        """Change the fields you send; the others keep their values."""
        album = selectors.album_for_owner(request.user, token)
        changes = self.body(AlbumUpdateInputSerializer)
        current = {"title": album.title, "description": album.description, "visibility": album.visibility}
        album = services.album_update(album=album, by=request.user, **{**current, **changes})
        return Response(self.out(AlbumOutputSerializer, album))


class AlbumDeleteApi(Api):
    @extend_schema(operation_id="albums_delete", responses=no_content_responses("Done.", 404), tags=TAGS)
    def delete(self, request: Request, token: str) -> Response:
        """Delete the album; its results stay in your results."""
        services.album_delete(album=selectors.album_for_owner(request.user, token), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AlbumApi(AlbumDetailApi, AlbumUpdateApi, AlbumDeleteApi):
    pass


class AlbumResultListApi(ListApi):
    @extend_schema(
        operation_id="albums_results_list",
        responses={200: ResultOutputSerializer(many=True), **error_responses(404)},
        tags=TAGS,
    )
    def get(self, request: Request, token: str) -> Response:
        """The album's results that you may see (a private result stays private in a shared album)."""
        album = selectors.album_for_viewer(request.user, token)
        results = selectors.album_results_for_viewer(request.user, album).select_related("owner")
        return self.paginated(results, lambda result: result_json(result, request))


class AlbumAddInputSerializer(serializers.Serializer):
    result = serializers.CharField(help_text="The token of one of your results.")


class AlbumResultAddApi(Api):
    @extend_schema(
        operation_id="albums_results_add",
        request=AlbumAddInputSerializer,
        responses=no_content_responses("Done.", 400, 404),
        tags=TAGS,
    )
    def post(self, request: Request, token: str) -> Response:
        """Add one of your results to the album."""
        album = selectors.album_for_owner(request.user, token)
        result_token = self.body(AlbumAddInputSerializer)["result"]
        try:
            result = selectors.result_for_owner(request.user, result_token)
        except Http404:
            raise ValidationError({"result": ["No such result of yours."]}) from None
        services.album_add_result(album=album, result=result, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AlbumResultsApi(AlbumResultListApi, AlbumResultAddApi):
    pass


class AlbumResultRemoveApi(Api):
    @extend_schema(operation_id="albums_results_remove", responses=no_content_responses("Done.", 404), tags=TAGS)
    def delete(self, request: Request, token: str, result_token: str) -> Response:
        """Take a result out of the album (the result itself stays)."""
        album = selectors.album_for_owner(request.user, token)
        result = selectors.album_results_for_viewer(request.user, album).filter(share_token=result_token).first()
        if result is None:
            raise Http404("That result is not in this album.")
        services.album_remove_result(album=album, result=result, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
