"""Users pick an enabled style model in the job form; the real worker runs Johnson and Chen jobs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gallery.studio.models import Job, Result
from stylecore.images import read_record

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]


def test_a_johnson_job_runs_with_the_chosen_model(worker, owner, owner_client, upload_factory, style_model_factory):  # noqa: ANN001
    model = style_model_factory("johnson", name="Waves")
    content = upload_factory(owner, kind="content")

    response = owner_client.post(
        reverse("studio:job_create"),
        {"algorithm": "johnson", "content": content.pk, "johnson-model": model.pk, "johnson-size": 40},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    job = worker.wait_for(Job.objects.latest("id").pk, Job.FINISHED_STATES, timeout=120)

    assert job.state == Job.State.SUCCEEDED, job.message
    assert job.options == {"model": model.pk, "size": 40, "strength": 1.0, "preserve_colors": False, "tile": None}
    result = Result.objects.get(job=job)
    assert result.algorithm == "johnson" and result.params["model"] == "Waves"
    assert result.title == f"{content.title} × Waves"  # named after the model, like a style
    # the record inside the PNG was written once, with the name people know, and agrees with the row
    assert read_record(result.image.path)["params"]["model"] == "Waves"
    assert "Waves" in result.weights_source
    assert max(result.width, result.height) == 40
    assert result.random_weights  # an untrained model is marked as such


def test_a_chen_job_runs_with_any_uploaded_style(worker, owner, owner_client, upload_factory, style_model_factory):  # noqa: ANN001
    decoder = style_model_factory("chen-decoder", name="Decoder")
    content = upload_factory(owner, kind="content")
    style = upload_factory(owner, kind="style", name="waves.png")

    response = owner_client.post(
        reverse("studio:job_create"),
        {
            "algorithm": "chen",
            "content": content.pk,
            "style": style.pk,
            f"weight_{style.pk}": 1,
            "chen-decoder": decoder.pk,
            "chen-patch": 3,
            "chen-stride": 1,
            "chen-style_size": 32,
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    job = worker.wait_for(Job.objects.latest("id").pk, Job.FINISHED_STATES, timeout=120)

    assert job.state == Job.State.SUCCEEDED, job.message
    result = Result.objects.get(job=job)
    assert result.algorithm == "chen" and result.params["decoder"] == "Decoder"
    assert read_record(result.image.path)["params"]["decoder"] == "Decoder"
    assert (result.width, result.height) == (content.width, content.height)
    assert set(result.params["seconds"]) == {"encode", "swap", "decode"}


def test_a_job_whose_model_was_disabled_after_queueing_fails_clearly(
    worker, owner, upload_factory, style_model_factory
):  # noqa: ANN001
    from gallery.studio import services as studio_services
    from gallery.stylemodels.models import StyleModel

    model = style_model_factory("johnson")
    content = upload_factory(owner, kind="content")
    worker_busy = studio_services.job_create(
        owner=owner, algorithm="johnson", content=content, options={"model": model.pk, "size": 32}
    )
    StyleModel.objects.filter(pk=model.pk).update(enabled=False)
    job = worker.wait_for(worker_busy.pk, Job.FINISHED_STATES, timeout=120)
    assert job.state == Job.State.FAILED and "not available" in job.message
