"""kill -9 one of two workers mid-job on the Redis queue: Redis forgets the task the dead worker held, so the
stale sweep (run by the surviving worker's scheduler) fails the job with the usual message; it never runs
twice, and the other worker goes on with the next job."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from gallery.core.runs import WORKER_DIED_MESSAGE
from gallery.studio.models import Job
from tests.conftest import Worker
from tests.scaleout.conftest import jobs_started
from tests.scaleout.test_two_workers_share_one_redis_queue import submit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


def test_a_job_whose_worker_was_killed_ends_failed_and_runs_nowhere_else(
    worker_factory: Callable[..., Worker],
    owner,
    upload_factory,  # noqa: ANN001
) -> None:
    workers = [worker_factory(), worker_factory()]
    job = submit(owner, upload_factory, steps=5000)
    workers[0].wait_for(job.pk, [Job.State.RUNNING], timeout=90)
    deadline = time.monotonic() + 10  # the claim is logged just after the row says running
    while not (killed := [w for w in workers if job.pk in jobs_started(w)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(killed) == 1, "no worker (or both) logged the claim"
    (survivor,) = [w for w in workers if w is not killed[0]]

    killed[0].kill()
    job = survivor.wait_for(job.pk, Job.FINISHED_STATES, timeout=150)
    assert (job.state, job.message) == (Job.State.FAILED, WORKER_DIED_MESSAGE)
    assert job.finished_at is not None
    assert job.pk not in jobs_started(survivor), "the job ran a second time"

    after = submit(owner, upload_factory, steps=3)
    assert survivor.wait_for(after.pk, Job.FINISHED_STATES, timeout=90).state == Job.State.SUCCEEDED
    assert job.pk not in jobs_started(survivor)
