"""One order: everyone's first job before anyone's second, first come first served within that; the
worker starts runs in that order (whichever run added the task it is running) and the position
shown to people is their place in it."""

from __future__ import annotations

import dataclasses

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gallery.core import runs
from gallery.studio import algorithms, selectors, services
from gallery.studio.models import Job
from gallery.stylemodels.models import TrainingRun
from stylecore.errors import StylecoreError

pytestmark = pytest.mark.django_db

TINY = {"size": 32, "steps": 2, "optimizer": "adam"}


@pytest.fixture
def queue_job(upload_factory):  # noqa: ANN001, ANN201
    """queue_job(person) -> a new tiny Gatys job of theirs, queued."""
    inputs: dict[int, tuple] = {}

    def make(person) -> Job:  # noqa: ANN001
        if person.pk not in inputs:
            inputs[person.pk] = (upload_factory(person), upload_factory(person, kind="style", name="style.png"))
        photo, style = inputs[person.pk]
        return services.job_create(owner=person, algorithm="gatys", content=photo, styles=[(style, 1.0)], options=TINY)

    return make


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of the jobs the worker's task starts, in order (each then ends at once)."""
    order: list[int] = []

    def run(config, inputs, on_progress):  # noqa: ANN001, ANN202
        order.append(on_progress.run.pk)
        raise StylecoreError("recorded")

    monkeypatch.setitem(algorithms.REGISTRY, "gatys", dataclasses.replace(algorithms.REGISTRY["gatys"], run=run))
    return order


def positions(jobs: list[Job]) -> list[int | None]:
    return [selectors.queue_position(Job.objects.get(pk=job.pk)) for job in jobs]


def run_all() -> None:
    while runs.run_next():
        pass


def test_one_persons_jobs_run_first_come_first_served(owner, queue_job, started: list[int]):  # noqa: ANN001
    jobs = [queue_job(owner) for _ in range(3)]
    assert positions(jobs) == [1, 2, 3]
    run_all()
    assert started == [job.pk for job in jobs]


def test_everyones_first_job_comes_before_anyones_second(owner, other_user, queue_job, started: list[int]):  # noqa: ANN001
    olivia = [queue_job(owner) for _ in range(3)]
    oscar = [queue_job(other_user) for _ in range(2)]
    assert positions(olivia) == [1, 3, 5] and positions(oscar) == [2, 4]

    run_all()
    assert started == [olivia[0].pk, oscar[0].pk, olivia[1].pk, oscar[1].pk, olivia[2].pk]


def test_a_running_job_counts_as_one_of_its_owners(owner, other_user, queue_job):  # noqa: ANN001
    first = queue_job(owner)
    Job.objects.filter(pk=first.pk).update(state=Job.State.RUNNING)
    second = queue_job(owner)  # joins in round 1: olivia already has the worker
    oscars = queue_job(other_user)
    assert positions([oscars, second]) == [1, 2]


def test_the_job_page_and_the_api_show_the_same_position(
    owner,
    other_user,
    queue_job,
    owner_client: Client,  # noqa: ANN001
):
    queue_job(owner)
    second = queue_job(owner)
    queue_job(other_user)
    progress = owner_client.get(reverse("studio:job_progress", args=[second.pk])).json()
    assert progress["queue_position"] == 3
    assert "(position 3)" in owner_client.get(second.get_absolute_url()).content.decode()


def test_training_runs_wait_in_the_same_queue(owner, staff_user, queue_job):  # noqa: ANN001
    job = queue_job(owner)
    training = TrainingRun.objects.create(name="Waves", created_by=staff_user)
    runs.run_enqueue_on_commit(training)
    later = queue_job(owner)
    assert runs.run_queue_position(training) == 2 and positions([job, later]) == [1, 3]


def test_a_cancelled_jobs_task_runs_the_next_one_in_line(owner, queue_job, started: list[int]):  # noqa: ANN001
    first, second = queue_job(owner), queue_job(owner)
    services.job_cancel(job=first, by=owner)
    assert positions([second]) == [1]
    assert runs.run_next() is True and started == [second.pk]  # the cancelled job's task, say
    assert runs.run_next() is False  # the second job's own task finds nothing left


def test_one_runs_counted_position_agrees_with_the_whole_queue(owner, other_user, staff_user):  # noqa: ANN001
    """The job page's poll counts the runs ahead of one run (SQL); lists read the whole queue: the same places
    for jobs and training runs in several rounds, with tied queue times, requeued runs and finished ones."""
    at = timezone.now()
    tick = timezone.timedelta(seconds=1)
    made: list[runs.QueuedRun] = []
    # (type, round, queued seconds, state): ties in round and time across and within types
    plan = [
        ("job", 1, 0, "queued"), ("training", 0, 2, "queued"), ("job", 0, 2, "queued"), ("job", 0, 2, "queued"),
        ("training", 1, 0, "queued"), ("job", 0, 1, "running"), ("training", 0, 1, "queued"),
        ("job", 2, 0, "queued"), ("job", 0, 0, "cancelled"), ("training", 0, 2, "queued"), ("job", 1, 3, "queued"),
    ]  # fmt: skip
    for i, (kind, round_, seconds, state) in enumerate(plan):
        fields = {"queue_round": round_, "queued_at": at + seconds * tick, "state": state}
        if i % 3 == 0:
            fields["requeued_at"] = at + 5 * tick  # given a new task by the sweep: its place stays
        if kind == "job":
            made.append(Job.objects.create(owner=(owner, other_user)[i % 2], algorithm="gatys", **fields))
        else:
            made.append(TrainingRun.objects.create(name=f"Run {i}", created_by=staff_user, **fields))

    everyone = runs.run_queue_positions()
    assert sorted(everyone.values()) == list(range(1, 10))
    for run in made:
        assert runs.run_queue_position(run) == everyone.get((type(run), run.pk)), run
    assert runs.run_queue_positions(made) == everyone  # a page's runs, counted for them (one query per type)
    assert runs.run_queue_positions(made[:3]) == {
        (type(run), run.pk): everyone[(type(run), run.pk)] for run in made[:3] if run.state == "queued"
    }

    # Loaded while queued, started before its position is counted: no position, as in the whole queue's.
    waiting = next(run for run in made if run.state == "queued")
    type(waiting).objects.filter(pk=waiting.pk).update(state="running")
    assert runs.run_queue_position(waiting) is None
