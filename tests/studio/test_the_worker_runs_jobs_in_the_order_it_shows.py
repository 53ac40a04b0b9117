"""A burst of jobs from two people, run by a real worker with two processes: they start in exactly
the order of the queue positions shown when they were queued (everyone's first job first), whatever
order the broker hands out its tasks in."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_q.models import OrmQ

from gallery.studio import services
from gallery.studio.models import Job

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]

TINY = {"size": 32, "steps": 2, "optimizer": "adam"}


def reverse_the_broker() -> None:
    """Hand the tasks out last first: the worker's order must not come from the broker's."""
    rows = list(OrmQ.objects.order_by("id").values_list("key", "payload", "lock"))
    OrmQ.objects.all().delete()
    for key, payload, lock in reversed(rows):
        OrmQ.objects.create(key=key, payload=payload, lock=lock)


def test_a_burst_of_jobs_starts_in_the_order_of_the_positions_shown(
    worker_factory,
    owner,
    other_user,
    owner_client,
    other_client,
    upload_factory,  # noqa: ANN001
):
    clients = {owner.pk: owner_client, other_user.pk: other_client}
    jobs: list[Job] = []
    for person, count in ((owner, 5), (other_user, 3)):
        photo, style = upload_factory(person), upload_factory(person, kind="style", name="style.png")
        for _ in range(count):
            jobs.append(
                services.job_create(owner=person, algorithm="gatys", content=photo, styles=[(style, 1.0)], options=TINY)
            )
    shown = {
        job.pk: clients[job.owner_id].get(reverse("studio:job_progress", args=[job.pk])).json()["queue_position"]
        for job in jobs
    }
    olivia, oscar = [shown[job.pk] for job in jobs[:5]], [shown[job.pk] for job in jobs[5:]]
    assert olivia == [1, 3, 5, 7, 8] and oscar == [2, 4, 6]
    reverse_the_broker()

    worker = worker_factory(Q_WORKERS="2")
    finished = [worker.wait_for(job.pk, Job.FINISHED_STATES, timeout=120) for job in jobs]

    assert all(job.state == Job.State.SUCCEEDED for job in finished), [job.message for job in finished]
    started = [job.pk for job in sorted(finished, key=lambda job: job.started_at)]
    assert started == sorted(shown, key=shown.get)
