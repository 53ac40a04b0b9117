"""Live webcam stylization: JPEG in, JPEG out, all in memory, with models cached per process.

Called from the WebSocket consumer in a worker thread (the network is blocking work), so the
event loop keeps serving other sockets. Without a GPU, frames are scaled down to CPU_WIDTH.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path, PurePosixPath

import torch
from PIL import Image, UnidentifiedImageError

from gallery.stylemodels.models import StyleModel
from stylecore import johnson
from stylecore.devices import describe_device, pick_device
from stylecore.errors import ImageError
from stylecore.images import image_to_tensor, tensor_to_image
from stylecore.modelfile import is_untrained
from stylecore.record import RunRecord

CPU_WIDTH = 320  # frames are this wide at most without a GPU
GPU_WIDTH = 640
JPEG_QUALITY = 80


@lru_cache(maxsize=1)
def device() -> torch.device:
    return pick_device(None)


def has_gpu() -> bool:
    return device().type != "cpu"


def frame_width() -> int:
    return GPU_WIDTH if has_gpu() else CPU_WIDTH


def _model_path(model: StyleModel) -> Path:
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


def _loaded(model: StyleModel) -> johnson.LoadedModel:
    # cached_model keeps a few loaded networks per process (keyed by file and mtime)
    return johnson.cached_model(_model_path(model))


def stylize_jpeg(model: StyleModel, jpeg: bytes) -> bytes:
    """One browser frame through a Johnson model; ImageError when the bytes are not a picture."""
    try:
        image = Image.open(io.BytesIO(jpeg)).convert("RGB")
    except (UnidentifiedImageError, OSError) as error:
        raise ImageError("The frame is not a JPEG picture.") from error
    width = frame_width()
    if image.width > width:
        image = image.resize((width, max(8, round(image.height * width / image.width))), Image.Resampling.BILINEAR)
    stylize, _ = johnson.frame_function(_loaded(model), device())
    styled = tensor_to_image(stylize(image_to_tensor(image, device())))
    out = io.BytesIO()
    styled.save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def capture_record(model: StyleModel, jpeg: bytes) -> RunRecord:
    """What made a captured frame, for its Result."""
    width, height = Image.open(io.BytesIO(jpeg)).size
    return RunRecord(
        algorithm="johnson",
        params={"model": model.name, "model_id": model.pk, "source": "webcam", "width": width, "height": height},
        device=describe_device(device()),
        weights=model.name,
        random_weights=is_untrained(_loaded(model).meta),
        steps_done=1,
    )
