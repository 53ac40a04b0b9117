"""Batches: every pair of several photos and several styles, one job each, watched and fetched together."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from gallery.core.http import archive_response
from gallery.core.runs import QueuePositions
from gallery.studio import selectors, services
from gallery.studio.archive import batch_zip
from gallery.studio.models import Batch
from gallery.stylemodels.models import StyleModel

from ..errors import error_responses
from .base import Api, FileApi, ListApi, file_responses, id_field, throttle_scope, url
from .jobs import JobOutputSerializer, job_data, masks_field

TAGS = ["batches"]
MOST_IDS = 100  # a body naming more is refused here; the service's limit (MAX_BATCH_JOBS) is lower


class BatchCellSerializer(JobOutputSerializer):
    photo = serializers.CharField(help_text="The photo's title.")
    style = serializers.CharField(allow_blank=True, help_text="The style's title, or the fast style model's name.")
    title = serializers.CharField(help_text='What the picture is called: "harbour × Candy".')


class BatchOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    algorithm = serializers.CharField()
    created_at = serializers.DateTimeField()
    columns = serializers.IntegerField(help_text="Cells per row: the grid has one row per photo, one column per style.")
    finished = serializers.BooleanField(help_text="Every job is finished (succeeded, failed or cancelled).")
    done = serializers.IntegerField(help_text="How many pictures were made.")
    total = serializers.IntegerField()
    cells = BatchCellSerializer(many=True, help_text="One job per pair, row by row; each a full job (GET jobs/<id>/).")
    page_url = serializers.URLField(help_text="The batch's page on the site (its live grid).")
    download_url = serializers.URLField(help_text="A zip of the results so far, each with its run record (.json).")


def batch_data(
    batch: Batch,
    request: Request,
    positions: QueuePositions | None = None,
    fast_styles: Mapping[int, StyleModel] | None = None,
) -> dict[str, Any]:
    """The batch with every cell (selectors.batch_progress's data as the API's jobs), the queue read once
    (`positions`, `fast_styles`: read once for a list of batches)."""
    positions = selectors.queue_positions() if positions is None else positions
    jobs = selectors.batch_jobs(batch)
    fast_styles = selectors.batch_fast_styles(jobs) if fast_styles is None else fast_styles
    cells = [{**job_data(job, request, positions), **selectors.batch_cell_names(job, fast_styles)} for job in jobs]
    return {
        "id": batch.pk,
        "name": batch.name,
        "algorithm": batch.algorithm,
        "created_at": batch.created_at,
        "columns": batch.columns,
        "finished": all(cell["finished"] for cell in cells),
        "done": sum(cell["state"] == "succeeded" for cell in cells),
        "total": len(cells),
        "cells": cells,
        "page_url": request.build_absolute_uri(batch.get_absolute_url()),
        "download_url": url(request, "batch_download", batch.pk),
    }


class BatchApiBase(Api):
    def batch_out(self, batch: Batch) -> Any:
        data = batch_data(batch, self.request)
        return BatchOutputSerializer(data, context={"request": self.request}).data


class BatchListApi(ListApi, BatchApiBase):
    @extend_schema(operation_id="batches_list", responses={200: BatchOutputSerializer(many=True)}, tags=TAGS)
    def get(self, request: Request) -> Response:
        """Your batches, newest first, each with its cells."""
        return self.paginated(
            selectors.batches_with_jobs(request.user),
            BatchOutputSerializer,
            prepare_page=self.page_data,
        )

    def page_data(self, batches: list[Batch]) -> list[dict[str, Any]]:
        """Each batch's data, the queue and the fast styles read once for the whole page."""
        positions = selectors.queue_positions()
        fast_styles = selectors.batch_fast_styles(job for batch in batches for job in selectors.batch_jobs(batch))
        return [batch_data(batch, self.request, positions, fast_styles) for batch in batches]


class BatchCreateInputSerializer(serializers.Serializer):
    algorithm = serializers.CharField(help_text="gatys, chen, johnson, ... as for a job.")
    photos = serializers.ListField(
        child=id_field(), max_length=MOST_IDS, help_text="Your photos (images of kind `content`)."
    )
    styles = serializers.ListField(
        child=id_field(),
        default=list,
        max_length=MOST_IDS,
        help_text="Your style images, each used on its own (never blended); none for a fast style.",
    )
    models = serializers.ListField(
        child=id_field(),
        default=list,
        max_length=MOST_IDS,
        help_text="Fast styles (johnson): the style models' ids (GET style-models/), one column each; "
        "empty: the one options.model names.",
    )
    options = serializers.DictField(default=dict, help_text="The algorithm's options, the same for every pair.")
    masks = masks_field(help_text="Refused: a mask is drawn for one photo (queue single jobs to use masks).")
    name = serializers.CharField(
        default="", allow_blank=True, max_length=200, help_text='Default: "2 photos × 3 styles · Gatys (optimisation)".'
    )


class BatchCreateApi(BatchApiBase):
    @extend_schema(
        operation_id="batches_create",
        request=BatchCreateInputSerializer,
        responses={201: BatchOutputSerializer, **error_responses(400)},
        examples=[
            OpenApiExample(
                "Two photos × two styles",
                value={"algorithm": "gatys", "photos": [12, 13], "styles": [7, 9], "options": {"size": 256}},
                request_only=True,
            ),
            OpenApiExample(
                "Three photos through two fast styles",
                value={"algorithm": "johnson", "photos": [12, 13, 14], "models": [3, 5]},
                request_only=True,
            ),
        ],
        tags=TAGS,
    )
    @throttle_scope("jobs")
    def post(self, request: Request) -> Response:
        """Queue one job per pair of photo and style, all or none: each pair is judged like a job, the
        whole batch against STUDIO_MAX_BATCH_JOBS and your queue limits (`non_field_errors`). A photo
        or style that is not yours is refused under `photos.<index>` / `styles.<index>`, a style model
        that is not offered under `models.<index>`. Its jobs take turns with other people's in the queue."""
        data = self.body(BatchCreateInputSerializer)
        batch = services.batch_create(owner=request.user, **data)
        return Response(self.batch_out(selectors.batch_of(request.user, batch.pk)), status=status.HTTP_201_CREATED)


class BatchesApi(BatchListApi, BatchCreateApi):
    pass


class BatchDetailApi(BatchApiBase):
    @extend_schema(
        operation_id="batches_retrieve", responses={200: BatchOutputSerializer, **error_responses(404)}, tags=TAGS
    )
    def get(self, request: Request, pk: int) -> Response:
        """A batch and every cell's live progress in one answer: poll it until `finished`."""
        response = Response(self.batch_out(selectors.batch_of(request.user, pk)))
        response["Cache-Control"] = "no-store"
        return response


class BatchCancelApi(BatchApiBase):
    @extend_schema(
        operation_id="batches_cancel",
        request=None,
        responses={200: BatchOutputSerializer, **error_responses(404)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        """Cancel every job of the batch not yet finished (running ones stop within about a second)."""
        services.batch_cancel(batch=selectors.batch_of(request.user, pk), by=request.user)
        return Response(self.batch_out(selectors.batch_of(request.user, pk)))  # its jobs as they are now


class BatchDownloadApi(FileApi):
    @extend_schema(
        operation_id="batches_download",
        responses=file_responses("application/zip", 'Each result ("harbour × Candy.png") and its run record (.json).'),
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Any:
        """The results made so far as one zip."""
        batch = selectors.batch_of(request.user, pk)
        return archive_response(batch_zip(batch), f"{batch.name[:80]}.zip")
