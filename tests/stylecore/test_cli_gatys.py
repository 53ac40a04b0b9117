"""`python -m stylecore gatys`: a result on success, exit status 2 and one line on bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from stylecore.cli import main
from stylecore.images import read_record

ROOT = Path(__file__).resolve().parents[2]


def stylecore(*args: object) -> subprocess.CompletedProcess:
    env = {**os.environ, "STYLECORE_VGG_WEIGHTS": "random", "STYLECORE_DEVICE": "cpu"}
    return subprocess.run(
        [sys.executable, "-m", "stylecore", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_it_writes_a_stylized_png_with_previews(tmp_path: Path, write_image) -> None:  # noqa: ANN001
    content, style = write_image("content.png"), write_image("style.jpg")
    out, previews = tmp_path / "out.png", tmp_path / "previews"
    done = stylecore(
        "gatys", content, style, "-o", out, "--size", 32, "--steps", 2, "--preview-every", 1, "--preview-dir", previews
    )
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout and "random VGG weights" in done.stdout
    assert Image.open(out).size == (32, 32)
    assert read_record(out)["steps_done"] == 2
    assert sorted(p.name for p in previews.iterdir()) == ["preview-00001.png", "preview-00002.png"]


@pytest.mark.slow
def test_a_missing_file_is_one_line_and_exit_status_2(tmp_path: Path, write_image) -> None:  # noqa: ANN001
    done = stylecore("gatys", tmp_path / "missing.jpg", write_image("style.png"), "-o", tmp_path / "out.png")
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: No such image file: {tmp_path / 'missing.jpg'}"
    assert not (tmp_path / "out.png").exists()


@pytest.mark.slow
def test_a_text_file_named_jpg_is_refused(tmp_path: Path, write_image) -> None:  # noqa: ANN001
    (tmp_path / "fake.jpg").write_text("hello")
    done = stylecore("gatys", write_image("c.png"), tmp_path / "fake.jpg", "-o", tmp_path / "out.png")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().startswith("error: This file is not an image")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--size", "abc"], "error: size: must be a whole number, not 'abc'"),
        (["--steps", "0"], "error: steps: must be between 1 and 5000, not 0"),
        (["--optimizer", "sgd"], "error: optimizer: must be one of lbfgs, adam, not 'sgd'"),
        (["--style-blend", "0.5,x"], "error: style-blend: must be a number, not 'x'"),
        (["--preview-every", "5"], "error: preview-dir: is needed with --preview-every"),
        (
            ["--device", "tpu"],
            "error: device: must be one of auto, cpu, cuda, cuda:N, mps, not 'tpu'",
        ),
        (["-o", "out.gif"], "error: output: must end in .png, .jpg or .jpeg, not 'out.gif'"),
    ],
)
def test_bad_option_values_are_one_clear_line(
    options: list[str],
    message: str,
    tmp_path: Path,
    write_image,
    capsys: pytest.CaptureFixture,  # noqa: ANN001
) -> None:
    args = ["gatys", str(write_image("c.png")), str(write_image("s.png")), "-o", str(tmp_path / "out.png"), *options]
    assert main(args) == 2
    assert capsys.readouterr().err.strip() == message


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--style-layers", "conv1_1:1,conv2_1:x"],
            "error: style-layers: conv2_1: the weight must be a number, not 'x'",
        ),
        (["--content-layers", "conv9_9:1"], "error: content_layers: conv9_9: not a VGG19 layer; choose from conv1_1,"),
        (["--style-layers", "conv1_1:0"], "error: style_layers: at least one layer's weight must be above 0"),
        (["--style-scale", "big"], "error: style-scale: must be a number, not 'big'"),
        (["--style-scale", "9"], "error: style_scale: must be between 0.1 and 4, not 9"),
        (["--pooling", "min"], "error: pooling: must be one of max, avg, not 'min'"),
    ],
)
def test_bad_scales_poolings_and_layers_are_one_clear_line(
    options: list[str],
    message: str,
    tmp_path: Path,
    write_image,
    capsys: pytest.CaptureFixture,  # noqa: ANN001
) -> None:
    args = ["gatys", str(write_image("c.png")), str(write_image("s.png")), "-o", str(tmp_path / "out.png"), *options]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(message) and "\n" not in err


def test_scale_pooling_and_layers_reach_the_config() -> None:
    from stylecore.cli import build_parser
    from stylecore.cli.gatys import config_from_args

    args = build_parser().parse_args(
        ["gatys", "c.png", "s.png", "-o", "o.png", "--style-scale", "0.5", "--pooling", "avg"]
        + ["--content-layers", "conv3_2", "--style-layers", "conv1_1:1, relu2_1:0.25"]
    )
    config = config_from_args(args)
    assert (config.style_scale, config.pooling) == (0.5, "avg")
    assert config.content_layers == {"conv3_2": 1.0} and config.style_layers == {"conv1_1": 1.0, "relu2_1": 0.25}
