"""A queued job whose worker task was lost (its broker row gone: refused, deleted) does not wait
forever, holding everyone's place: the every-minute sweep gives it a new task once, and fails it
with a message if that one is lost too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import OrmQ

from gallery.core import runs
from gallery.core.runs import LOST_MESSAGE, RUN_NEXT_TASK
from gallery.core.tasks import sweep_stale_runs
from gallery.studio import services
from gallery.studio.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue_job(owner, upload_factory, django_capture_on_commit_callbacks):  # noqa: ANN001, ANN201
    """queue_job() -> a queued job of the owner's, its task handed to the broker."""
    photo = upload_factory(owner)

    def make() -> Job:
        with django_capture_on_commit_callbacks(execute=True):
            return services.job_create(owner=owner, algorithm="denoise", content=photo, options={"steps": 2})

    return make


def tasks() -> list[OrmQ]:
    return [row for row in OrmQ.objects.all() if row.task.get("func") == RUN_NEXT_TASK]


def lose_task_of(job: Job) -> None:
    """Delete the broker row of the task the job added, as a broker that refused it would."""
    (row,) = [row for row in tasks() if row.task.get("name") == f"job-{job.pk}"]
    row.delete()


def queued_long_ago(*jobs: Job) -> None:
    """Past the grace period (STALE_AFTER) since they were queued, or requeued."""
    long_ago = timezone.now() - timedelta(hours=1)
    Job.objects.filter(pk__in=[job.pk for job in jobs]).update(queued_at=long_ago)
    Job.objects.filter(pk__in=[job.pk for job in jobs], requeued_at__isnull=False).update(requeued_at=long_ago)


def test_a_queued_job_whose_task_vanished_gets_a_new_one(queue_job):  # noqa: ANN001
    job = queue_job()
    lose_task_of(job)
    assert runs.runs_requeue_lost() == 0  # within the grace period: its task may still be on its way

    queued_long_ago(job)
    assert sweep_stale_runs() == 1
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED and job.requeued_at is not None
    assert [row.task["name"] for row in tasks()] == [f"job-{job.pk}"]
    assert runs.runs_requeue_lost() == 0  # it has a task again


def test_a_job_whose_task_is_lost_again_fails_with_a_message(queue_job):  # noqa: ANN001
    job = queue_job()
    lose_task_of(job)
    queued_long_ago(job)
    runs.runs_requeue_lost()

    lose_task_of(job)
    assert runs.runs_requeue_lost() == 0  # the new task gets its own grace period
    queued_long_ago(job)
    assert runs.runs_requeue_lost() == 1
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.message == LOST_MESSAGE and job.finished_at


def test_the_task_a_cancelled_job_left_serves_the_job_whose_task_was_lost(queue_job, owner):  # noqa: ANN001
    cancelled, waiting = queue_job(), queue_job()
    services.job_cancel(job=cancelled, by=owner)
    lose_task_of(waiting)
    queued_long_ago(cancelled, waiting)
    assert runs.runs_requeue_lost() == 0  # one task for one queued job: nothing is missing
    assert len(tasks()) == 1


def test_a_running_jobs_task_is_not_free_for_the_queued_ones(queue_job):  # noqa: ANN001
    running, first, last = queue_job(), queue_job(), queue_job()
    Job.objects.filter(pk=running.pk).update(state=Job.State.RUNNING, started_at=timezone.now())
    lose_task_of(first)
    queued_long_ago(running, first, last)

    assert runs.runs_requeue_lost() == 1
    # Tasks run whichever job comes first, so the one left without a task is the last in line.
    assert list(Job.objects.filter(requeued_at__isnull=False).values_list("pk", flat=True)) == [last.pk]
