"""The one lifecycle of every queued run (studio jobs, training runs, and any later run type).

A run is a row that a django-q2 task works through:

    queued --claim--> running --finish--> succeeded | failed | cancelled
      \\--cancel (at once)--> cancelled      running --cancel--> cancel_requested, then cancelled

`QueuedRun` holds the fields every run has; the functions below are the only code that moves a
run between states. The worker reports through `ProgressWriter` (throttled row updates, the
cancel flag read back) and `Heartbeat` (a thread touching `heartbeat_at`).

The order runs start in is decided here, not by the broker: every enqueued run adds one django-q2
task, `run_next`, and each such task runs whichever queued run of any type comes first in
QUEUE_ORDER when a worker takes it (so neither the broker's order, nor the tasks a worker
prefetches, nor several worker processes change it). A run's place is (round, queued_at): its
round is how many runs its owner had queued or running when it joined, so everyone's first run
comes before anyone's second (fair across people), first come first served within a round. The
queue position shown to people counts the runs ahead in that same order.

Staleness is computed on read: a running row whose heartbeat is older than STALE_AFTER is
*loaded* as failed with WORKER_DIED_MESSAGE (in memory only), so every page, the API and the
admin agree without a GET writing anything; `runs_fail_stale` (a django-q2 schedule) is the one
writer of that state.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, ClassVar, NamedTuple, TypeVar

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from PIL import Image

from stylecore.errors import StylecoreError
from stylecore.progress import Progress

from .conf import studio_setting
from .images import jpeg_file

logger = logging.getLogger(__name__)

WORKER_DIED_MESSAGE = (
    "The worker stopped during this job (killed, out of memory or over the time limit). Start it again."
)
UNEXPECTED_ERROR_MESSAGE = "Something went wrong in the worker while running this job; the error was logged."
LOST_MESSAGE = (
    "This job lost its place in the worker's queue twice (the queue refused its task), so it was stopped. "
    "Start it again; if it happens again, tell the site's staff."
)
RUN_NEXT_TASK = "gallery.core.tasks.run_next_queued"  # the one django-q2 task every enqueued run adds
# The queue: lower rounds first, then first come, first served (pk breaks ties within a run type).
QUEUE_ORDER = ("queue_round", "queued_at", "pk")


class RunState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_STATES = (RunState.QUEUED, RunState.RUNNING)


class QueuedRun(models.Model):
    """Fields and read-side rules shared by every run type. Subclasses add their inputs, a
    `preview` FileField, and say what runs one of them (`task_path`) and whose it is (`owner_field`)."""

    State = RunState
    FINISHED_STATES = (RunState.SUCCEEDED, RunState.FAILED, RunState.CANCELLED)

    task_path: ClassVar[str]  # runs one queued row: called by run_next with its id, returns whether it claimed it
    task_prefix: ClassVar[str]  # names the task in django-q2's admin: "<prefix>-<id>"
    owner_field: ClassVar[str]  # the foreign key to the person the run is for (fair ordering)
    preview_side: ClassVar[int] = 768  # the stored preview's longer side

    state = models.CharField(max_length=10, choices=RunState.choices, default=RunState.QUEUED, db_index=True)
    cancel_requested = models.BooleanField(default=False)
    message = models.TextField(blank=True)  # why it failed or stopped, shown as-is
    # Progress, written by the worker (throttled) and read by the page's JSON endpoint.
    step = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    stage = models.CharField(max_length=60, blank=True)
    losses = models.JSONField(default=dict, blank=True)
    eta_seconds = models.FloatField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)  # django-q2's id, for the admin
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Its place in the queue (QUEUE_ORDER), set each time it is queued (run_enqueue_on_commit).
    queued_at = models.DateTimeField(default=timezone.now)
    queue_round = models.PositiveIntegerField(default=0)  # its owner's queued and running runs when it joined
    requeued_at = models.DateTimeField(null=True, blank=True)  # when the sweep gave it a new task (once)

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: str | None, field_names: list[str], values: list[Any]) -> QueuedRun:
        run = super().from_db(db, field_names, values)
        if run.is_stale:
            run.state, run.message, run.eta_seconds = RunState.FAILED, WORKER_DIED_MESSAGE, None
            run.finished_at = run.last_sign_of_life
        return run

    @property
    def last_sign_of_life(self) -> Any:
        return self.heartbeat_at or self.started_at or self.created_at

    @property
    def is_stale(self) -> bool:
        """Running, but its worker has not beaten for STALE_AFTER seconds (killed, out of memory)."""
        if self.state != RunState.RUNNING or self.last_sign_of_life is None:
            return False
        return (timezone.now() - self.last_sign_of_life).total_seconds() > studio_setting("STALE_AFTER")

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED_STATES

    @property
    def percent(self) -> int:
        if self.state == RunState.SUCCEEDED:
            return 100
        return round(100 * self.step / self.total) if self.total else 0

    def elapsed_seconds(self) -> float | None:
        if self.started_at is None:
            return None
        return round(((self.finished_at or timezone.now()) - self.started_at).total_seconds(), 1)


R = TypeVar("R", bound=QueuedRun)


def run_progress(run: QueuedRun) -> dict[str, Any]:
    """The fields every run's live JSON shares (pages add their own URLs)."""
    return {
        "id": run.pk,
        "state": run.state,
        "state_label": run.get_state_display(),
        "finished": run.is_finished,
        "cancel_requested": run.cancel_requested,
        "step": run.step,
        "total": run.total,
        "percent": run.percent,
        "stage": run.stage,
        "losses": run.losses,
        "eta_seconds": run.eta_seconds,
        "message": run.message,
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "elapsed_seconds": run.elapsed_seconds(),
    }


