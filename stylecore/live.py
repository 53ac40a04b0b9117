"""Live webcam stylization: JPEG in, JPEG out, all in memory, with models cached per process.

The gallery's WebSocket consumer calls these from a worker thread with the local path of a
Johnson model file. Without a GPU, frames are scaled down to CPU_WIDTH so a CPU keeps up.
Recordings are encoded by stylecore.video.FrameRecorder; recording_record says what made one.
A frame's bytes, then its sides and pixels (from the JPEG header) are checked before it is decoded.
"""

from __future__ import annotations

import io
import warnings
from functools import lru_cache
from pathlib import Path

import torch
from PIL import Image, UnidentifiedImageError

from . import johnson
from .devices import describe_device, pick_device
from .errors import ImageError
from .images import image_to_tensor, tensor_to_image
from .modelfile import is_untrained
from .record import RunRecord
from .video.recorder import Recorded

CPU_WIDTH = 320  # frames are this wide at most without a GPU
GPU_WIDTH = 640
JPEG_QUALITY = 80
# A browser sends frames GPU_WIDTH wide at most (about 60 KB each); a camera's full HD frame still passes.
MAX_FRAME_BYTES = 2**20
MAX_FRAME_SIDE = 1920
MAX_FRAME_PIXELS = 1920 * 1080


@lru_cache(maxsize=1)
def live_device() -> torch.device:
    """The device webcam frames run on, chosen once per process (STYLECORE_DEVICE or auto)."""
    return pick_device(None)


def has_gpu() -> bool:
    return live_device().type != "cpu"


def frame_width(device: torch.device | None = None) -> int:
    """The widest frame worth sending from the browser: smaller on a CPU (default: live_device())."""
    device = device or live_device()
    return GPU_WIDTH if device.type != "cpu" else CPU_WIDTH


def _decode(jpeg: bytes) -> Image.Image:
    """The frame as RGB; ImageError when the bytes are not a (whole) JPEG picture or one over the limits."""
    if len(jpeg) > MAX_FRAME_BYTES:
        raise ImageError(f"The frame is too large: {len(jpeg) // 1024} KB (at most {MAX_FRAME_BYTES // 1024} KB).")
    too_large = f"at most {MAX_FRAME_SIDE} pixels on a side and {MAX_FRAME_PIXELS / 1e6:.1f} megapixels"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # refused just below
            image = Image.open(io.BytesIO(jpeg), formats=("JPEG",))
    except Image.DecompressionBombError:
        raise ImageError(f"The frame is too large ({too_large}).") from None
    except (UnidentifiedImageError, OSError) as error:
        raise ImageError("The frame is not a JPEG picture.") from error
    width, height = image.size  # from the header: nothing is decoded yet
    if max(width, height) > MAX_FRAME_SIDE or width * height > MAX_FRAME_PIXELS:
        raise ImageError(f"The frame is too large: {width}x{height} pixels ({too_large}).")
    try:
        return image.convert("RGB")
    except (OSError, ValueError) as error:
        raise ImageError("The frame is not a JPEG picture.") from error


def stylize_jpeg(model_path: str | Path, jpeg: bytes) -> bytes:
    """One browser frame through a Johnson model file; ImageError when the bytes are not a picture."""
    image = _decode(jpeg)
    device = live_device()
    width = frame_width(device)
    if image.width > width:
        image = image.resize((width, max(8, round(image.height * width / image.width))), Image.Resampling.BILINEAR)
    # cached_model keeps a few loaded networks per process (keyed by file and mtime)
    stylize, _ = johnson.frame_function(johnson.cached_model(model_path), device)
    styled = tensor_to_image(stylize(image_to_tensor(image, device)))
    out = io.BytesIO()
    styled.save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def capture_record(model_path: str | Path, jpeg: bytes, *, model_name: str, params: dict | None = None) -> RunRecord:
    """What made a captured webcam frame, for its Result.

    `model_name` is the name people know the model by; `params` adds the caller's own
    entries (e.g. the gallery's model id) after it.
    """
    width, height = _decode(jpeg).size
    return RunRecord(
        algorithm="johnson",
        params={"model": model_name, **(params or {}), "source": "webcam", "width": width, "height": height},
        device=describe_device(live_device()),
        weights=model_name,
        random_weights=is_untrained(johnson.cached_model(model_path).meta),
        steps_done=1,
    )


def recording_record(models: dict[str, str | Path], recorded: Recorded, *, params: dict | None = None) -> RunRecord:
    """What made a webcam recording, for its Result: `models` maps the names of the Johnson models
    its frames went through (in the order they were used) to their files; `params` adds the caller's
    own entries. The frame rate and duration are the ones achieved."""
    names = ", ".join(models)
    return RunRecord(
        algorithm="johnson",
        params={
            "model": names,
            **(params or {}),
            "source": "webcam",
            "width": recorded.width,
            "height": recorded.height,
            "frames": recorded.frames,
            "fps": f"{recorded.fps:.1f}" if recorded.fps else "",  # one frame: no rate
            "duration": round(recorded.seconds, 2),
        },
        device=describe_device(live_device()),
        weights=names,
        random_weights=any(is_untrained(johnson.cached_model(path).meta) for path in models.values()),
        seconds=recorded.seconds,
        steps_done=recorded.frames,
        final_losses={"fps": recorded.fps} if recorded.fps else {},
    )
