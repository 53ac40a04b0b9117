"""A GIF with very many frames in a few megabytes: one real first frame, then tiny 1x1 ones."""

from __future__ import annotations

import io
import struct

from PIL import Image

# Graphic control extension, then a 1x1 image at (0, 0) whose LZW data is: clear, pixel 0, end.
TINY_FRAME = (
    b"\x21\xf9\x04\x00\x01\x00\x00\x00" + b"\x2c" + struct.pack("<HHHH", 0, 0, 1, 1) + b"\x00\x02\x02\x44\x01\x00"
)


def many_frame_gif(frames: int, size: tuple[int, int] = (64, 64), color: tuple[int, int, int] = (220, 30, 30)) -> bytes:
    """`frames` frames in all (200,000 take about 4 MB); the first fills the picture with `color`."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).convert("P").save(buffer, format="GIF")
    first = buffer.getvalue()
    assert first.endswith(b";")  # the trailer, moved to the very end
    return first[:-1] + TINY_FRAME * (frames - 1) + b";"
