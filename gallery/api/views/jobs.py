"""Jobs: queued requests to run an algorithm, with live progress (the job page's data)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from gallery.core.runs import QueuePositions
from gallery.studio import selectors, services
from gallery.studio.models import Job

from ..errors import error_responses
from .base import (
    Api,
    FileApi,
    ListApi,
    RunProgressSerializer,
    datetime_json,
    file_responses,
    id_field,
    throttle_scope,
    url,
)
from .results import ResultOutputSerializer

TAGS = ["jobs"]
MOST_MASKS = 100  # a body naming more is refused here; the service counts them against the styles
# What a job looks like in examples (a video job, just queued).
JOB_EXAMPLE = {
    "id": 42,
    "algorithm": "video",
    "options": {"video": 7, "model": 3, "height": 240, "start": 0.0, "end": 4.0, "stable": True, "strength": 1.0},
    "content": None,
    "styles": [],
    "masks": [],
    "created_at": "2026-11-30T09:13:00Z",
    "state": "queued",
    "state_label": "Queued",
    "finished": False,
    "cancel_requested": False,
    "step": 0,
    "total": 0,
    "percent": 0,
    "stage": "",
    "losses": {},
    "eta_seconds": None,
    "queue_position": 1,
    "message": "",
    "preview_url": None,
    "result": None,
    "result_url": None,
    "can_save_partial": False,
    "started_at": None,
    "finished_at": None,
    "elapsed_seconds": None,
}


class JobStyleSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="A style image; null once it was deleted.")
    weight = serializers.FloatField(help_text="Blend weight (styles are mixed by weight).")


class JobOutputSerializer(RunProgressSerializer):
    id = serializers.IntegerField()
    algorithm = serializers.CharField()
    options = serializers.DictField(help_text="The option values the job runs with (defaults filled in).")
    content = serializers.IntegerField(allow_null=True, help_text="The photo's image id; null once it was deleted.")
    styles = JobStyleSerializer(many=True)
    masks = serializers.ListField(
        child=serializers.IntegerField(allow_null=True),
        help_text="The mask image of each style (null: none, or deleted); empty when the job has no masks.",
    )
    created_at = serializers.DateTimeField()
    queue_position = serializers.IntegerField(allow_null=True, help_text="1 = runs next; null unless queued.")
    message = serializers.CharField(allow_blank=True, help_text="Why it failed, when it did.")
    preview_url = serializers.URLField(allow_null=True, help_text="The latest preview image, while there is one.")
    result = serializers.CharField(
        allow_null=True, help_text="The result's token once the job succeeded (or its picture so far was saved)."
    )
    result_url = serializers.URLField(allow_null=True)
    can_save_partial = serializers.BooleanField(
        help_text="True: it was stopped mid-run and kept its picture so far; POST save-partial/ makes it a result."
    )


def job_data(
    job: Job,
    request: Request,
    positions: QueuePositions | None = None,
    inputs: selectors.JobInputs | None = None,
) -> dict[str, Any]:
    """The job row plus selectors.job_progress (what the job page polls), with API URLs; a list passes each job's
    inputs read for the whole page (selectors.job_inputs_of)."""
    progress = selectors.job_progress(job, positions)
    result = getattr(job, "result", None) if progress["result_url"] else None
    preview = progress["preview_url"]
    inputs = inputs or selectors.job_inputs(job)
    return {
        **progress,
        "algorithm": job.algorithm,
        "options": job.options,
        "content": job.content_id,
        "styles": [{"id": upload, "weight": weight} for upload, weight in inputs.styles],
        "masks": inputs.masks,
        "created_at": job.created_at,
        "preview_url": f"{url(request, 'job_preview', job.pk)}?{preview.split('?', 1)[1]}" if preview else None,
        "result": result.share_token if result else None,
        "result_url": url(request, "result", result.share_token) if result else None,
    }


JOB_FIELDS = tuple(JobOutputSerializer().fields)


def job_json(job: Job, request: Request, positions: QueuePositions, inputs: selectors.JobInputs) -> dict[str, Any]:
    """JobOutputSerializer's output built as a plain dict, for lists (DRF's fields cost ~0.15 ms a job, 20 a
    page). tests/api/test_lists_answer_what_their_serializers_would.py holds the two equal."""
    data = job_data(job, request, positions, inputs)
    data["created_at"] = datetime_json(data["created_at"])
    data["losses"] = {str(name): float(loss) for name, loss in data["losses"].items()}
    return {name: data[name] for name in JOB_FIELDS}


class JobApiBase(Api):
    def job_out(self, job: Job) -> Any:
        return self.out(JobOutputSerializer, job_data(job, self.request))


class JobFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Job.State.choices, required=False)
    algorithm = serializers.CharField(required=False)


class JobListApi(ListApi):
    @extend_schema(
        operation_id="jobs_list",
        parameters=[JobFilterSerializer],
        responses={200: JobOutputSerializer(many=True), **error_responses(400)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        """Your jobs, newest first."""
        jobs = selectors.jobs_brief_of(request.user).filter(**self.query(JobFilterSerializer))
        return self.paginated(jobs, lambda row: job_json(row[0], request, row[1], row[2]), prepare_page=with_page_reads)


def with_page_reads(jobs: list[Job]) -> list[tuple[Job, QueuePositions, selectors.JobInputs]]:
    """Each job of a page with what they share, read once: their inputs, and the places of those waiting in the
    queue (counted for them; no query when none waits)."""
    inputs = selectors.job_inputs_of(job.pk for job in jobs)
    positions = selectors.queue_positions(jobs)
    return [(job, positions, inputs[job.pk]) for job in jobs]


def masks_field(**kwargs: Any) -> serializers.ListField:
    """Mask ids in a request body, one per style (null: the rest)."""
    return serializers.ListField(child=id_field(allow_null=True), default=list, max_length=MOST_MASKS, **kwargs)


class JobStyleInputSerializer(serializers.Serializer):
    id = id_field(help_text="One of your style images.")
    weight = serializers.FloatField(default=1.0)


class JobCreateInputSerializer(serializers.Serializer):
    algorithm = serializers.CharField(help_text="gatys, denoise, ... (GET style-models/ for trained models).")
    content = id_field(help_text="One of your photos (an image of kind `content`).")
    styles = serializers.ListField(
        child=JobStyleInputSerializer(), default=list, help_text="As many as the algorithm takes (Gatys: up to 3)."
    )
    options = serializers.DictField(
        default=dict,
        help_text=(
            "The algorithm's options by name; left out = the default. Same ranges as the job page. "
            'Gatys\' content_layers and style_layers are objects of VGG19 layer names and weights, {"conv1_1": 1}.'
        ),
    )
    masks = masks_field(
        help_text="Region masks (images of kind `mask`: white = the style goes here), one per style in their "
        "order, null for a style that covers what the others leave; Johnson: one, for its model. Left out: "
        "every style covers the whole picture. Pixels no mask covers follow `options.unmasked` "
        "(`photo`, the default, or `style`)."
    )


class JobCreateApi(JobApiBase):
    @extend_schema(
        operation_id="jobs_create",
        request=JobCreateInputSerializer,
        responses={201: JobOutputSerializer, **error_responses(400)},
        examples=[
            OpenApiExample(
                "Gatys with a smaller style, average pooling and chosen layers",
                value={
                    "algorithm": "gatys",
                    "content": 11,
                    "styles": [{"id": 12, "weight": 1.0}],
                    "options": {
                        "size": 384,
                        "style_scale": 0.5,
                        "pooling": "avg",
                        "content_layers": {"conv4_2": 1},
                        "style_layers": {"conv1_1": 1, "conv2_1": 1, "conv3_1": 0.5},
                    },
                },
                request_only=True,
            ),
            OpenApiExample(
                "A style in a painted region",
                value={
                    "algorithm": "gatys",
                    "content": 12,
                    "styles": [{"id": 7, "weight": 1.0}, {"id": 9, "weight": 1.0}],
                    "masks": [31, None],
                    "options": {"size": 256, "unmasked": "photo"},
                },
                request_only=True,
            ),
            OpenApiExample("Queued", value=JOB_EXAMPLE, response_only=True),
        ],
        tags=TAGS,
    )
    @throttle_scope("jobs")
    def post(self, request: Request) -> Response:
        """Queue a job. Option errors come back under `options.<name>`, a style's under `styles.<index>.id`,
        a mask's under `masks.<index>` (upload masks to images/ with kind `mask`)."""
        data = self.body(JobCreateInputSerializer)
        job = services.job_create(  # the judge of the ids, the options and the limits
            owner=request.user,
            algorithm=data["algorithm"],
            content=data["content"],
            styles=[(style["id"], style["weight"]) for style in data["styles"]],
            options=data["options"],
            masks=data["masks"],
        )
        return Response(self.job_out(selectors.job_of(request.user, job.pk)), status=status.HTTP_201_CREATED)


