"""kill -9 the worker mid-job, start another: the job ends failed with a message, not stuck "running"."""

from __future__ import annotations

import pytest

from gallery.core.runs import WORKER_DIED_MESSAGE
from gallery.studio.models import Job
from gallery.studio.services import job_create

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]

# Short django-q2 timings, so the tasks the dead worker held are handed out again within seconds (they find the
# job running and leave it: the every-minute sweep fails it once its heartbeat is older than STUDIO_STALE_AFTER).
QUICK_RETRY = {"Q_TIMEOUT": "15", "Q_RETRY": "18"}


def test_a_job_whose_worker_was_killed_ends_failed_when_a_new_worker_starts(
    worker_factory,
    owner,
    upload_factory,  # noqa: ANN001
):
    first = worker_factory(**QUICK_RETRY)
    job = job_create(
        owner=owner,
        algorithm="gatys",
        content=upload_factory(owner),
        styles=[(upload_factory(owner, kind="style"), 1.0)],
        options={"size": 32, "steps": 5000, "optimizer": "adam"},
    )
    first.wait_for(job.pk, [Job.State.RUNNING], timeout=90)

    first.kill()
    second = worker_factory(**QUICK_RETRY)

    job = second.wait_for(job.pk, Job.FINISHED_STATES, timeout=90)
    assert job.state == Job.State.FAILED
    assert job.message == WORKER_DIED_MESSAGE
    assert job.finished_at is not None
