"""Two `manage.py qcluster` processes on one Redis queue and one PostgreSQL database: a burst of jobs is shared
by both and each job runs exactly once; cancel reaches a job on either worker."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from gallery.studio.models import Job
from gallery.studio.services import job_cancel, job_create
from tests.conftest import Worker
from tests.scaleout.conftest import jobs_started

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


def submit(owner, upload_factory, *, algorithm: str = "gatys", steps: int = 20) -> Job:  # noqa: ANN001
    if algorithm == "denoise":
        return job_create(owner=owner, algorithm="denoise", content=upload_factory(owner), options={"steps": steps})
    return job_create(
        owner=owner,
        algorithm="gatys",
        content=upload_factory(owner),
        styles=[(upload_factory(owner, kind="style", name="style.png"), 1.0)],
        options={"size": 32, "steps": steps, "optimizer": "adam"},
    )


def test_a_burst_of_jobs_is_shared_by_both_workers_and_each_runs_once(
    two_workers: tuple[Worker, Worker],
    owner,
    upload_factory,  # noqa: ANN001
) -> None:
    first, second = two_workers
    jobs = [submit(owner, upload_factory, algorithm="denoise" if i % 4 == 3 else "gatys") for i in range(8)]

    for job in jobs:
        finished = first.wait_for(job.pk, Job.FINISHED_STATES, timeout=180)
        assert finished.state == Job.State.SUCCEEDED, finished.message

    ids = {job.pk for job in jobs}
    by_first = [pk for pk in jobs_started(first) if pk in ids]
    by_second = [pk for pk in jobs_started(second) if pk in ids]
    assert by_first and by_second, f"one worker ran them all: {by_first} / {by_second}"
    assert Counter(by_first + by_second) == Counter(ids), "a job ran twice, or ran without a claim"


def test_cancel_reaches_a_running_job_on_either_worker(
    two_workers: tuple[Worker, Worker],
    owner,
    upload_factory,  # noqa: ANN001
) -> None:
    running: dict[int, int] = {}  # worker index -> the job it runs
    submitted = []
    # A busy worker holds a task or two it has fetched ahead, so jobs are added until the other one takes one.
    deadline = time.monotonic() + 120
    while len(running) < 2 and time.monotonic() < deadline:
        if len(submitted) < 8 and len(submitted) - len(running) < 3:
            submitted.append(submit(owner, upload_factory, steps=5000))
        time.sleep(1)
        for index, worker in enumerate(two_workers):
            started = [pk for pk in jobs_started(worker) if pk in {job.pk for job in submitted}]
            if started and index not in running:
                running[index] = started[0]
    assert len(running) == 2, f"only {len(running)} worker(s) took a job: {running}"

    for index, pk in running.items():
        two_workers[index].wait_for(pk, [Job.State.RUNNING])
        job_cancel(job=Job.objects.get(pk=pk), by=owner)
    for index, pk in running.items():
        assert two_workers[index].wait_for(pk, [Job.State.CANCELLED], timeout=60).state == Job.State.CANCELLED

    for job in submitted:  # the rest, still queued, are cancelled at once
        job_cancel(job=Job.objects.get(pk=job.pk), by=owner)
    assert set(Job.objects.filter(pk__in=[j.pk for j in submitted]).values_list("state", flat=True)) == {"cancelled"}
