"""run_files (the worker's and the CLI's entry point) stylizes with a Johnson model file or Chen."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from stylecore import chen, johnson, video
from stylecore.errors import OptionError
from stylecore.modelfile import save_model
from tests.helpers.video import synthetic_clip


def johnson_model(path: Path) -> Path:
    torch.manual_seed(0)
    net = johnson.TransformerNet(variant="light")
    return save_model(path, net.state_dict(), johnson.model_metadata(net, style="test", training={"steps_done": 0}))


def chen_decoder(path: Path) -> Path:
    torch.manual_seed(0)
    meta = {"kind": "chen-decoder", "training": {"weights": "random", "steps_done": 0}}
    return save_model(path, chen.InverseNet().state_dict(), meta)


def test_a_johnson_model_stylizes_a_video(tmp_path: Path) -> None:
    clip = synthetic_clip(tmp_path / "in.mp4", frames=5)
    record = video.run_files(
        johnson_model(tmp_path / "m.safetensors"), clip, tmp_path / "out.mp4", video.VideoConfig(batch=2)
    )
    assert record.algorithm == "video:johnson"
    assert record.random_weights  # an untrained model is marked as such
    assert record.params["variant"] == "light" and record.steps_done == 5
    assert video.inspect_video(tmp_path / "out.mp4").frames == 5


@pytest.mark.slow
def test_chen_stylizes_a_video_with_any_style(tmp_path: Path) -> None:
    from PIL import Image

    clip = synthetic_clip(tmp_path / "in.mp4", frames=3)
    Image.effect_mandelbrot((48, 48), (-2, -1.5, 1, 1.5), 50).convert("RGB").save(tmp_path / "style.png")
    record = video.run_files(
        "chen",
        clip,
        tmp_path / "out.mp4",
        video.VideoConfig(batch=2),
        style=tmp_path / "style.png",
        decoder=chen_decoder(tmp_path / "d.safetensors"),
    )
    assert record.algorithm == "video:chen" and record.random_weights
    assert record.params["style"] == "style.png"
    assert len(video.read_frames(tmp_path / "out.mp4")) == 3


def test_chen_without_a_style_is_refused(tmp_path: Path) -> None:
    clip = synthetic_clip(tmp_path / "in.mp4", frames=2)
    with pytest.raises(OptionError):
        video.run_files("chen", clip, tmp_path / "out.mp4")
