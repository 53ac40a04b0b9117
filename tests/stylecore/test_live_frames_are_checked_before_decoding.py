"""stylecore.live checks a webcam frame's bytes, then its sides and pixels from the JPEG header, before decoding
it (the socket test, tests/security/test_webcam_frames_are_bounded.py, sends such frames to the real server)."""

from __future__ import annotations

import pytest

from stylecore import live
from stylecore.errors import ImageError
from tests.conftest import image_bytes


def test_frames_over_the_byte_pixel_or_side_limits_are_refused_before_decoding() -> None:
    big = b"\xff\xd8" + bytes(live.MAX_FRAME_BYTES)
    with pytest.raises(ImageError, match=r"too large: 1024 KB \(at most 1024 KB\)"):
        live._decode(big)
    with pytest.raises(ImageError, match="too large: 1921x8 pixels"):
        live._decode(image_bytes((1921, 8), format="JPEG"))
    with pytest.raises(ImageError, match="too large: 1600x1400 pixels"):  # sides fine, 2.2 megapixels
        live._decode(image_bytes((1600, 1400), format="JPEG"))
    assert live._decode(image_bytes((1920, 1080), format="JPEG")).size == (1920, 1080)