# --- The queue: one order, followed by the worker and shown as positions -------------------------


class Waiting(NamedTuple):
    """A queued run and its place in the queue."""

    place: tuple[int, datetime, int, int]  # (round, queued_at, rank of its type, pk): QUEUE_ORDER across types
    model: type[QueuedRun]
    pk: int
    requeued_at: datetime | None


def waiting_in_order() -> list[Waiting]:
    """Every queued run of every type, in the order the worker starts them (QUEUE_ORDER)."""
    waiting = []
    for rank, model in enumerate(run_models()):
        rows = model.objects.filter(state=RunState.QUEUED).values_list(*QUEUE_ORDER, "requeued_at")
        waiting += [Waiting((r, at, rank, pk), model, pk, again) for r, at, pk, again in rows]
    return sorted(waiting, key=lambda run: run.place)


QueuePositions = dict[tuple[type[models.Model], int], int]


def run_queue_positions(runs: Iterable[QueuedRun] | None = None) -> QueuePositions:
    """Queued runs' places, (model, pk) -> 1 for the next to start: of `runs` (a page of them: one query per type
    among them counts the runs ahead of each), or of every queued run from one reading of the whole queue."""
    if runs is None:
        return {(run.model, run.pk): position for position, run in enumerate(waiting_in_order(), start=1)}
    queued: dict[type[QueuedRun], list[int]] = {}
    for run in runs:
        if run.state == RunState.QUEUED:
            queued.setdefault(type(run), []).append(run.pk)
    models = tuple(run_models())
    positions: QueuePositions = {}
    for model, pks in queued.items():
        with connection.cursor() as cursor:
            cursor.execute(
                _positions_sql(model, models, len(pks)),
                [RunState.QUEUED.value] * len(models) + pks + [RunState.QUEUED.value],
            )
            positions |= {(model, pk): position for pk, position in cursor.fetchall()}
    return positions


def run_queue_position(run: QueuedRun, positions: QueuePositions | None = None) -> int | None:
    """1 = starts next: its place in the very order the worker follows (waiting_in_order); None when not queued
    or it left the queue meanwhile. One run (a job page's poll) counts the runs ahead of it rather than read and
    sort the whole queue."""
    if run.state != RunState.QUEUED:
        return None
    return (run_queue_positions([run]) if positions is None else positions).get((type(run), run.pk))


@functools.lru_cache(maxsize=256)
def _positions_sql(model: type[QueuedRun], models: tuple[type[QueuedRun], ...], count: int) -> str:
    """(pk, 1 + the queued runs of every type ahead of it) for `count` runs of `model`, by their places as stored
    now (no row for one that left the queue): waiting_in_order's (round, queued_at, rank of its type, pk), as SQL.
    Written once per shape: the ORM would compile it on every poll, which cost more than running it."""
    quote = connection.ops.quote_name
    rnd, at, state = (quote(model._meta.get_field(name).column) for name in ("queue_round", "queued_at", "state"))
    key = quote(model._meta.pk.column)
    rank = models.index(model)
    counts = []
    for other_rank, other in enumerate(models):
        if other_rank == rank:  # same type: pk breaks a tie of queued_at
            same_round = f"(w.{at} < me.{at} OR (w.{at} = me.{at} AND w.{quote(other._meta.pk.column)} < me.pk))"
        else:  # a type ranked before it wins a tie of queued_at, one after it loses it
            same_round = f"w.{at} {'<=' if other_rank < rank else '<'} me.{at}"
        counts.append(
            f"(SELECT COUNT(*) FROM {quote(other._meta.db_table)} w WHERE w.{state} = %s"
            f" AND (w.{rnd} < me.{rnd} OR (w.{rnd} = me.{rnd} AND {same_round})))"
        )
    return (
        f"SELECT me.pk, 1 + {' + '.join(counts)} FROM (SELECT {rnd}, {at}, {key} AS pk"
        f" FROM {quote(model._meta.db_table)} WHERE {key} IN ({', '.join(['%s'] * count)}) AND {state} = %s) me"
    )


