"""A training run's progress writer: studio's ProgressWriter pattern (throttled row updates, cancel
flag read back, ETA, latest preview) plus the loss history the admin's curve is drawn from."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.utils import timezone

from gallery.studio.imaging import jpeg_file
from stylecore.progress import Progress

from .models import TrainingRun

MAX_POINTS = 600  # history points kept; older ones are thinned so a long run's row stays small


def thin(history: list[dict]) -> list[dict]:
    """Drop every other point of the older half once the history is full."""
    if len(history) < MAX_POINTS:
        return history
    half = len(history) // 2
    return history[:half:2] + history[half:]


class TrainingWriter:
    """A stylecore ProgressCallback for TrainingRun rows; returns True (stop) once a cancel is asked.

    When it stops a run it keeps the latest checkpoint aside (`keep`), because stylecore removes its
    checkpoint after saving a stopped run's partial model: resuming starts from `keep`.
    """

    def __init__(self, run: TrainingRun, *, interval: float, history: list[dict], checkpoint: Path, keep: Path) -> None:
        self.run = run
        self.interval = interval
        self.history = history
        self.checkpoint = checkpoint
        self.keep = keep
        self._last_write = float("-inf")
        self._stop = False
        self._pending: Progress | None = None
        self._preview = None
        self._started = time.monotonic()
        self._first_step: int | None = None

    def __call__(self, progress: Progress) -> bool:
        if self._first_step is None:
            self._first_step = progress.step - 1  # a resumed run starts past zero
        if progress.preview is not None:
            self._preview = progress.preview
        self._pending = progress
        now = time.monotonic()
        if now - self._last_write >= self.interval or progress.step >= progress.total:
            self._last_write = now
            self.flush()
        if self._stop and self.checkpoint.is_file():
            staged = self.keep.with_suffix(".tmp")
            staged.unlink(missing_ok=True)
            os.link(self.checkpoint, staged)  # the file as it is now, not a later one
            os.replace(staged, self.keep)
        return self._stop

    def _eta(self, progress: Progress) -> float | None:
        done = progress.step - (self._first_step or 0)
        if done <= 0 or progress.total <= progress.step:
            return None
        return round((time.monotonic() - self._started) / done * (progress.total - progress.step), 1)

    def flush(self) -> None:
        """Write what is pending and re-read the cancel flag."""
        progress, self._pending = self._pending, None
        if progress is None:
            return
        losses = {name: float(value) for name, value in progress.losses.items()}
        point = {"step": progress.step, **{k: v for k, v in losses.items() if k != "images_per_s"}}
        self.history = thin([p for p in self.history if p["step"] < progress.step] + [point])
        fields = {
            "step": progress.step,
            "total": progress.total,
            "losses": losses,
            "loss_history": self.history,
            "eta_seconds": self._eta(progress),
            "heartbeat_at": timezone.now(),
        }
        if self._preview is not None:
            fields["preview"] = self._save_preview()
        TrainingRun.objects.filter(pk=self.run.pk, state=TrainingRun.State.RUNNING).update(**fields)
        row = TrainingRun.objects.filter(pk=self.run.pk).values_list("state", "cancel_requested").first()
        state, cancel = row or (None, True)
        self._stop = cancel or state != TrainingRun.State.RUNNING

    def _save_preview(self) -> str:
        old = self.run.preview.name
        preview, self._preview = self._preview, None
        self.run.preview.save("preview.jpg", jpeg_file(preview, max_side=512, quality=85), save=False)
        if old:
            self.run.preview.storage.delete(old)
        return self.run.preview.name
