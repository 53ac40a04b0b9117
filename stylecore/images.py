"""One loader for every image users give us, and the way results are written back.

Odd files either load (CMYK, 16-bit, palette, alpha, EXIF-rotated, animated) or are refused
with an ImageError whose message can be shown to the user as it is.
"""

from __future__ import annotations

import io
import json
import math
import os
import struct
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import torch
from PIL import Image, ImageOps, PngImagePlugin, UnidentifiedImageError

from .errors import ImageError, OptionError
from .record import RunRecord

MAX_PIXELS = 40_000_000  # decompression-bomb limit, checked from the header before decoding
MAX_SIDE = 12_000
MAX_FILE_BYTES = 30 * 1024 * 1024
MAX_FRAMES = 1000  # an animation is used by its first frame; counting more would cost time for nothing
# Formats users upload (JPEG covers phones' MPO); others (EPS, PDF, ICNS...) are refused, not handed to a plugin.
FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF")
SAVE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
RECORD_KEY = "stylecore"

Source = str | Path | bytes | BinaryIO


@dataclass
class ImageInfo:
    format: str
    width: int
    height: int
    mode: str
    frames: int


@dataclass
class LoadedImage:
    rgb: Image.Image  # mode RGB
    alpha: Image.Image | None  # mode L, same size as rgb; None when the image is opaque
    info: ImageInfo  # of the file as given (before orientation and resizing)


def _read_bytes(source: Source, max_bytes: int) -> bytes:
    """The file's bytes, at most `max_bytes` of them; file-likes are rewound for the caller."""
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise ImageError(f"No such image file: {path}")
        size = path.stat().st_size
        if size > max_bytes:
            raise ImageError(_too_big_file_message(size, max_bytes))
        data = path.read_bytes()
    else:
        start = source.tell() if source.seekable() else None
        data = source.read(max_bytes + 1)
        if start is not None:
            source.seek(start)
    if not data:
        raise ImageError("The file is empty.")
    if len(data) > max_bytes:
        raise ImageError(_too_big_file_message(len(data), max_bytes))
    return data


def _too_big_file_message(size: int, max_bytes: int) -> str:
    limit = f"{max_bytes // 2**20} MB" if max_bytes >= 2**20 else f"{max_bytes} bytes"
    return f"The file is too large: {size / 2**20:.1f} MB (at most {limit})."


def _too_many_pixels_message(width: int, height: int) -> str:
    return f"The image is too large: {width}x{height} pixels (at most {MAX_PIXELS // 1_000_000} megapixels)."


def _decode(
    source: Source, *, draft_side: int | None = None, max_bytes: int | None = None
) -> tuple[Image.Image, ImageInfo]:
    """Open, check the header's size against our limits, then really decode (first frame).

    ``draft_side``: the longer side the caller will resize to; a JPEG much larger than that is
    decoded at 1/2, 1/4 or 1/8 scale (never below that size), which is several times faster.
    """
    data = _read_bytes(source, MAX_FILE_BYTES if max_bytes is None else max_bytes)
    Image.init()  # registers the WebP/TIFF openers that `formats=` below names
    try:
        # Pillow's own bomb check (a warning, then an error at twice its limit) backs up ours.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(f"The image is too large (at most {MAX_PIXELS // 1_000_000} megapixels).") from None
    except UnidentifiedImageError:
        raise ImageError("This file is not an image (JPEG, PNG, GIF, WebP, BMP or TIFF).") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ImageError("The image is truncated or damaged.") from None
    width, height = img.size
    if width < 1 or height < 1:
        raise ImageError("The image has no pixels.")
    if width * height > MAX_PIXELS:
        raise ImageError(_too_many_pixels_message(width, height))
    if max(width, height) > MAX_SIDE:
        raise ImageError(f"The image is too large: {width}x{height} pixels (at most {MAX_SIDE} pixels on a side).")
    frames = _count_frames(img)
    if frames > MAX_FRAMES:
        raise ImageError(
            f"The image has more than {MAX_FRAMES} frames. Only the first frame of an animation is used: "
            "save that frame as a still image and upload it."
        )
    info = ImageInfo(format=img.format or "", width=width, height=height, mode=img.mode, frames=frames)
    if draft_side is not None and img.format == "JPEG":
        scale = draft_side / max(width, height)
        img.draft(None, (math.ceil(width * scale), math.ceil(height * scale)))
    try:
        img.load()  # truncated data surfaces only here (LOAD_TRUNCATED_IMAGES stays False)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise ImageError("The image is truncated or damaged.") from None
    return img, info


def _count_frames(img: Image.Image) -> int:
    """The file's frames, counted up to MAX_FRAMES + 1 at most; the image is left at its first frame.

    PNG, WebP and MPO state their count in a header. GIF and TIFF do not: Pillow's n_frames walks every frame,
    200,000 of them in a 4 MB GIF, so here the walk stops past MAX_FRAMES. GIF frames are skipped with Pillow's
    own `_seek(frame, False)` (what its n_frames uses): the public seek() would decode each frame on the way.
    """
    if not getattr(img, "is_animated", False):
        return 1
    if img.format not in ("GIF", "TIFF"):
        return img.n_frames
    step = (lambda frame: img._seek(frame, False)) if img.format == "GIF" else img.seek
    frames = 1
    try:
        while frames <= MAX_FRAMES:
            step(frames)
            frames += 1
    except EOFError:
        pass
    except (OSError, SyntaxError, ValueError, struct.error):  # struct.error: a frame header cut short
        raise ImageError("The image is truncated or damaged.") from None
    finally:
        img.seek(0)
    return frames