# --- Writes ------------------------------------------------------------------------------------


def _active_runs_of(owner_id: int | None) -> int:
    """How many runs of every type the owner has queued or running."""
    if owner_id is None:
        return 0
    return sum(
        model.objects.filter(**{f"{model.owner_field}_id": owner_id}, state__in=ACTIVE_STATES).count()
        for model in run_models()
    )


def run_enqueue_on_commit(run: QueuedRun) -> None:
    """Give the (saved, queued) run its place in the queue and hand a worker task to django-q2 once
    the transaction commits (so the worker finds the row)."""
    model, run_id = type(run), run.pk
    rows = model.objects.filter(pk=run_id)
    others = _active_runs_of(getattr(run, f"{model.owner_field}_id")) - rows.filter(state__in=ACTIVE_STATES).count()
    run.queued_at, run.queue_round, run.requeued_at = timezone.now(), max(others, 0), None
    rows.update(queued_at=run.queued_at, queue_round=run.queue_round, requeued_at=None)
    transaction.on_commit(lambda: run_enqueue(model, run_id))


def run_enqueue(model: type[QueuedRun], run_id: int) -> None:
    from django_q.tasks import async_task  # django-q2 imports Django models: not at module import

    task_id = async_task(RUN_NEXT_TASK, task_name=f"{model.task_prefix}-{run_id}")
    model.objects.filter(pk=run_id).update(task_id=task_id or "")


def run_cancel(run: R) -> R:
    """A queued run is cancelled at once; a running one is asked to stop (the worker reads the
    flag within about PROGRESS_INTERVAL and ends it as cancelled)."""
    rows = type(run).objects.filter(pk=run.pk)
    if not rows.filter(state=RunState.QUEUED).update(
        state=RunState.CANCELLED, cancel_requested=True, finished_at=timezone.now()
    ):
        rows.filter(state=RunState.RUNNING).update(cancel_requested=True)
    run.refresh_from_db()
    return run


def run_finish(model: type[QueuedRun], run_id: int, state: str, message: str = "", **fields: Any) -> bool:
    """Move a running run to a final state unless someone else already did (returns whether it moved)."""
    return bool(
        model.objects.filter(pk=run_id, state=RunState.RUNNING).update(
            state=state, message=message, finished_at=timezone.now(), eta_seconds=None, **fields
        )
    )


def run_claim(model: type[R], run_id: int) -> R | None:
    """Claim a queued run for this worker; None when it is not queued (another worker took it, it was
    cancelled, deleted or finished). A dead worker's run is never re-run: its heartbeat stops and the
    sweep fails it, since the same input would likely kill the worker again."""
    rows = model.objects.filter(pk=run_id)
    with transaction.atomic():  # on SQLite this waits for the write lock, so started_at follows the claims
        now = timezone.now()
        if not rows.filter(state=RunState.QUEUED).update(state=RunState.RUNNING, started_at=now, heartbeat_at=now):
            return None
    logger.info(
        "%s %s started by worker process %s on %s", model.task_prefix, run_id, os.getpid(), socket.gethostname()
    )
    return rows.first()


def run_next() -> bool:
    """The worker's one task: run the queued run that comes first now, whichever run added this task
    (tasks are interchangeable, so the broker's order does not matter). Returns whether one ran; a
    task left over from a cancelled run finds none, or the next one in line."""
    while waiting := waiting_in_order():
        if import_string(waiting[0].model.task_path)(waiting[0].pk):
            return True
        # another worker claimed it (or it was cancelled) in the meantime: the next one
    return False


