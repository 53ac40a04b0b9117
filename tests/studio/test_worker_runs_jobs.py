"""A real `manage.py qcluster` worker runs jobs submitted through the web form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gallery.studio.models import Job, Result
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
