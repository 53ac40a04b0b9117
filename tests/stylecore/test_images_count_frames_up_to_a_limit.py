"""Animations are used by their first frame: frames are counted up to MAX_FRAMES and no further, so a GIF of
200,000 frames (4 MB) is refused in milliseconds instead of being walked frame by frame; up to MAX_FRAMES are
accepted and counted exactly."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from stylecore import images
from stylecore.errors import ImageError
from tests.helpers.gif import many_frame_gif


def test_a_gif_of_200000_frames_is_refused_at_once() -> None:
    data = many_frame_gif(200_000)
    started = time.perf_counter()
    with pytest.raises(ImageError, match=f"more than {images.MAX_FRAMES} frames") as refused:
        images.load_image(data)
    assert time.perf_counter() - started < 0.5  # walking all 200,000 frames took 1.5 s
    assert "save that frame as a still image" in str(refused.value)


def test_one_frame_over_the_limit_is_refused_and_the_limit_itself_is_accepted() -> None:
    with pytest.raises(ImageError, match="more than"):
        images.inspect_image(many_frame_gif(images.MAX_FRAMES + 1))
    loaded = images.load_image(many_frame_gif(images.MAX_FRAMES, size=(40, 30)))
    assert loaded.info.frames == images.MAX_FRAMES and loaded.info.format == "GIF"
    assert loaded.rgb.size == (40, 30)
    red, green, blue = loaded.rgb.getpixel((20, 15))  # the first frame, not a later one
    assert red > 200 and green < 60 and blue < 60


def test_multipage_tiffs_and_animated_pngs_are_counted_too() -> None:
    pages = [Image.new("RGB", (16, 16), (index * 60, 0, 0)) for index in range(3)]
    for fmt in ("TIFF", "PNG"):
        buffer = io.BytesIO()
        pages[0].save(buffer, format=fmt, save_all=True, append_images=pages[1:])
        assert images.inspect_image(buffer.getvalue()).frames == 3, fmt


def test_a_damaged_frame_after_the_first_is_refused_as_damaged() -> None:
    data = many_frame_gif(3)
    broken = data[:-1] + b"\x2c\x00\x00"  # an image descriptor cut short, then the file ends
    with pytest.raises(ImageError, match="truncated or damaged"):
        images.load_image(broken)
