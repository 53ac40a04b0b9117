"""The one lifecycle of every queued run (studio jobs, training runs, and any later run type).

A run is a row that a django-q2 task works through:

    queued --claim--> running --finish--> succeeded | failed | cancelled
      \\--cancel (at once)--> cancelled      running --cancel--> cancel_requested, then cancelled

`QueuedRun` holds the fields every run has; the functions below are the only code that moves a
run between states. The worker reports through `ProgressWriter` (throttled row updates, the
cancel flag read back) and `Heartbeat` (a thread touching `heartbeat_at`).

Staleness is computed on read: a running row whose heartbeat is older than STALE_AFTER is
*loaded* as failed with WORKER_DIED_MESSAGE (in memory only), so every page, the API and the
admin agree without a GET writing anything; `runs_fail_stale` (a django-q2 schedule) is the one
writer of that state.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from types import TracebackType
from typing import Any, ClassVar, TypeVar

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
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


class RunState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class QueuedRun(models.Model):
    """Fields and read-side rules shared by every run type. Subclasses add their inputs, a
    `preview` FileField, and say which django-q2 task runs them."""

    State = RunState
    FINISHED_STATES = (RunState.SUCCEEDED, RunState.FAILED, RunState.CANCELLED)

    task_path: ClassVar[str]  # the django-q2 task, called with the row's id
    task_prefix: ClassVar[str]  # names the task in django-q2's admin: "<prefix>-<id>"
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


# --- Writes ------------------------------------------------------------------------------------


def run_enqueue_on_commit(run: QueuedRun) -> None:
    """Hand the run to the worker queue once the transaction commits (so the worker finds the row)."""
    model, run_id = type(run), run.pk
    transaction.on_commit(lambda: run_enqueue(model, run_id))


def run_enqueue(model: type[QueuedRun], run_id: int) -> None:
    from django_q.tasks import async_task  # django-q2 imports Django models: not at module import

    task_id = async_task(model.task_path, run_id, task_name=f"{model.task_prefix}-{run_id}")
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
    """Claim a queued run for this worker; None when there is nothing to run.

    A run found "running" was started by a worker that died (django-q2 hands the task out again
    after `retry` seconds): it is failed rather than re-run, since the same input would likely
    kill the worker again.
    """
    rows = model.objects.filter(pk=run_id)
    now = timezone.now()
    with transaction.atomic():
        if rows.filter(state=RunState.RUNNING).update(
            state=RunState.FAILED, message=WORKER_DIED_MESSAGE, finished_at=now, eta_seconds=None
        ):
            logger.warning("%s %s: redelivered while running, marked failed", model.task_prefix, run_id)
            return None
        if not rows.filter(state=RunState.QUEUED).update(state=RunState.RUNNING, started_at=now, heartbeat_at=now):
            return None  # deleted, cancelled while queued, or already finished
    return rows.first()


def run_execute(
    model: type[R],
    run_id: int,
    work: Callable[[R], None],
    *,
    failure_fields: Callable[[R], dict[str, Any]] = lambda run: {},
) -> None:
    """Claim the run and do `work(run)`, which finishes it. Bad input (StylecoreError) fails the run
    with stylecore's message; anything else with a generic one, and is logged."""
    run = run_claim(model, run_id)
    if run is None:
        return
    try:
        work(run)
    except StylecoreError as error:
        logger.info("%s %s failed: %s", model.task_prefix, run.pk, error)
        run_finish(model, run.pk, RunState.FAILED, str(error), **failure_fields(run))
    except Exception:
        logger.exception("%s %s: unexpected error", model.task_prefix, run.pk)
        run_finish(model, run.pk, RunState.FAILED, UNEXPECTED_ERROR_MESSAGE, **failure_fields(run))


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


def run_models() -> list[type[QueuedRun]]:
    """Every concrete run type of the installed apps."""
    return [model for model in apps.get_models() if issubclass(model, QueuedRun)]


# --- The worker's reports ----------------------------------------------------------------------


class ProgressWriter:
    """A stylecore ProgressCallback for one run: writes step, total, stage, losses, ETA and the
    latest preview to the row at most once per `interval` seconds, and returns True (stop) once a
    cancel was asked or the run is no longer running. Subclasses add fields (`extra_fields`)."""

    def __init__(self, run: QueuedRun, *, interval: float | None = None) -> None:
        self.run = run
        self.interval = studio_setting("PROGRESS_INTERVAL") if interval is None else interval
        self.stopping = False
        self._last_write = float("-inf")
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
        rows = type(self.run).objects.filter(pk=self.run.pk)
        rows.filter(state=RunState.RUNNING).update(**fields)
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
                self.rows.update(heartbeat_at=timezone.now())
        except Exception:  # a missed beat must never break the run itself
            logger.warning("heartbeat failed", exc_info=True)
        finally:
            connection.close()  # this thread's own connection

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
