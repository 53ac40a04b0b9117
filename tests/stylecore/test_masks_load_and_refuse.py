"""load_mask and check_mask: any size, grey or colour, alpha multiplied in; bad masks refused in plain words."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from stylecore.errors import ImageError, MaskError
from stylecore.masks import COVERS_NOTHING, NOT_AN_IMAGE, check_mask, load_mask


def half_white(width: int, height: int, mode: str = "L") -> Image.Image:
    pixels = np.zeros((height, width), np.uint8)
    pixels[:, : width // 2] = 255
    return Image.fromarray(pixels).convert(mode)


@pytest.mark.parametrize("mode", ["L", "RGB", "1"])
def test_any_size_and_mode_is_resized_to_the_photo(tmp_path: Path, mode: str) -> None:
    half_white(300, 7, mode).save(tmp_path / "mask.png")
    mask = load_mask(tmp_path / "mask.png", (40, 60))
    assert mask.shape == (1, 1, 40, 60) and mask.dtype.is_floating_point
    assert mask[..., :25].min() == 1 and mask[..., 35:].max() == 0  # left white, right black, as drawn


def test_transparent_pixels_are_not_covered(tmp_path: Path) -> None:
    white = Image.new("RGBA", (20, 20), (255, 255, 255, 255))
    white.putalpha(half_white(20, 20))  # the right half transparent, though white
    white.save(tmp_path / "painted.png")
    mask = load_mask(tmp_path / "painted.png", (20, 20))
    assert mask[..., :8].min() == 1 and mask[..., 12:].max() == 0


def test_grey_is_partial_cover(tmp_path: Path) -> None:
    Image.new("L", (8, 8), 191).save(tmp_path / "grey.png")
    assert load_mask(tmp_path / "grey.png", (8, 8)).mean().item() == pytest.approx(0.75, abs=0.01)
    check_mask(tmp_path / "grey.png")  # no error: it covers, at 75 %


@pytest.mark.parametrize("content", [b"not a picture", b""])
def test_not_an_image_says_so(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "notes.png").write_bytes(content)
    for call in (lambda: check_mask(tmp_path / "notes.png"), lambda: load_mask(tmp_path / "notes.png", (8, 8))):
        with pytest.raises(MaskError) as error:
            call()
        assert str(error.value) == NOT_AN_IMAGE
    assert isinstance(error.value, ImageError)  # the handlers of bad images show it as it is


def test_a_truncated_file_is_not_an_image(tmp_path: Path) -> None:
    half_white(64, 64, "RGB").save(tmp_path / "cut.jpg", quality=90)
    (tmp_path / "cut.jpg").write_bytes((tmp_path / "cut.jpg").read_bytes()[:200])
    with pytest.raises(MaskError, match=NOT_AN_IMAGE):
        check_mask(tmp_path / "cut.jpg")


def test_all_black_and_near_black_noise_cover_nothing(tmp_path: Path) -> None:
    Image.new("L", (16, 16), 0).save(tmp_path / "black.png")
    noise = np.random.default_rng(0).integers(0, 40, (32, 32, 3), dtype=np.uint8)  # dark camera noise
    Image.fromarray(noise).save(tmp_path / "dark.jpg", quality=70)
    Image.new("LA", (16, 16), (255, 0)).save(tmp_path / "transparent.png")  # white, but nothing painted
    for name in ("black.png", "dark.jpg", "transparent.png"):
        with pytest.raises(MaskError) as error:
            check_mask(tmp_path / name)
        assert str(error.value) == COVERS_NOTHING, name
        with pytest.raises(MaskError, match="covers nothing"):
            load_mask(tmp_path / name, (16, 16))


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(MaskError, match="No such mask file"):
        check_mask(tmp_path / "gone.png")
