"""The worker side of live progress: stylecore's callback -> the Job row (throttled), and a
heartbeat so a job whose worker died can be told apart from a slow one."""

from __future__ import annotations

import logging
import threading
import time
from types import TracebackType

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from stylecore.progress import Progress

from .imaging import jpeg_file
from .models import Job

logger = logging.getLogger(__name__)


class ProgressWriter:
    """A stylecore ProgressCallback that writes step, total, losses, ETA and the latest preview
    to the job row at most once per `interval` seconds, and returns True (stop) once the owner
    asked to cancel or the job is no longer running (e.g. failed by the stale-job sweep)."""

    def __init__(self, job: Job, *, interval: float) -> None:
        self.job = job
        self.interval = interval
        self._last_write = float("-inf")
        self._stop = False
        self._pending: Progress | None = None
        self._preview = None
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
        return self._stop

    def _eta(self, progress: Progress) -> float | None:
        """Seconds left at the pace measured since the stage's first report (None until known)."""
        started, first_step = self._stage_start
        steps = progress.step - first_step
        if steps <= 0 or progress.total <= progress.step:
            return None
        return round((time.monotonic() - started) / steps * (progress.total - progress.step), 1)

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
        }
        if self._preview is not None:
            fields["preview"] = self._save_preview()
        Job.objects.filter(pk=self.job.pk, state=Job.State.RUNNING).update(**fields)
        state, cancel = Job.objects.filter(pk=self.job.pk).values_list("state", "cancel_requested").first() or (
            None,
            True,
        )
        self._stop = cancel or state != Job.State.RUNNING

    def _save_preview(self) -> str:
        old = self.job.preview.name
        preview, self._preview = self._preview, None
        self.job.preview.save("preview.jpg", jpeg_file(preview, max_side=768, quality=80), save=False)
        if old:
            self.job.preview.storage.delete(old)
        return self.job.preview.name


class Heartbeat:
    """Touches the running job's `heartbeat_at` every `interval` seconds from a thread, so a long
    single step (model download, one big L-BFGS step) does not look like a dead worker."""

    def __init__(self, job_id: int, *, interval: float, model: type[Model] = Job) -> None:
        self.job_id = job_id
        self.interval = interval
        self.model = model  # any row with `state` and `heartbeat_at` (stylemodels' TrainingRun too)
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-job-{job_id}", daemon=True)

    def _beat(self) -> None:
        try:
            while not self._done.wait(self.interval):
                self.model.objects.filter(pk=self.job_id, state=Job.State.RUNNING).update(heartbeat_at=timezone.now())
        except Exception:  # a missed beat must never break the run itself
            logger.warning("job %s: heartbeat failed", self.job_id, exc_info=True)
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
