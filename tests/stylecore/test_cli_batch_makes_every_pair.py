"""`python -m stylecore gatys --batch PHOTOS STYLES -o FOLDER`: every pair, each with its run record; a bad
file is reported on one line and skipped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stylecore.cli import main


@pytest.mark.slow
def test_every_photo_goes_with_every_style_and_a_bad_file_is_skipped(tmp_path: Path, write_image, capsys) -> None:  # noqa: ANN001
    (tmp_path / "photos").mkdir()
    write_image("photos/harbour.png")
    (tmp_path / "photos" / "broken.png").write_bytes(b"not an image")
    (tmp_path / "photos" / "notes.txt").write_text("not a photo: left out by its name")
    candy, mosaic = write_image("Candy.png"), write_image("Mosaic.jpg")
    out = tmp_path / "out"

    status = main(
        ["gatys", "--batch", str(tmp_path / "photos"), str(candy), str(mosaic), "-o", str(out)]
        + ["--size", "32", "--steps", "1", "--optimizer", "adam"]
    )

    captured = capsys.readouterr()
    assert status == 1  # something was skipped
    assert sorted(p.name for p in out.iterdir()) == [
        "harbour × Candy.json",
        "harbour × Candy.png",
        "harbour × Mosaic.json",
        "harbour × Mosaic.png",
    ]
    assert json.loads((out / "harbour × Mosaic.json").read_text())["steps_done"] == 1
    assert "skipped broken.png × Candy.png:" in captured.err and "notes.txt" not in captured.err
    assert f"{out}: 2 of 4 pictures made, 2 skipped" in captured.out


def test_a_missing_folder_is_one_line_and_exit_status_2(tmp_path: Path, write_image, capsys) -> None:  # noqa: ANN001
    status = main(["gatys", "--batch", str(tmp_path / "nowhere"), str(write_image("s.png")), "-o", str(tmp_path / "o")])
    assert status == 2
    assert capsys.readouterr().err.strip() == f"error: {tmp_path / 'nowhere'}: no such file or folder"
