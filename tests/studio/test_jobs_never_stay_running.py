"""A job ends failed, with a message its owner can act on, whatever happens to its worker or its run."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gallery.core import runs
from gallery.core.runs import UNEXPECTED_ERROR_MESSAGE, WORKER_DIED_MESSAGE
from gallery.studio import algorithms, services
from gallery.studio.models import Job
from gallery.stylemodels.models import TrainingRun
from stylecore.errors import WeightsError

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(owner, upload_factory) -> Job:  # noqa: ANN001
    return services.job_create(
        owner=owner,
        algorithm="gatys",
        content=upload_factory(owner),
        styles=[(upload_factory(owner, kind="style"), 1.0)],
        options={"size": 32, "steps": 2},
    )


def make_running(job: Job, *, heartbeat_age: float) -> None:
    beat = timezone.now() - timedelta(seconds=heartbeat_age)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, started_at=beat, heartbeat_at=beat)


def test_a_job_whose_heartbeat_stopped_reads_as_failed_without_the_read_writing(
    job: Job,
    owner_client: Client,
    settings,  # noqa: ANN001
):
    make_running(job, heartbeat_age=settings.STUDIO["STALE_AFTER"] + 5)
    progress = owner_client.get(reverse("studio:job_progress", args=[job.pk])).json()
    assert progress["state"] == "failed" and progress["finished"]
    assert progress["message"] == WORKER_DIED_MESSAGE
    assert Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).exists()  # only the sweep writes it


def test_a_job_with_a_fresh_heartbeat_reads_as_running(job: Job, owner_client: Client):  # noqa: ANN001
    make_running(job, heartbeat_age=1)
    assert owner_client.get(reverse("studio:job_progress", args=[job.pk])).json()["state"] == "running"


def test_the_sweep_fails_stale_jobs_and_leaves_live_ones_alone(job: Job, owner, upload_factory, settings):  # noqa: ANN001
    live = services.job_create(owner=owner, algorithm="denoise", content=upload_factory(owner))
    make_running(job, heartbeat_age=settings.STUDIO["STALE_AFTER"] + 5)
    make_running(live, heartbeat_age=1)
    assert runs.runs_fail_stale() == 1
    assert Job.objects.filter(pk=job.pk, state=Job.State.FAILED, message=WORKER_DIED_MESSAGE).exists()
    assert Job.objects.filter(pk=live.pk, state=Job.State.RUNNING).exists()


def test_the_sweep_covers_training_runs_too(settings):  # noqa: ANN001
    beat = timezone.now() - timedelta(seconds=settings.STUDIO["STALE_AFTER"] + 5)
    run = TrainingRun.objects.create(name="Stale", state=TrainingRun.State.RUNNING, started_at=beat, heartbeat_at=beat)
    assert runs.runs_fail_stale() == 1
    assert TrainingRun.objects.filter(pk=run.pk, state=TrainingRun.State.FAILED).exists()


def test_a_task_redelivered_after_its_worker_died_does_not_rerun_the_job(job: Job, settings):  # noqa: ANN001
    make_running(job, heartbeat_age=1)  # what the dead worker left behind
    assert runs.run_next() is False  # the task, handed out again, finds nothing queued
    assert Job.objects.filter(pk=job.pk, state=Job.State.RUNNING, step=0).exists()
    make_running(job, heartbeat_age=settings.STUDIO["STALE_AFTER"] + 5)
    assert runs.runs_fail_stale() == 1  # the sweep ends it once its heartbeat is old
    assert Job.objects.filter(pk=job.pk, state=Job.State.FAILED, message=WORKER_DIED_MESSAGE).exists()


def test_a_job_cancelled_while_queued_is_not_run(job: Job, owner):  # noqa: ANN001
    services.job_cancel(job=job, by=owner)
    assert runs.run_next() is False  # its task finds nothing to run
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED and job.started_at is None


def _replace_runner(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    def run(config, inputs, on_progress):  # noqa: ANN001, ANN202
        raise error

    entry = algorithms.REGISTRY["gatys"]
    monkeypatch.setitem(algorithms.REGISTRY, "gatys", dataclasses.replace(entry, run=run))


def test_a_stylecore_error_fails_the_job_with_its_own_message(job: Job, monkeypatch: pytest.MonkeyPatch):
    message = "Could not download the VGG19 weights; set STYLECORE_VGG_WEIGHTS to a local file."
    _replace_runner(monkeypatch, WeightsError(message))
    services.job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.message == message and job.finished_at


def test_an_unexpected_error_fails_the_job_with_a_generic_message_and_is_logged(
    job: Job, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    _replace_runner(monkeypatch, ZeroDivisionError("secret internals"))
    services.job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.message == UNEXPECTED_ERROR_MESSAGE
    assert "secret internals" in caplog.text


def test_the_job_page_shows_a_failed_jobs_message(job: Job, owner_client: Client):
    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED, message="The image is truncated or damaged.")
    page = owner_client.get(job.get_absolute_url()).content.decode()
    assert "The image is truncated or damaged." in page
