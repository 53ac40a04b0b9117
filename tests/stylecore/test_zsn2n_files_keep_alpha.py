"""run_files reads and writes real image files: alpha, greyscale and the run record survive."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from stylecore.images import read_record
from stylecore.zsn2n import DenoiseConfig, run_files


def test_alpha_survives_denoising(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    rgba = rng.integers(0, 256, (19, 24, 4), dtype=np.uint8)
    rgba[..., 3] = np.linspace(0, 255, 24, dtype=np.uint8)[None, :]
    Image.fromarray(rgba, "RGBA").save(tmp_path / "noisy.png")

    record = run_files(tmp_path / "noisy.png", tmp_path / "out.png", DenoiseConfig(steps=3, seed=0), device="cpu")

    with Image.open(tmp_path / "out.png") as out:
        assert out.mode == "RGBA" and out.size == (24, 19)
        assert np.array_equal(np.asarray(out.getchannel("A")), rgba[..., 3])
    assert (record.algorithm, record.steps_done, record.stopped) == ("denoise", 3, False)
    assert read_record(tmp_path / "out.png")["params"]["steps"] == 3


@pytest.mark.slow
def test_a_greyscale_photo_stays_grey(tmp_path: Path) -> None:
    grey = np.random.default_rng(1).integers(0, 256, (21, 16), dtype=np.uint8)
    Image.fromarray(grey, "L").save(tmp_path / "grey.png")

    run_files(tmp_path / "grey.png", tmp_path / "out.jpg", DenoiseConfig(steps=3, seed=0), device="cpu")

    with Image.open(tmp_path / "out.jpg") as out:
        r, g, b = (np.asarray(out.convert("RGB"), dtype=int)[..., i] for i in range(3))
    assert out.size == (16, 21)
    assert np.abs(r - g).max() <= 2 and np.abs(r - b).max() <= 2  # JPEG rounding only
