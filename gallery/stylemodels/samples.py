"""The fixed sample images every model preview is made from (bundled with scikit-image: nothing to ship)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PIL import Image

SAMPLE_SIDE = 128


@cache
def _sample(name: str) -> Image.Image:
    from skimage import data

    img = Image.fromarray(getattr(data, name)())
    img.thumbnail((SAMPLE_SIDE, SAMPLE_SIDE), Image.Resampling.LANCZOS)
    return img


def write_sample_photo(path: Path) -> Path:
    """The content photo of every preview (the astronaut portrait, downscaled)."""
    _sample("astronaut").save(path)
    return path


def write_sample_style(path: Path) -> Path:
    """The style a Chen decoder's preview uses when the model has no style image of its own."""
    _sample("coffee").save(path)
    return path