def run_execute(
    model: type[R],
    run_id: int,
    work: Callable[[R], None],
    *,
    failure_fields: Callable[[R], dict[str, Any]] = lambda run: {},
) -> bool:
    """Claim the run and do `work(run)`, which finishes it; returns whether it was claimed. Bad input
    (StylecoreError) fails the run with stylecore's message; anything else with a generic one, and is
    logged."""
    run = run_claim(model, run_id)
    if run is None:
        return False
    try:
        work(run)
    except StylecoreError as error:
        logger.info("%s %s failed: %s", model.task_prefix, run.pk, error)
        run_finish(model, run.pk, RunState.FAILED, str(error), **failure_fields(run))
    except Exception:
        logger.exception("%s %s: unexpected error", model.task_prefix, run.pk)
        run_finish(model, run.pk, RunState.FAILED, UNEXPECTED_ERROR_MESSAGE, **failure_fields(run))
    return True


def _stale_rows(model: type[QueuedRun]) -> models.QuerySet:
    cutoff = timezone.now() - timedelta(seconds=studio_setting("STALE_AFTER"))
    last_sign = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    return model.objects.filter(last_sign, state=RunState.RUNNING)


def runs_fail_stale() -> int:
    """The periodic sweep (a django-q2 schedule): write "failed" on every run type's stale rows."""
    count = 0
    for model in run_models():
        stale = list(_stale_rows(model).values_list("pk", flat=True))
        if not stale:
            continue
        # re-filtered on update: a row that beat again meanwhile stays running
        count += (
            _stale_rows(model)
            .filter(pk__in=stale)
            .update(state=RunState.FAILED, message=WORKER_DIED_MESSAGE, finished_at=timezone.now(), eta_seconds=None)
        )
        logger.warning("%s %s: no heartbeat, marked failed by the sweep", model.task_prefix, stale)
    return count


def _live_tasks() -> int | None:
    """How many run_next tasks the broker holds, taken by a worker or not; None when the broker cannot
    tell (Redis: a task a worker has taken leaves its list, so a missing one proves nothing)."""
    from django_q.brokers import get_broker
    from django_q.brokers.orm import ORM
    from django_q.models import OrmQ

    broker = get_broker()
    if not isinstance(broker, ORM):
        return None
    # The ORM broker keeps a task's row until the task is done; a row that cannot be read is dropped by the worker.
    return sum(1 for row in OrmQ.objects.filter(key=broker.list_key) if row.task.get("func") == RUN_NEXT_TASK)


def runs_requeue_lost() -> int:
    """The periodic sweep's second half: queued runs no task will reach get a new task, once; a run
    whose task was lost again is failed with LOST_MESSAGE. Returns how many it requeued or failed.

    Tasks are interchangeable (run_next), so a lost task shows as fewer tasks than queued runs, and
    the runs last in line are the ones no task will reach. The broker keeps a running run's task
    until the run ends, so the tasks left for queued runs are the live ones less the running runs.
    Only runs queued (or requeued) longer than STALE_AFTER ago count: a task being handed over is
    not lost."""
    live = _live_tasks()
    if live is None:
        return 0
    running = sum(model.objects.filter(state=RunState.RUNNING).count() for model in run_models())
    waiting = waiting_in_order()
    missing = len(waiting) - max(live - running, 0)
    if missing <= 0:
        return 0
    cutoff = timezone.now() - timedelta(seconds=studio_setting("STALE_AFTER"))
    lost = [run for run in waiting if (run.requeued_at or run.place[1]) < cutoff][-missing:]
    count = 0
    for model in run_models():
        again = [run.pk for run in lost if run.model is model and run.requeued_at is None]
        twice = [run.pk for run in lost if run.model is model and run.requeued_at is not None]
        rows = model.objects.filter(state=RunState.QUEUED)
        if twice:
            count += rows.filter(pk__in=twice).update(
                state=RunState.FAILED, message=LOST_MESSAGE, finished_at=timezone.now()
            )
            logger.error("%s %s: task lost twice, marked failed by the sweep", model.task_prefix, twice)
        if again:
            count += rows.filter(pk__in=again).update(requeued_at=timezone.now())
            for pk in again:
                run_enqueue(model, pk)
            logger.warning("%s %s: no task left for them, requeued by the sweep", model.task_prefix, again)
    return count


def run_models() -> list[type[QueuedRun]]:
    """Every concrete run type of the installed apps."""
    return [model for model in apps.get_models() if issubclass(model, QueuedRun)]


# --- The worker's reports ----------------------------------------------------------------------


