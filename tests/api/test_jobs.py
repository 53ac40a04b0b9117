"""Jobs: queue one with options and weighted styles, list and filter, read progress, cancel."""

from __future__ import annotations

import pytest

from gallery.studio.models import Job

pytestmark = pytest.mark.django_db

TINY = {"size": 32, "steps": 2, "optimizer": "adam", "scales": 1}


@pytest.fixture
def images(upload_image) -> dict:  # noqa: ANN001
    return {"content": upload_image("content")["id"], "style": upload_image("style", "waves.png")["id"]}


def create(api, images: dict, **extra: object):  # noqa: ANN001, ANN201
    body = {"algorithm": "gatys", "content": images["content"], "styles": [{"id": images["style"], "weight": 2}]}
    return api.post("/api/v1/jobs/", {**body, "options": TINY, **extra}, format="json")


def test_a_job_is_queued_with_its_options_and_styles(owner_api, images, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        response = create(owner_api, images)
    assert response.status_code == 201, response.content
    body = response.json()
    assert enqueued, "the job was not handed to the worker queue"
    assert body["state"] == "queued" and body["queue_position"] == 1 and body["finished"] is False
    assert body["styles"] == [{"id": images["style"], "weight": 2.0}] and body["content"] == images["content"]
    assert body["options"]["size"] == 32 and body["options"]["content_weight"] > 0  # defaults filled in
    assert body["preview_url"] is None and body["result"] is None
    job = Job.objects.get(pk=body["id"])
    assert job.options == body["options"] and job.task_id


def test_retrieve_shows_the_progress_the_job_page_shows(owner_api, owner_client, images) -> None:  # noqa: ANN001
    job_id = create(owner_api, images).json()["id"]
    Job.objects.filter(pk=job_id).update(step=1, total=2, losses={"style": 3.5, "total": 4.0})
    api = owner_api.get(f"/api/v1/jobs/{job_id}/").json()
    page = owner_client.get(f"/jobs/{job_id}/progress.json").json()
    for key in ("state", "step", "total", "percent", "losses", "queue_position", "message", "eta_seconds"):
        assert api[key] == page[key], key
    assert api["percent"] == 50 and api["losses"]["style"] == 3.5


def test_the_list_filters_by_state_and_algorithm(owner_api, images) -> None:  # noqa: ANN001
    first = create(owner_api, images).json()["id"]
    second = create(owner_api, images).json()["id"]
    Job.objects.filter(pk=first).update(state=Job.State.FAILED, message="boom")

    def ids(query: str) -> list[int]:
        response = owner_api.get(f"/api/v1/jobs/{query}")
        assert response.status_code == 200, response.content
        return [job["id"] for job in response.json()["results"]]

    assert ids("?state=failed") == [first]
    assert ids("?state=queued") == [second]
    assert ids("?algorithm=gatys") == [second, first]
    assert ids("?algorithm=denoise") == []
    assert owner_api.get("/api/v1/jobs/?state=asleep").status_code == 400


def test_cancel_ends_a_queued_job_at_once(owner_api, images) -> None:  # noqa: ANN001
    job_id = create(owner_api, images).json()["id"]
    response = owner_api.post(f"/api/v1/jobs/{job_id}/cancel/")
    assert response.status_code == 200
    assert response.json()["state"] == "cancelled" and response.json()["finished"] is True
    assert Job.objects.get(pk=job_id).state == Job.State.CANCELLED


def test_cancel_asks_a_running_job_to_stop(owner_api, images) -> None:  # noqa: ANN001
    job_id = create(owner_api, images).json()["id"]
    Job.objects.filter(pk=job_id).update(state=Job.State.RUNNING)
    body = owner_api.post(f"/api/v1/jobs/{job_id}/cancel/").json()
    assert body["state"] == "running" and body["cancel_requested"] is True


def test_a_denoise_job_needs_no_style(owner_api, images) -> None:  # noqa: ANN001
    response = owner_api.post(
        "/api/v1/jobs/", {"algorithm": "denoise", "content": images["content"], "options": {"steps": 3}}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["styles"] == []


def test_there_is_no_preview_before_the_first_step(owner_api, images) -> None:  # noqa: ANN001
    job_id = create(owner_api, images).json()["id"]
    assert owner_api.get(f"/api/v1/jobs/{job_id}/preview/").status_code == 404
