"""Compare groups: one photo (and style) through several algorithms at once, one job each (the compare page)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from gallery.core.runs import QueuePositions
from gallery.studio import selectors as studio_selectors
from gallery.stylemodels import selectors, services
from gallery.stylemodels.models import CompareGroup

from ..errors import error_responses
from .base import Api, ListApi, id_field, throttle_scope
from .jobs import JOB_EXAMPLE, JobOutputSerializer, job_data

TAGS = ["compare"]
# A bound on the request body only: the service judges the names (comparable ones, each once).
MAX_ALGORITHMS = 10

COMPARE_EXAMPLE = {
    "id": 5,
    "content": 11,
    "style": 12,
    "created_at": "2026-11-30T09:20:00Z",
    "page_url": "https://gallery.example/compare/5/",
    "jobs": [
        {
            **JOB_EXAMPLE,
            "id": 43,
            "algorithm": "gatys",
            "content": 11,
            "styles": [{"id": 12, "weight": 1.0}],
            "options": {"size": 256, "steps": 100},
        },
        {**JOB_EXAMPLE, "id": 44, "algorithm": "johnson", "content": 11, "options": {"model": 3}, "queue_position": 2},
    ],
}


class CompareOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    content = serializers.IntegerField(allow_null=True, help_text="The photo's image id; null once it was deleted.")
    style = serializers.IntegerField(allow_null=True, help_text="The style image's id, when one was used.")
    created_at = serializers.DateTimeField()
    page_url = serializers.URLField(help_text="The compare page on the site.")
    jobs = JobOutputSerializer(many=True, help_text="One job per algorithm, each with its live state and result.")


def compare_data(group: CompareGroup, request: Request, positions: QueuePositions | None = None) -> dict[str, Any]:
    return {
        "id": group.pk,
        "content": group.content_id,
        "style": group.style_id,
        "created_at": group.created_at,
        "page_url": request.build_absolute_uri(group.get_absolute_url()),
        "jobs": [job_data(job, request, positions) for job in group.jobs.all()],
    }


class CompareListApi(ListApi):
    @extend_schema(
        operation_id="compare_list",
        responses={200: CompareOutputSerializer(many=True), **error_responses()},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        """Your compare groups, newest first, with their jobs' states and results."""
        positions = studio_selectors.queue_positions()  # the queue read once for the whole page
        return self.paginated(
            selectors.compare_groups_of(request.user),
            CompareOutputSerializer,
            prepare=lambda group: compare_data(group, request, positions),
        )


class CompareCreateInputSerializer(serializers.Serializer):
    content = id_field(help_text="One of your photos.")
    style = id_field(
        required=False, allow_null=True, default=None, help_text="One of your style images (Gatys and Chen use it)."
    )
    algorithms = serializers.ListField(
        child=serializers.CharField(max_length=40),
        max_length=MAX_ALGORITHMS,
        help_text="The comparable algorithms to run: gatys, johnson, chen.",
    )
    options = serializers.DictField(
        child=serializers.DictField(),
        default=dict,
        help_text='Each algorithm\'s options by its name, e.g. {"johnson": {"model": 3}}; left out = the defaults.',
    )


class CompareCreateApi(Api):
    @extend_schema(
        operation_id="compare_create",
        request=CompareCreateInputSerializer,
        responses={201: CompareOutputSerializer, **error_responses(400)},
        examples=[
            OpenApiExample(
                "Gatys against a Johnson model",
                value={
                    "content": 11,
                    "style": 12,
                    "algorithms": ["gatys", "johnson"],
                    "options": {"gatys": {"size": 256, "steps": 100}, "johnson": {"model": 3}},
                },
                request_only=True,
            ),
            OpenApiExample("Queued", value=COMPARE_EXAMPLE, response_only=True),
        ],
        tags=TAGS,
    )
    @throttle_scope("jobs")
    def post(self, request: Request) -> Response:
        """Queue one job per algorithm for the same photo and style, all or none. The shared inputs' errors
        come back under `content` and `styles`, each algorithm's option errors under `<algorithm>.<option>`
        (an unknown style model: `johnson.model`)."""
        data = self.body(CompareCreateInputSerializer)
        group = services.jobs_compare_create(owner=request.user, **data)
        group = selectors.compare_group_of(request.user, group.pk)
        return Response(self.out(CompareOutputSerializer, compare_data(group, request)), status=status.HTTP_201_CREATED)


class CompareApi(CompareListApi, CompareCreateApi):
    pass


class CompareDetailApi(Api):
    @extend_schema(
        operation_id="compare_retrieve",
        responses={200: CompareOutputSerializer, **error_responses(404)},
        examples=[OpenApiExample("Two jobs", value=COMPARE_EXAMPLE, response_only=True)],
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        """A compare group with its jobs' live states: poll it until every job is `finished`."""
        group = selectors.compare_group_of(request.user, pk)
        response = Response(self.out(CompareOutputSerializer, compare_data(group, request)))
        response["Cache-Control"] = "no-store"
        return response
