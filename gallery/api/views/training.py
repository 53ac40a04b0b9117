"""Training runs (staff only, as in the admin): start, follow, cancel, resume and delete the training of a
Johnson network or a Chen decoder. Each operation needs the admin's permission for it (view, add, change,
delete a training run); everyone else gets 403."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gallery.stylemodels import selectors, services
from gallery.stylemodels.models import Kind, TrainingRun

from ..errors import error_responses
from .base import Api, FileApi, ListApi, RunProgressSerializer, file_responses, no_content_responses, url

TAGS = ["training-runs"]
# The largest value a PositiveIntegerField holds; the stylecore configs judge the real ranges.
MAX_COUNT = 2**31 - 1


class MayTrain(permissions.BasePermission):
    """Staff with the admin's permission for what the request does: GET views, POST adds (or changes, on a
    run's cancel/resume: the view's `post_permission`), DELETE deletes."""

    message = "Only staff who may manage training runs can do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        action = {"POST": getattr(view, "post_permission", "add"), "DELETE": "delete"}.get(request.method, "view")
        user = request.user
        return bool(user.is_authenticated and user.is_staff and user.has_perm(f"stylemodels.{action}_trainingrun"))


class TrainingApi(Api):
    permission_classes = [permissions.IsAuthenticated, MayTrain]


RUN_EXAMPLE = {
    "id": 9,
    "name": "Waves",
    "kind": "johnson",
    "variant": "light",
    "steps": 2000,
    "size": 256,
    "batch": 4,
    "checkpoint_every": 200,
    "photo_folder": "/data/coco-2k",
    "created_by": "stella",
    "created_at": "2026-11-30T08:00:00Z",
    "state": "running",
    "state_label": "Running",
    "finished": False,
    "cancel_requested": False,
    "step": 640,
    "total": 2000,
    "percent": 32,
    "stage": "",
    "losses": {"total": 8.1, "content": 2.3, "style": 5.6, "tv": 0.2, "images_per_s": 21.5},
    "eta_seconds": 253.0,
    "message": "",
    "started_at": "2026-11-30T08:00:02Z",
    "finished_at": None,
    "elapsed_seconds": 120.4,
    "images_per_s": 21.5,
    "checkpoint_step": 600,
    "history": [{"step": 600, "total": 8.3, "content": 2.3, "style": 5.8, "tv": 0.2}],
    "preview_url": "https://gallery.example/api/v1/training-runs/9/preview/?step=640",
    "style_model": None,
}

QUEUED_EXAMPLE = RUN_EXAMPLE | {
    "state": "queued",
    "state_label": "Queued",
    "step": 0,
    "percent": 0,
    "losses": {},
    "eta_seconds": None,
    "started_at": None,
    "elapsed_seconds": None,
    "images_per_s": None,
    "checkpoint_step": 0,
    "history": [],
    "preview_url": None,
}


class TrainingRunOutputSerializer(RunProgressSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="The name of the model it makes.")
    kind = serializers.ChoiceField(choices=Kind.choices)
    variant = serializers.CharField(help_text="Johnson: standard or light.")
    steps = serializers.IntegerField()
    size = serializers.IntegerField(help_text="Training crop side, in pixels.")
    batch = serializers.IntegerField()
    checkpoint_every = serializers.IntegerField()
    photo_folder = serializers.CharField(allow_blank=True)
    created_by = serializers.CharField(allow_null=True, help_text="Who started it (a username).")
    created_at = serializers.DateTimeField()
    message = serializers.CharField(allow_blank=True, help_text="Why it failed or where it stopped.")
    images_per_s = serializers.FloatField(allow_null=True)
    checkpoint_step = serializers.IntegerField(help_text="Resuming continues from here (0: from the start).")
    history = serializers.ListField(
        child=serializers.DictField(child=serializers.FloatField()), help_text="Loss points: step and losses."
    )
    preview_url = serializers.URLField(allow_null=True, help_text="The latest preview picture, once there is one.")
    style_model = serializers.CharField(
        allow_null=True, help_text="The slug of the (disabled, for review) style model it made, once it succeeded."
    )


def run_data(run: TrainingRun, request: Request) -> dict[str, Any]:
    """The admin page's live data (selectors.training_run_progress) with the run's settings and API URLs."""
    progress = selectors.training_run_progress(run)
    return {
        **progress,
        "name": run.name,
        "kind": run.kind,
        "variant": run.variant,
        "steps": run.steps,
        "size": run.size,
        "batch": run.batch,
        "checkpoint_every": run.checkpoint_every,
        "photo_folder": run.photo_folder,
        "created_by": run.created_by.username if run.created_by else None,
        "created_at": run.created_at,
        "preview_url": f"{url(request, 'training_run_preview', run.pk)}?step={run.step}" if run.preview else None,
        "style_model": run.style_model.slug if run.style_model else None,
    }


class TrainingRunApiBase(TrainingApi):
    def run_out(self, run: TrainingRun, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(self.out(TrainingRunOutputSerializer, run_data(run, self.request)), status=status_code)


class TrainingRunListApi(ListApi, TrainingApi):
    @extend_schema(
        operation_id="training_runs_list",
        responses={200: TrainingRunOutputSerializer(many=True), **error_responses(403)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        """Every training run, newest first (staff only)."""
        return self.paginated(
            selectors.training_runs(), TrainingRunOutputSerializer, prepare=lambda run: run_data(run, request)
        )


class TrainingRunStartInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, help_text="The name of the model it makes.")
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.JOHNSON)
    variant = serializers.ChoiceField(choices=["standard", "light"], default="light", help_text="Johnson only.")
    style_image = serializers.FileField(required=False, help_text="Required for Johnson; optional for Chen.")
    photo_folder = serializers.CharField(
        max_length=500, required=False, allow_blank=True, help_text="A folder of training photos on the worker..."
    )
    photos_zip = serializers.FileField(required=False, help_text="...or a zip of photos (one of the two).")
    steps = serializers.IntegerField(min_value=1, max_value=MAX_COUNT, default=2000)
    size = serializers.IntegerField(min_value=1, max_value=MAX_COUNT, default=256, help_text="Crop side, pixels.")
    batch = serializers.IntegerField(min_value=1, max_value=MAX_COUNT, default=4)
    checkpoint_every = serializers.IntegerField(min_value=1, max_value=MAX_COUNT, default=200)


class TrainingRunStartApi(TrainingRunApiBase):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="training_runs_start",
        request=TrainingRunStartInputSerializer,
        responses={201: TrainingRunOutputSerializer, **error_responses(400, 403)},
        examples=[
            OpenApiExample("Queued", value=QUEUED_EXAMPLE, response_only=True),
        ],
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        """Queue a training run (multipart, like the admin's form): a style image and a photo folder on the
        worker or a zip of photos. Ranges are judged as in the admin; the worker runs it like a job."""
        run = services.training_run_start(
            run=TrainingRun(**self.body(TrainingRunStartInputSerializer)), by=request.user
        )
        return self.run_out(run, status.HTTP_201_CREATED)


class TrainingRunsApi(TrainingRunListApi, TrainingRunStartApi):
    pass


class TrainingRunDetailApi(TrainingRunApiBase):
    @extend_schema(
        operation_id="training_runs_retrieve",
        responses={200: TrainingRunOutputSerializer, **error_responses(403, 404)},
        examples=[OpenApiExample("Running", value=RUN_EXAMPLE, response_only=True)],
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        """A run with its live progress and loss history: poll it until `finished`."""
        response = self.run_out(selectors.training_run_of(pk))
        response["Cache-Control"] = "no-store"
        return response


class TrainingRunDeleteApi(TrainingApi):
    @extend_schema(
        operation_id="training_runs_delete", responses=no_content_responses("Deleted.", 400, 403, 404), tags=TAGS
    )
    def delete(self, request: Request, pk: int) -> Response:
        """Delete a run that is not running, with its files (the model it made stays); 400 while it runs."""
        services.training_run_delete(run=selectors.training_run_of(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TrainingRunApi(TrainingRunDetailApi, TrainingRunDeleteApi):
    pass


class TrainingRunCancelApi(TrainingRunApiBase):
    post_permission = "change"

    @extend_schema(
        operation_id="training_runs_cancel",
        request=None,
        responses={200: TrainingRunOutputSerializer, **error_responses(403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        """Cancel a queued run at once, or ask a running one to stop; it keeps its last checkpoint."""
        return self.run_out(services.training_run_cancel(run=selectors.training_run_of(pk)))


class TrainingRunResumeInputSerializer(serializers.Serializer):
    steps = serializers.IntegerField(
        min_value=1, max_value=MAX_COUNT, required=False, help_text="A new total, to train longer than planned."
    )


class TrainingRunResumeApi(TrainingRunApiBase):
    post_permission = "change"

    @extend_schema(
        operation_id="training_runs_resume",
        request=TrainingRunResumeInputSerializer,
        responses={200: TrainingRunOutputSerializer, **error_responses(400, 403, 404)},
        examples=[
            OpenApiExample("Train longer", value={"steps": 4000}, request_only=True),
            OpenApiExample("Queued again", value=QUEUED_EXAMPLE | {"steps": 4000, "total": 4000}, response_only=True),
        ],
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        """Queue a cancelled or failed run again: it continues from its last checkpoint (or starts over)."""
        steps = self.body(TrainingRunResumeInputSerializer).get("steps")
        return self.run_out(services.training_run_resume(run=selectors.training_run_of(pk), steps=steps))


class TrainingRunPreviewApi(FileApi, TrainingApi):
    @extend_schema(
        operation_id="training_runs_preview",
        responses={**file_responses("image/jpeg", "The latest preview."), **error_responses(403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        """The latest preview picture of a run (404 until the first one)."""
        return self.file(selectors.training_run_of(pk).preview)
