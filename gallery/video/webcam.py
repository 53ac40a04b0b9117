"""The webcam's link to stylecore: the local file of a StyleModel, then stylecore.live does the
work (JPEG in, JPEG out, models cached per process); a Recording encodes the frames sent back
while Record is on (stylecore.video.FrameRecorder)."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

from gallery.stylemodels.models import StyleModel
from stylecore import live
from stylecore.record import RunRecord
from stylecore.video import FrameRecorder, Recorded

from . import recordings


def model_path(model: StyleModel) -> Path:
    """A local path to the model file: the file itself on local storage, else a per-process copy
    (S3 media: the stored name is unique, so a copy never goes stale)."""
    try:
        return Path(model.file.path)
    except NotImplementedError:
        copy = Path(tempfile.gettempdir()) / "gallery-live-models" / PurePosixPath(model.file.name).name
        if not copy.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            partial = copy.with_suffix(".part")
            with model.file.open("rb") as source, partial.open("wb") as out:
                shutil.copyfileobj(source, out)
            partial.replace(copy)
        return copy


def stylize_jpeg(model: StyleModel, jpeg: bytes) -> bytes:
    """One browser frame through a Johnson model; ImageError when the bytes are not a picture."""
    return live.stylize_jpeg(model_path(model), jpeg)


def capture_record(model: StyleModel, jpeg: bytes) -> RunRecord:
    """What made a captured frame, for its Result."""
    return live.capture_record(model_path(model), jpeg, model_name=model.name, params={"model_id": model.pk})


class Recording:
    """One Record ... Stop of a webcam socket: each frame is encoded into a temporary MP4 (in
    recordings.FOLDER) as it is added (nothing piles up in memory), off the event loop on one thread of its
    own, so frames and the finish run in the order they were asked for even when the socket's tasks
    are cancelled."""

    def __init__(self) -> None:
        recordings.FOLDER.mkdir(parents=True, exist_ok=True)
        recordings.sweep()
        handle, name = tempfile.mkstemp(prefix="webcam-", suffix=".mp4", dir=recordings.FOLDER)
        os.close(handle)
        self.path = Path(name)
        self.started = time.monotonic()
        self.models: dict[int, StyleModel] = {}  # the models its frames went through, in order
        self._recorder = FrameRecorder(self.path)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="webcam-recording")
        self._open = True

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    async def add(self, jpeg: bytes, model: StyleModel, at: float) -> None:
        if not self._open:
            return
        self.models.setdefault(model.pk, model)
        await asyncio.get_running_loop().run_in_executor(self._thread, self._recorder.add, jpeg, at)

    async def finish(self) -> Recorded:
        """The MP4 closed (after the frames already added); VideoError and no file when it has none."""
        self._open = False
        try:
            return await asyncio.get_running_loop().run_in_executor(self._thread, self._recorder.finish)
        finally:
            self._thread.shutdown(wait=False)

    def record(self, recorded: Recorded) -> RunRecord:
        """What made it, for its Result."""
        models = {model.name: model_path(model) for model in self.models.values()}
        return live.recording_record(models, recorded, params={"model_id": next(iter(self.models), None)})

    def title(self) -> str:
        return f"Webcam recording × {', '.join(model.name for model in self.models.values())}"
