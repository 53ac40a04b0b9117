"""The busiest API lists (jobs, results, an album's results) build their JSON as plain dicts rather than through
DRF's serializers (a third of their CPU): each item must be exactly what the operation's serializer, which the
schema documents and the single-item answers use, would have written."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from gallery.api.views.jobs import JobOutputSerializer, job_data
from gallery.api.views.results import ResultOutputSerializer
from gallery.studio import selectors, services
from gallery.studio.models import Job, JobMask, JobStyle, Visibility

pytestmark = pytest.mark.django_db


def serialized(serializer_class, instances, response) -> str:  # noqa: ANN001
    """The serializer's JSON for `instances`, as the list's request would have had it."""
    request = response.renderer_context["request"]
    return JSONRenderer().render(serializer_class(instances, many=True, context={"request": request}).data).decode()


def items(response) -> str:  # noqa: ANN001
    """The list's items as JSON text: 3 and 3.0, or keys in another order, differ."""
    return json.dumps(response.json()["results"], separators=(",", ":"), ensure_ascii=False)


def test_the_job_list_matches_the_job_serializer(owner, owner_api, result_factory, upload_factory, monkeypatch) -> None:  # noqa: ANN001
    done = result_factory(owner, title="Done").job
    masked = Job.objects.create(owner=owner, algorithm="gatys", content=done.content, state=Job.State.SUCCEEDED)
    for position, weight in enumerate((1.0, 0.5)):
        JobStyle.objects.create(
            job=masked, upload=upload_factory(owner, kind="style"), weight=weight, position=position
        )
    JobMask.objects.create(job=masked, upload=upload_factory(owner, kind="mask"), position=1)  # the first: the rest
    running = Job.objects.create(
        owner=owner,
        algorithm="gatys",
        content=done.content,
        state=Job.State.RUNNING,
        step=30,
        total=200,
        losses={"style": 12.5, "content": 3},
        eta_seconds=41.5,
        started_at=timezone.now() - timedelta(seconds=9),
        stage="Optimising",
    )
    Job.objects.create(owner=owner, algorithm="gatys", content=done.content, state=Job.State.QUEUED)
    failed = Job.objects.create(
        owner=owner, algorithm="gatys", content=None, state=Job.State.FAILED, message="Out of memory."
    )
    failed.finished_at = timezone.now()
    failed.save()
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)  # a running job's elapsed time, the same in both

    response = owner_api.get("/api/v1/jobs/")
    assert response.status_code == 200
    listed = response.json()["results"]
    assert len(listed) == 5
    request = response.renderer_context["request"]
    positions = selectors.queue_positions()
    jobs = list(selectors.jobs_brief_of(owner))
    expected = serialized(JobOutputSerializer, [job_data(job, request, positions) for job in jobs], response)
    assert items(response) == expected
    assert [item["id"] for item in listed] == [job.pk for job in jobs]
    assert {item["state"] for item in listed} == {"queued", "running", "succeeded", "failed"}
    assert next(item for item in listed if item["id"] == running.pk)["losses"] == {"style": 12.5, "content": 3.0}
    assert next(item for item in listed if item["id"] == masked.pk)["masks"][0] is None
    assert [style["weight"] for style in next(item for item in listed if item["id"] == masked.pk)["styles"]] == [1, 0.5]


def test_the_result_lists_match_the_result_serializer(owner, owner_api, result_factory, layered_result) -> None:  # noqa: ANN001
    result_factory(owner, visibility=Visibility.PUBLIC, title="Harbour at dusk")
    stopped = result_factory(owner, title="Stopped early", random_weights=False)
    stopped.stopped, stopped.final_losses, stopped.params, stopped.seconds = True, {"total": 5}, {"steps": 40}, 3
    stopped.save()
    album = services.album_create(owner=owner, title="Harbours", visibility=Visibility.PUBLIC)
    services.album_add_result(album=album, result=layered_result, by=owner)
    services.album_add_result(album=album, result=stopped, by=owner)

    response = owner_api.get("/api/v1/results/")
    assert response.status_code == 200
    listed = response.json()["results"]
    results = list(selectors.results_of(owner).select_related("owner"))
    assert len(listed) == len(results) == 3
    assert items(response) == serialized(ResultOutputSerializer, results, response)
    assert {item["strength_adjustable"] for item in listed} == {True, False}

    response = owner_api.get(f"/api/v1/albums/{album.share_token}/results/")
    assert response.status_code == 200
    in_album = selectors.album_results_for_viewer(owner, album).select_related("owner")
    assert items(response) == serialized(ResultOutputSerializer, in_album, response)
    assert len(response.json()["results"]) == 2
