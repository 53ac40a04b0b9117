"""Cancel reaches a job inside one long step: stylecore asks the worker's progress writer
`stop_requested()` between the layers of its network, and the writer answers from the cancel
flag, read at most once per PROGRESS_INTERVAL and without writing anything."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django.utils import timezone

from gallery.core import runs
from gallery.studio import services
from gallery.studio.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(owner) -> Job:  # noqa: ANN001
    return Job.objects.create(owner=owner, algorithm="gatys", state=Job.State.RUNNING, started_at=timezone.now())


def test_the_writer_answers_a_cancel_without_writing_progress(running: Job, owner, django_assert_num_queries):  # noqa: ANN001
    writer = runs.ProgressWriter(running, interval=0)
    assert writer.stop_requested() is False
    runs.run_cancel(running)

    with django_assert_num_queries(1):  # one read of the flag, no write
        assert writer.stop_requested() is True
    running.refresh_from_db()
    assert running.step == 0 and running.heartbeat_at is None


def test_the_writer_reads_the_flag_at_most_once_per_interval(running: Job, django_assert_num_queries):  # noqa: ANN001
    writer = runs.ProgressWriter(running, interval=3600)
    assert writer.stop_requested() is False
    runs.run_cancel(running)
    with django_assert_num_queries(0):
        assert [writer.stop_requested() for _ in range(100)] == [False] * 100


def test_the_writer_stops_a_job_that_is_no_longer_running(running: Job):
    writer = runs.ProgressWriter(running, interval=0)
    Job.objects.filter(pk=running.pk).update(state=Job.State.FAILED)  # the sweep gave up on it
    assert writer.stop_requested() is True


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(180)
def test_cancel_stops_a_real_workers_job_inside_its_first_long_step(worker, owner, upload_factory, owner_client):  # noqa: ANN001
    # 384 px on one CPU thread: the style targets and the first step take about 12 s together.
    job = services.job_create(
        owner=owner,
        algorithm="gatys",
        content=upload_factory(owner),
        styles=[(upload_factory(owner, kind="style", name="style.png"), 1.0)],
        options={"size": 384, "steps": 5, "optimizer": "adam"},
    )
    worker.wait_for(job.pk, [Job.State.RUNNING], timeout=60)
    time.sleep(1.0)  # well inside the first step
    assert Job.objects.get(pk=job.pk).step == 0

    asked = time.monotonic()
    owner_client.post(reverse("studio:job_cancel", args=[job.pk]))
    job = worker.wait_for(job.pk, Job.FINISHED_STATES, timeout=30)
    assert job.state == Job.State.CANCELLED and job.step == 0
    assert time.monotonic() - asked < 5, "cancel waited for the end of the step"
