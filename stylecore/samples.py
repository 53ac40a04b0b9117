"""The fixed sample pictures every model preview is made from, shipped in stylecore/data/.

Small PNGs (see data/README.md for their source and licence) rather than scikit-image's
bundled data, so that a plain install without the dev requirements can make previews.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PIL import Image

DATA = Path(__file__).resolve().parent / "data"
SAMPLE_SIDE = 128  # longer side of both pictures


@cache
def _sample(name: str) -> Image.Image:
    with Image.open(DATA / f"{name}.png") as img:
        return img.convert("RGB")


def write_sample_photo(path: str | Path) -> Path:
    """The content photo of every preview (the astronaut portrait, 128x128); format from the suffix."""
    path = Path(path)
    _sample("astronaut").save(path)
    return path


def write_sample_style(path: str | Path) -> Path:
    """The style a Chen decoder's preview uses when the model has no style image of its own (coffee, 128x85)."""
    path = Path(path)
    _sample("coffee").save(path)
    return path
