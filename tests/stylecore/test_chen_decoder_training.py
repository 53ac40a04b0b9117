"""The inverse network trains on two photo folders, saves, reloads, resumes and stops like Johnson."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from stylecore import chen
from stylecore.cli import main

from .conftest import photo

pytestmark = pytest.mark.slow  # trains a decoder, about 12 s

TINY = dict(size=32, batch=2, steps=3, checkpoint_every=0)


def folders(root: Path) -> tuple[Path, Path]:
    for name, seeds in (("content", range(3)), ("style", range(10, 12))):
        (root / name).mkdir(parents=True)
        for seed in seeds:
            photo(36, 40, seed=seed).save(root / name / f"{seed}.png")
    return root / "content", root / "style"


def test_the_feature_loss_falls_and_the_decoder_reloads(tmp_path: Path) -> None:
    content, style = folders(tmp_path)
    losses = []
    config = chen.DecoderTrainConfig(**{**TINY, "steps": 6, "lr": 3e-3, "preview_every": 3})
    record = chen.train_files(
        content,
        style,
        tmp_path / "d.safetensors",
        config,
        on_progress=lambda p: losses.append(p.losses["feature"]) and False,
    )
    assert record.algorithm == "chen-train" and record.steps_done == 6
    assert min(losses[-2:]) < losses[0]
    net, meta = chen.load_decoder(tmp_path / "d.safetensors")
    assert meta["kind"] == "chen-decoder" and meta["training"]["weights"] == "random"
    assert net(torch.rand(1, 256, 5, 6)).shape == (1, 3, 20, 24)


def test_a_stop_request_saves_a_partial_decoder_and_resume_goes_on(tmp_path: Path) -> None:
    content, style = folders(tmp_path)
    output = tmp_path / "d.safetensors"
    config = chen.DecoderTrainConfig(**{**TINY, "steps": 4, "checkpoint_every": 1})
    record = chen.train_files(content, style, output, config, on_progress=lambda p: p.step >= 2)
    assert record.stopped and record.steps_done == 2
    assert chen.load_decoder(output)[1]["training"]["stopped"] is True
    steps = []
    record = chen.train_files(
        content, style, output, config, resume=True, on_progress=lambda p: steps.append(p.step) and False
    )
    assert steps == [3, 4] and not record.stopped
    assert not chen.checkpoint_path(output).exists()


def test_the_cli_trains_and_runs(tmp_path: Path, capsys) -> None:
    content, style = folders(tmp_path)
    decoder = tmp_path / "d.safetensors"
    assert (
        main(
            [
                "chen-train",
                "--content-data",
                str(content),
                "--style-data",
                str(style),
                "-o",
                str(decoder),
                "--steps",
                "1",
                "--size",
                "32",
            ]
        )
        == 0
    )
    out = tmp_path / "out.jpg"
    assert (
        main(
            [
                "chen",
                str(content / "0.png"),
                str(style / "10.png"),
                "-o",
                str(out),
                "--decoder",
                str(decoder),
                "--stride",
                "2",
            ]
        )
        == 0
    )
    assert out.is_file()
    assert (
        main(
            ["chen", str(content / "0.png"), str(style / "10.png"), "-o", str(out), "--decoder", str(content / "1.png")]
        )
        == 2
    )
    assert "error:" in capsys.readouterr().err
