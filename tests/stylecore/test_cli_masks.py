"""--mask and --unmasked on the gatys, chen and johnson commands: masks in the order of the styles or models,
- for the rest; a count that does not match, or a bad mask, is one line and exit status 2 before any work."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from stylecore.cli import main
from stylecore.images import read_record

from .conftest import photo
from .test_masks_composite_per_style import johnson_model, left_half


@pytest.fixture
def files(tmp_path: Path) -> Path:
    photo(32, 32, seed=1).save(tmp_path / "photo.png")
    photo(32, 32, seed=2).save(tmp_path / "a.png")
    photo(32, 32, seed=3).save(tmp_path / "b.png")
    left_half(tmp_path / "left.png")
    return tmp_path


def test_gatys_takes_a_mask_per_style(files: Path) -> None:
    out = files / "out.png"
    args = ["gatys", files / "photo.png", files / "a.png", files / "b.png", "-o", out, "--size", "32", "--steps", "1"]
    assert main([*map(str, args), "--mask", str(files / "left.png"), "--mask", "-", "--unmasked", "style"]) == 0
    params = read_record(out)["params"]
    assert params["masks"] == ["left.png", "rest"] and params["unmasked"] == "style"


def test_johnson_takes_more_models_each_with_its_mask(files: Path) -> None:
    models = [johnson_model(files / f"m{seed}.safetensors", seed) for seed in (1, 2)]
    out = files / "out.png"
    args = ["johnson", models[0], files / "photo.png", "-o", out, "--model", models[1], "--mask", "-"]
    assert main([*map(str, args), "--mask", str(files / "left.png")]) == 0
    params = read_record(out)["params"]
    assert params["model"] == ["m1.safetensors", "m2.safetensors"] and params["masks"] == ["rest", "left.png"]
    assert params["unmasked"] == "photo"


@pytest.mark.parametrize(
    "command, masks, message",
    [
        ("gatys", ["left.png"], "give one mask per style (2), not 1"),
        ("chen", [], "several styles need one mask each"),
        ("chen", ["left.png", "-", "-"], "give one mask per style (2), not 3"),
        ("gatys", ["notes.png", "-"], "The mask is not an image we can read."),
        ("gatys", ["black.png", "-"], "The mask covers nothing"),
    ],
)
def test_a_wrong_count_or_a_bad_mask_is_one_line_before_any_work(
    files: Path, capsys: pytest.CaptureFixture, command: str, masks: list[str], message: str
) -> None:
    (files / "notes.png").write_text("not a picture")
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(files / "black.png")
    extra = ["--decoder", str(files / "missing-decoder.safetensors")] if command == "chen" else []
    mask_args = [arg for mask in masks for arg in ("--mask", mask if mask == "-" else str(files / mask))]
    args = [command, str(files / "photo.png"), str(files / "a.png"), str(files / "b.png"), "-o", str(files / "o.png")]
    assert main([*args, *extra, *mask_args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and message in err[0]
    assert not (files / "o.png").exists()


def test_masks_do_not_go_with_batch(files: Path, capsys: pytest.CaptureFixture) -> None:
    args = [
        "gatys",
        files / "photo.png",
        files / "a.png",
        "-o",
        files / "outs",
        "--batch",
        "--mask",
        files / "left.png",
    ]
    assert main(list(map(str, args))) == 2
    assert "not with --batch" in capsys.readouterr().err
