"""The webcam's link to stylecore: the local file of a StyleModel, then stylecore.live does the
work (JPEG in, JPEG out, models cached per process)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path, PurePosixPath

from gallery.stylemodels.models import StyleModel
from stylecore import live
from stylecore.record import RunRecord


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
