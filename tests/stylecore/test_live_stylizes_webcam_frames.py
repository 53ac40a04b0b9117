"""Webcam frames: JPEG in, JPEG out at the CPU width, and a record for a captured frame."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import torch
from PIL import Image

from stylecore import johnson, live
from stylecore.errors import ImageError
from stylecore.modelfile import save_model

from .conftest import encoded, photo


@pytest.fixture
def model(tmp_path: Path) -> Path:
    net = johnson.TransformerNet(variant="light")
    return save_model(tmp_path / "m.safetensors", net.state_dict(), johnson.model_metadata(net, style="s", training={}))


def test_a_frame_comes_back_as_a_jpeg_no_wider_than_the_limit(model: Path) -> None:
    assert live.frame_width(torch.device("cpu")) == live.CPU_WIDTH
    assert live.frame_width(torch.device("cuda")) == live.GPU_WIDTH
    out = live.stylize_jpeg(model, encoded(photo(400, 300), "JPEG"))
    with Image.open(io.BytesIO(out)) as img:
        assert img.format == "JPEG" and img.width == live.frame_width() and img.height == round(300 * img.width / 400)


def test_a_small_frame_keeps_its_size(model: Path) -> None:
    out = live.stylize_jpeg(model, encoded(photo(64, 48), "JPEG"))
    assert Image.open(io.BytesIO(out)).size == (64, 48)


@pytest.mark.parametrize(
    "data", [b"", b"not a jpeg", encoded(photo(64, 48), "JPEG")[:200]], ids=["empty", "text", "cut"]
)
def test_bytes_that_are_not_a_picture_are_refused(model: Path, data: bytes) -> None:
    with pytest.raises(ImageError, match="The frame is not a JPEG picture."):
        live.stylize_jpeg(model, data)


def test_a_captured_frame_has_a_record(model: Path) -> None:
    record = live.capture_record(model, encoded(photo(64, 48), "JPEG"), model_name="Waves", params={"model_id": 7})
    assert record.algorithm == "johnson" and record.weights == "Waves" and record.steps_done == 1
    assert record.params == {"model": "Waves", "model_id": 7, "source": "webcam", "width": 64, "height": 48}
    assert record.random_weights is False  # nothing in the metadata says the model is untrained