class JobsApi(JobListApi, JobCreateApi):
    pass


class JobDetailApi(JobApiBase):
    @extend_schema(
        operation_id="jobs_retrieve", responses={200: JobOutputSerializer, **error_responses(404)}, tags=TAGS
    )
    def get(self, request: Request, pk: int) -> Response:
        """A job with its live progress: poll it (about once a second) until `finished`."""
        job = selectors.job_of(request.user, pk)
        response = Response(self.job_out(job))
        response["Cache-Control"] = "no-store"
        return response


class JobCancelApi(JobApiBase):
    @extend_schema(
        operation_id="jobs_cancel",
        request=None,
        responses={200: JobOutputSerializer, **error_responses(404)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        """Cancel a queued job at once, or ask a running one to stop (it does within about a second)."""
        job = services.job_cancel(job=selectors.job_of(request.user, pk), by=request.user)
        return Response(self.job_out(selectors.job_of(request.user, job.pk)))


class JobSavePartialApi(Api):
    @extend_schema(
        operation_id="jobs_save_partial",
        request=None,
        responses={200: ResultOutputSerializer, **error_responses(400, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        """Save the picture a stopped job kept as a result (marked stopped early); saving again
        answers the same result. 400 when the job kept none (`can_save_partial` is false)."""
        result = services.job_save_partial(job=selectors.job_of(request.user, pk), by=request.user)
        return Response(self.out(ResultOutputSerializer, result))


class JobPreviewApi(FileApi):
    @extend_schema(
        operation_id="jobs_preview",
        responses={
            **file_responses("image/jpeg", "The latest preview."),
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="A stopped job's picture so far."),
        },
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        """The latest preview image of a running job (404 until the first one); once a job stopped
        mid-run, its picture so far at full size (a PNG)."""
        return self.file(selectors.job_of(request.user, pk).preview)
