"""Small images made on the fly for the stylecore tests (random VGG weights, a few steps each)."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

os.environ["STYLECORE_VGG_WEIGHTS"] = "random"  # no downloads in tests; results are marked random

from stylecore.features import VGGFeatures  # noqa: E402
from stylecore.gatys import CONTENT_LAYER, STYLE_LAYERS  # noqa: E402


def photo(width: int = 32, height: int = 32, *, seed: int = 0) -> Image.Image:
    """An RGB image with smooth structure and some texture."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width] / max(width, height)
    base = np.stack([xx, yy, 0.5 + 0.5 * np.sin(6 * (xx + yy))], axis=-1)
    pixels = np.clip(base + 0.15 * rng.standard_normal(base.shape), 0, 1)
    return Image.fromarray((pixels * 255).astype(np.uint8))


def encoded(img: Image.Image, format: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=format, **options)
    return buffer.getvalue()


@pytest.fixture
def write_image(tmp_path: Path) -> Callable[..., Path]:
    """write_image(name, img=None, **save_options) -> path of the saved file in tmp_path."""

    def write(name: str, img: Image.Image | None = None, **options: object) -> Path:
        path = tmp_path / name
        (img if img is not None else photo()).save(path, **options)
        return path

    return write


@pytest.fixture(scope="session")
def vgg() -> VGGFeatures:
    """The Gatys layers with random weights, built once for the whole session."""
    return VGGFeatures((*STYLE_LAYERS, CONTENT_LAYER), weights="random")


@pytest.fixture
def one_thread() -> Iterator[None]:
    """Tensors this small run fastest on one thread; on a busy machine two spin-wait for each other (30x slower)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