def inspect_image(source: Source, *, max_bytes: int | None = None) -> ImageInfo:
    """Validate an upload: decodes it fully and applies every limit; raises ImageError.

    `max_bytes`: the caller's file size limit (a site's upload setting), MAX_FILE_BYTES by default."""
    return _decode(source, max_bytes=max_bytes)[1]


def _to_8bit(img: Image.Image) -> Image.Image:
    """16- and 32-bit integer greyscale scaled to 8 bits (a plain convert would clip at 255)."""
    values = np.asarray(img, dtype=np.float64)
    return Image.fromarray(np.clip(values / 257.0, 0, 255).round().astype(np.uint8))


def _split_alpha(img: Image.Image) -> tuple[Image.Image, Image.Image | None]:
    if img.mode.startswith("I"):  # I, I;16, I;16B...: 16-bit data in Pillow's integer modes
        img = _to_8bit(img)
    if "transparency" in img.info and img.mode in ("P", "L", "RGB"):
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        img = img.convert("RGBA")
        return img.convert("RGB"), img.getchannel("A")
    try:
        return img.convert("RGB"), None
    except ValueError:
        raise ImageError(f"Images in colour mode {img.mode} are not supported.") from None


def _fit(img: Image.Image, size: int) -> Image.Image:
    width, height = img.size
    scale = size / max(width, height)
    new = (max(1, round(width * scale)), max(1, round(height * scale)))
    return img if new == img.size else img.resize(new, Image.Resampling.LANCZOS, reducing_gap=3.0)


def load_image(source: Source, *, size: int | None = None, max_bytes: int | None = None) -> LoadedImage:
    """Load any accepted image as RGB (+ alpha kept aside); longer side == size when given."""
    img, info = _decode(source, draft_side=size, max_bytes=max_bytes)
    try:
        img = ImageOps.exif_transpose(img) or img
    except (OSError, SyntaxError, ValueError, TypeError, KeyError):
        pass  # unreadable EXIF: keep the pixels as stored rather than refuse the photo
    rgb, alpha = _split_alpha(img)
    if size is not None:
        rgb = _fit(rgb, size)
        alpha = alpha.resize(rgb.size, Image.Resampling.LANCZOS) if alpha is not None else None
    return LoadedImage(rgb=rgb, alpha=alpha, info=info)


def image_to_tensor(img: Image.Image, device: torch.device | str | None = None) -> torch.Tensor:
    """(1, 3, H, W) float32 in [0, 1]."""
    array = np.array(img.convert("RGB"), dtype=np.uint8)
    tensor = torch.from_numpy(array).permute(2, 0, 1).unsqueeze(0)
    return tensor.to(device=device, dtype=torch.float32, memory_format=torch.contiguous_format).div_(255.0)


def tensor_to_image(t: torch.Tensor) -> Image.Image:
    """(1, C, H, W) or (C, H, W) in [0, 1] (clamped) -> RGB image ("L" for one channel)."""
    t = t.detach()
    if t.dim() == 4:
        t = t[0]
    # in place after the clamp's copy: one float temporary, not three (a 12 MP photo's is 144 MB)
    array = t.clamp(0, 1).mul_(255).round_().to(torch.uint8).permute(1, 2, 0).cpu().numpy()
    return Image.fromarray(array[:, :, 0] if array.shape[2] == 1 else array)


def output_format(path: str | Path) -> str:
    """ "PNG" or "JPEG" from the file name; OptionError otherwise (check before a long run)."""
    fmt = SAVE_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise OptionError("output", f"must end in .png, .jpg or .jpeg, not {Path(path).name!r}")
    return fmt


def save_image(
    img: Image.Image, path: str | Path, *, record: RunRecord | None = None, alpha: Image.Image | None = None
) -> Path:
    """Write PNG (alpha put back at the output size, RunRecord in the text chunk) or JPEG (quality 95).

    Written to a temporary file first and renamed, so a crash never leaves half a result.
    """
    path = Path(path)
    fmt = output_format(path)
    img = img.convert("RGB")
    options: dict = {}
    if fmt == "PNG":
        options["compress_level"] = 1  # ~3x faster to write than Pillow's default 6, files ~10% larger
        if alpha is not None:
            img.putalpha(alpha.convert("L").resize(img.size, Image.Resampling.LANCZOS))
        if record is not None:
            text = PngImagePlugin.PngInfo()
            for key, value in record.to_png_text().items():
                text.add_text(key, value)
            options["pnginfo"] = text
    else:
        options["quality"] = 95
        if record is not None:
            options["comment"] = record.to_png_text()[RECORD_KEY]
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            img.save(out, format=fmt, **options)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_record(path: str | Path) -> dict | None:
    """The RunRecord dict stored in a result we wrote (PNG text chunk or JPEG comment), else None."""
    with Image.open(path) as img:
        raw = img.info.get(RECORD_KEY) or img.info.get("comment")
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None
