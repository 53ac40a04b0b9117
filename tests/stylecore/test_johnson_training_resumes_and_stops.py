"""Training checkpoints, resumes from the checkpoint's step, and stops on request with a partial model."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from stylecore import johnson
from stylecore.modelfile import load_checkpoint

from .test_johnson_training_roundtrip import TINY, photo_folder

pytestmark = pytest.mark.slow  # trains twice, about 20 s


def test_a_stop_request_saves_a_partial_model(tmp_path: Path, write_image) -> None:
    data = photo_folder(tmp_path / "photos")
    style = write_image("style.png")
    config = johnson.TrainConfig(**{**TINY, "steps": 50})
    record = johnson.train_files(style, data, tmp_path / "m.safetensors", config, on_progress=lambda p: p.step >= 2)
    assert record.stopped and record.steps_done == 2
    _, meta = johnson.load_transformer(tmp_path / "m.safetensors")
    assert meta["training"]["stopped"] is True and meta["training"]["steps_done"] == 2
    assert load_checkpoint(johnson.checkpoint_path(tmp_path / "m.safetensors"))[2]["step"] == 2  # resumable


def test_resuming_continues_from_the_checkpoint_step(tmp_path: Path, write_image) -> None:
    data = photo_folder(tmp_path / "photos")
    style = write_image("style.png")
    output = tmp_path / "m.safetensors"
    config = johnson.TrainConfig(**{**TINY, "steps": 4, "checkpoint_every": 2})

    # an interrupted run: killed after step 3, so the checkpoint of step 2 is what is left
    class Killed(Exception):
        pass

    def kill_after_three(progress) -> bool:
        if progress.step == 3:
            raise Killed
        return False

    try:
        johnson.train_files(style, data, output, config, on_progress=kill_after_three)
    except Killed:
        pass
    checkpoint = johnson.checkpoint_path(output)
    assert checkpoint.is_file() and not output.exists()
    state, optimizer, meta = load_checkpoint(checkpoint)
    assert meta["step"] == 2 and optimizer["state"]

    steps = []
    record = johnson.train_files(
        style, data, output, config, resume=True, on_progress=lambda p: steps.append(p.step) and False
    )
    assert steps == [3, 4] and record.steps_done == 4
    assert not checkpoint.exists()

    # resuming gives the same network as an uninterrupted run of the same seed
    straight = johnson.train_files(style, data, tmp_path / "straight.safetensors", config)
    assert straight.steps_done == 4
    resumed_net, _ = johnson.load_transformer(output)
    straight_net, _ = johnson.load_transformer(tmp_path / "straight.safetensors")
    x = torch.rand(1, 3, 16, 16)
    assert torch.allclose(johnson.stylize(resumed_net, x), johnson.stylize(straight_net, x), atol=1e-5)
