"""`python -m stylecore add-noise` and `denoise`: exit codes and one-line errors."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from stylecore.cli import main

ROOT = Path(__file__).resolve().parents[2]


def stylecore(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "stylecore", *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=240
    )


@pytest.mark.slow
def test_add_noise_then_denoise_write_their_files(tmp_path: Path) -> None:
    clean, noisy, out = tmp_path / "clean.png", tmp_path / "noisy.png", tmp_path / "out.png"
    Image.fromarray(np.full((18, 22, 3), 128, dtype=np.uint8)).save(clean)

    noised = stylecore("add-noise", clean, "-o", noisy, "--sigma", "25", "--seed", "3")
    assert noised.returncode == 0, noised.stderr
    with Image.open(noisy) as img:
        assert img.size == (22, 18)
        assert np.asarray(img, dtype=float).std() > 10

    denoised = stylecore("denoise", noisy, "-o", out, "--steps", "4", "--seed", "0")
    assert denoised.returncode == 0, denoised.stderr
    assert "4 steps" in denoised.stdout
    with Image.open(out) as img:
        assert img.size == (22, 18)


@pytest.mark.slow
def test_a_file_that_is_not_an_image_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "notes.png").write_text("not a picture")

    result = stylecore("denoise", tmp_path / "notes.png", "-o", tmp_path / "out.png", "--steps", "2")

    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "not an image" in result.stderr
    assert not (tmp_path / "out.png").exists()


@pytest.mark.parametrize(
    "args",
    [
        ("denoise", "clean.png", "-o", "out.png", "--steps", "many"),
        ("denoise", "clean.png", "-o", "out.png", "--steps", "0"),
        ("denoise", "clean.png", "-o", "out.gif"),
        ("denoise", "clean.png", "-o", "out.png", "--blend", "half"),
        ("denoise", "clean.png", "-o", "out.png", "--blend", "2"),
        ("add-noise", "clean.png", "-o", "noisy.png", "--sigma", "-5"),
        ("add-noise", "missing.png", "-o", "noisy.png", "--sigma", "25"),
    ],
)
def test_bad_option_values_are_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    Image.fromarray(np.zeros((8, 8, 3), dtype=np.uint8)).save(tmp_path / "clean.png")

    status = main([str(tmp_path / arg) if "." in arg else arg for arg in args])

    stderr = capsys.readouterr().err.strip()
    assert status == 2
    assert stderr.startswith("error: ") and "\n" not in stderr
    assert not (tmp_path / "out.png").exists() and not (tmp_path / "noisy.png").exists()
