"""Results are written as PNG (alpha and RunRecord kept) or JPEG, never half-written."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from stylecore.errors import OptionError
from stylecore.images import read_record, save_image
from stylecore.record import RunRecord

from .conftest import photo


def test_png_keeps_the_run_record_and_the_alpha_at_the_output_size(tmp_path: Path) -> None:
    record = RunRecord(algorithm="gatys", params={"size": 32}, weights="random", random_weights=True, steps_done=3)
    alpha = Image.linear_gradient("L").resize((64, 64))
    path = save_image(photo(32, 32), tmp_path / "out.png", record=record, alpha=alpha)
    with Image.open(path) as saved:
        assert saved.mode == "RGBA" and saved.size == (32, 32)
        assert saved.getchannel("A").getextrema()[1] > 200 and saved.getchannel("A").getextrema()[0] < 50
    assert read_record(path) == record.to_dict()
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]  # no temporary file left behind


def test_jpeg_drops_alpha_and_still_carries_the_record(tmp_path: Path) -> None:
    record = RunRecord(algorithm="gatys", seconds=1.5)
    path = save_image(photo(), tmp_path / "out.JPG", record=record, alpha=Image.new("L", (32, 32), 0))
    with Image.open(path) as saved:
        assert saved.format == "JPEG" and saved.mode == "RGB"
    assert read_record(path)["seconds"] == 1.5


def test_it_refuses_other_extensions(tmp_path: Path) -> None:
    with pytest.raises(OptionError, match="must end in .png, .jpg or .jpeg"):
        save_image(photo(), tmp_path / "out.gif")
    assert not list(tmp_path.iterdir())