class ProgressWriter:
    """A stylecore ProgressCallback for one run: writes step, total, stage, losses, ETA and the
    latest preview to the row at most once per `interval` seconds, and returns True (stop) once a
    cancel was asked or the run is no longer running; `stop_requested()` answers the same inside a
    long step without writing. Subclasses add fields (`extra_fields`)."""

    def __init__(self, run: QueuedRun, *, interval: float | None = None) -> None:
        self.run = run
        self.interval = studio_setting("PROGRESS_INTERVAL") if interval is None else interval
        self.stopping = False
        self._last_write = self._last_read = float("-inf")
        self._thread = threading.get_ident()
        self._pending: Progress | None = None
        self._preview: Image.Image | None = None
        self._stage: str | None = None
        self._stage_start = (0.0, 0)  # (time, step) of the first report in the current stage

    def __call__(self, progress: Progress) -> bool:
        if progress.stage != self._stage:  # a new stage (scale, denoise pass) restarts the ETA
            self._stage, self._stage_start = progress.stage, (time.monotonic(), progress.step)
        if progress.preview is not None:
            self._preview = progress.preview
        self._pending = progress
        now = time.monotonic()
        if now - self._last_write >= self.interval or progress.step >= progress.total:
            self._last_write = now
            self.flush()
        return self.stopping

    def _eta(self, progress: Progress) -> float | None:
        """Seconds left at the pace measured since the stage's first report (None until known)."""
        started, first_step = self._stage_start
        steps = progress.step - first_step
        if steps <= 0 or progress.total <= progress.step:
            return None
        return round((time.monotonic() - started) / steps * (progress.total - progress.step), 1)

    def extra_fields(self, progress: Progress) -> dict[str, Any]:
        return {}

    def flush(self) -> None:
        """Write what is pending and re-read the cancel flag."""
        progress, self._pending = self._pending, None
        if progress is None:
            return
        fields = {
            "step": progress.step,
            "total": progress.total,
            "stage": progress.stage[:60],
            "losses": {name: float(value) for name, value in progress.losses.items()},
            "eta_seconds": self._eta(progress),
            "heartbeat_at": timezone.now(),
            **self.extra_fields(progress),
        }
        if self._preview is not None:
            fields["preview"] = self._save_preview()
        type(self.run).objects.filter(pk=self.run.pk, state=RunState.RUNNING).update(**fields)
        self._read_stop()

    def stop_requested(self) -> bool:
        """Asked inside long steps (stylecore.progress.stops_inside): re-reads the cancel flag at most
        once per interval and writes nothing. From another thread (the backward pass on a GPU) it
        answers what it read last, so no other thread opens a database connection."""
        due = time.monotonic() - self._last_read >= self.interval
        if not self.stopping and due and threading.get_ident() == self._thread:
            self._read_stop()
        return self.stopping

    def _read_stop(self) -> None:
        self._last_read = time.monotonic()
        rows = type(self.run).objects.filter(pk=self.run.pk)
        state, cancel = rows.values_list("state", "cancel_requested").first() or (None, True)
        self.stopping = cancel or state != RunState.RUNNING

    def _save_preview(self) -> str:
        preview_field = self.run.preview
        old = preview_field.name
        preview, self._preview = self._preview, None
        preview_field.save("preview.jpg", jpeg_file(preview, max_side=self.run.preview_side, quality=80), save=False)
        if old:
            preview_field.storage.delete(old)
        return preview_field.name


class Heartbeat:
    """Touches the running row's `heartbeat_at` every `interval` seconds from a thread, so a long
    single step (a model download, one big L-BFGS step) does not look like a dead worker."""

    def __init__(self, run: QueuedRun, *, interval: float | None = None) -> None:
        self.rows = type(run).objects.filter(pk=run.pk, state=RunState.RUNNING)
        self.interval = studio_setting("HEARTBEAT_INTERVAL") if interval is None else interval
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{run.task_prefix}-{run.pk}", daemon=True)

    def _beat(self) -> None:
        try:
            while not self._done.wait(self.interval):
                try:
                    self._touch()
                except Exception:  # "database is locked", a dropped connection...: the next beat tries again
                    logger.warning("%s: missed a beat, trying again", self._thread.name, exc_info=True)
                    connection.close_if_unusable_or_obsolete()
        finally:
            connection.close()  # this thread's own connection

    def _touch(self) -> None:
        self.rows.update(heartbeat_at=timezone.now())

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._done.set()
        self._thread.join()


@contextmanager
def reporting(run: QueuedRun, writer: ProgressWriter | None = None) -> Iterator[ProgressWriter]:
    """The worker's progress writer for `run` with a heartbeat beating meanwhile; what is still
    pending is written when the block ends normally."""
    writer = writer or ProgressWriter(run)
    with Heartbeat(run):
        yield writer
    writer.flush()
