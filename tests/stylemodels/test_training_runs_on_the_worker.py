"""Staff start training from the admin; the real worker trains, reports a loss history and makes a model."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from gallery.stylemodels.models import StyleModel, TrainingRun
from stylecore import johnson
from tests.stylemodels.conftest import photo, start_training, wait_for_run

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]
FINISHED = TrainingRun.FINISHED_STATES


def test_a_tiny_johnson_run_makes_a_disabled_model_and_a_loss_history(worker, staff_client, photo_folder: Path) -> None:  # noqa: ANN001
    run = start_training(staff_client, photo_folder=str(photo_folder))

    run = wait_for_run(worker, run.pk, FINISHED, timeout=120)

    assert run.state == TrainingRun.State.SUCCEEDED, run.message
    assert run.step == 3 and run.total == 3
    assert run.loss_history and run.loss_history[-1]["step"] == 3
    assert {"content", "style", "tv", "total"} <= set(run.loss_history[-1])
    assert run.losses["images_per_s"] > 0
    model = run.style_model
    assert model is not None and not model.enabled and model.source == StyleModel.Source.TRAINED
    assert model.kind == "johnson" and model.variant == "light" and model.preview
    assert model.training_params["steps_done"] == 3
    net, meta = johnson.load_transformer(model.file.path)
    assert meta["style"] == "Tiny waves"

    progress = staff_client.get(reverse("admin:stylemodels_trainingrun_progress", args=[run.pk])).json()
    assert progress["state"] == "succeeded" and len(progress["history"]) == len(run.loss_history)
    assert progress["style_model_url"] == reverse("admin:stylemodels_stylemodel_change", args=[model.pk])


def test_a_chen_decoder_run_trains_from_an_uploaded_zip(worker, staff_client, tmp_path: Path) -> None:  # noqa: ANN001
    import zipfile

    from tests.stylemodels.conftest import png_bytes

    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for index in range(3):
            zf.writestr(f"set/p{index}.png", png_bytes(photo(40, seed=index)))
        zf.writestr("../escape.png", png_bytes(photo(40)))  # written under our own name, never this one
        zf.writestr("notes.txt", "not a photo")
    from django.core.files.uploadedfile import SimpleUploadedFile

    run = start_training(
        staff_client,
        name="Tiny decoder",
        kind="chen-decoder",
        steps=2,
        style_image="",
        photos_zip=SimpleUploadedFile("photos.zip", archive.read_bytes(), content_type="application/zip"),
    )
    run = wait_for_run(worker, run.pk, FINISHED, timeout=120)

    assert run.state == TrainingRun.State.SUCCEEDED, run.message
    assert run.loss_history[-1]["step"] == 2 and "feature" in run.loss_history[-1]
    assert run.style_model.kind == "chen-decoder" and not run.style_model.enabled
    assert not (tmp_path.parent / "escape.png").exists()


def test_cancel_keeps_a_checkpoint_and_resume_continues_from_it(worker, staff_client, photo_folder: Path) -> None:  # noqa: ANN001
    run = start_training(staff_client, photo_folder=str(photo_folder), steps=400)
    while True:
        run = wait_for_run(worker, run.pk, [TrainingRun.State.RUNNING, *FINISHED], timeout=60)
        if run.step >= 2 or run.is_finished:
            break
    response = staff_client.post(reverse("admin:stylemodels_trainingrun_cancel", args=[run.pk]))
    assert response.status_code == 302

    run = wait_for_run(worker, run.pk, FINISHED, timeout=30)
    assert run.state == TrainingRun.State.CANCELLED
    assert 2 <= run.checkpoint_step <= run.step < 400
    assert f"from step {run.checkpoint_step}" in run.message
    assert not StyleModel.objects.exists()
    stopped_at = run.checkpoint_step

    TrainingRun.objects.filter(pk=run.pk).update(steps=stopped_at + 2)  # finish soon after resuming
    response = staff_client.post(reverse("admin:stylemodels_trainingrun_resume", args=[run.pk]))
    assert response.status_code == 302
    run = wait_for_run(worker, run.pk, FINISHED, timeout=120)

    assert run.state == TrainingRun.State.SUCCEEDED, run.message
    steps = [point["step"] for point in run.loss_history]
    assert steps == sorted(set(steps)) and steps[-1] == stopped_at + 2
    assert run.style_model.training_params["steps_done"] == stopped_at + 2


def test_a_run_without_photos_or_style_is_refused_by_the_form(staff_client) -> None:  # noqa: ANN001
    response = staff_client.post(
        reverse("admin:stylemodels_trainingrun_add"),
        {"name": "x", "kind": "johnson", "variant": "light", "steps": 3, "size": 8, "batch": 2, "checkpoint_every": 1},
    )
    assert response.status_code == 200  # the form again, with errors
    page = response.content.decode()
    assert "choose one" in page and "one of the two" in page and "size" in page
    assert not TrainingRun.objects.exists()
