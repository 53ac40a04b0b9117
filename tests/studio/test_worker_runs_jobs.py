"""A real `manage.py qcluster` worker runs jobs submitted through the web form."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from gallery.studio.models import Job, Result
from stylecore.images import read_record
from tests.conftest import image_bytes, uploaded

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]


def upload_through_the_form(client, kind: str, name: str) -> int:  # noqa: ANN001
    response = client.post(reverse("studio:upload_create"), {"file": uploaded(name, image_bytes()), "kind": kind})
    assert response.status_code == 302, response.content.decode()[:2000]
    from gallery.studio.models import Upload

    return Upload.objects.filter(kind=kind).latest("id").pk


def gatys_form(content: int, style: int, **options: object) -> dict[str, object]:
    data = {
        "algorithm": "gatys",
        "content": content,
        "style": style,
        f"weight_{style}": 1,
        "gatys-size": 32,
        "gatys-steps": 3,
        "gatys-optimizer": "adam",
        "gatys-content_weight": 1,
        "gatys-style_weight": 1000,
        "gatys-tv_weight": 0.01,
        "gatys-init": "content",
        "gatys-scales": 1,
        "gatys-seed": 1,
    }
    data.update({f"gatys-{name}": value for name, value in options.items()})
    return data


def test_a_gatys_job_from_the_form_ends_with_a_result_file_and_recorded_progress(worker, owner_client):  # noqa: ANN001
    content = upload_through_the_form(owner_client, "content", "harbour.png")
    style = upload_through_the_form(owner_client, "style", "waves.png")

    response = owner_client.post(reverse("studio:job_create"), gatys_form(content, style))
    assert response.status_code == 302, response.content.decode()[:3000]
    job = Job.objects.latest("id")

    job = worker.wait_for(job.pk, Job.FINISHED_STATES, timeout=90)
    assert job.state == Job.State.SUCCEEDED, job.message
    assert job.step == 3 and job.total == 3
    assert job.losses, "the progress callback wrote no losses"
    assert job.preview.name and job.preview.storage.exists(job.preview.name)
    result = Result.objects.get(job=job)
    assert result.image.storage.exists(result.image.name)
    assert result.image.name.startswith(f"{job.owner_id}/results/")
    assert result.random_weights and result.weights_source == "random"
    assert result.algorithm == "gatys" and result.steps_done == 3
    assert result.has_layers and result.full_image.storage.exists(result.full_image.name)  # strength can change

    progress = owner_client.get(reverse("studio:job_progress", args=[job.pk])).json()
    assert progress["state"] == "succeeded" and progress["percent"] == 100
    assert progress["result_url"] == result.get_absolute_url()
    page = owner_client.get(result.get_absolute_url())
    assert page.status_code == 200 and b"Made with random VGG weights" in page.content


def test_a_denoise_job_runs_on_one_photo(worker, owner_client):  # noqa: ANN001
    content = upload_through_the_form(owner_client, "content", "noisy.png")
    response = owner_client.post(
        reverse("studio:job_create"), {"algorithm": "denoise", "content": content, "denoise-steps": 5}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    job = worker.wait_for(Job.objects.latest("id").pk, Job.FINISHED_STATES, timeout=90)
    assert job.state == Job.State.SUCCEEDED, job.message
    assert Result.objects.get(job=job).algorithm == "denoise"


def test_cancel_stops_a_running_job_within_a_few_seconds(worker, owner_client):  # noqa: ANN001
    content = upload_through_the_form(owner_client, "content", "long.png")
    style = upload_through_the_form(owner_client, "style", "style.png")
    owner_client.post(reverse("studio:job_create"), gatys_form(content, style, steps=5000))
    job = worker.wait_for(Job.objects.latest("id").pk, [Job.State.RUNNING], timeout=60)

    response = owner_client.post(reverse("studio:job_cancel", args=[job.pk]))
    assert response.status_code == 302

    job = worker.wait_for(job.pk, Job.FINISHED_STATES, timeout=10)
    assert job.state == Job.State.CANCELLED
    assert job.step < 5000
    assert not Result.objects.filter(job=job).exists()


def test_a_gatys_job_stopped_mid_run_keeps_its_picture_and_its_owner_saves_it(worker, owner_client):  # noqa: ANN001
    content = upload_through_the_form(owner_client, "content", "harbour.png")
    style = upload_through_the_form(owner_client, "style", "waves.png")
    owner_client.post(reverse("studio:job_create"), gatys_form(content, style, steps=5000))
    job = worker.wait_for(Job.objects.latest("id").pk, [Job.State.RUNNING], timeout=60)
    deadline = time.monotonic() + 60
    while job.step == 0 and time.monotonic() < deadline:  # so the cancel lands mid-run
        time.sleep(0.1)
        job.refresh_from_db()
    assert job.state == Job.State.RUNNING and job.step > 0, worker.log()

    owner_client.post(reverse("studio:job_cancel", args=[job.pk]))
    job = worker.wait_for(job.pk, Job.FINISHED_STATES, timeout=10)

    assert job.state == Job.State.CANCELLED and 0 < job.step < 5000
    assert job.partial_record["stopped"] and job.partial_record["steps_done"] == job.step
    with job.preview.open("rb") as stored:
        assert read_record(stored)["steps_done"] == job.step  # stylecore's own output, record and all
    page = owner_client.get(job.get_absolute_url()).content.decode()
    assert f"Stopped at step {job.step} of 5000" in page and "Save as a result" in page

    response = owner_client.post(reverse("studio:job_save_partial", args=[job.pk]))
    result = Result.objects.get(job=job)
    assert response["Location"] == result.get_absolute_url()
    assert result.stopped and result.steps_done == job.step and (result.width, result.height) == (32, 32)
    assert b"stopped early" in owner_client.get(result.get_absolute_url()).content
