"""The johnson commands: train, run on a photo it never saw, and one-line errors with exit status 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from stylecore.cli import main
from stylecore.images import read_record

from .conftest import photo
from .test_johnson_training_roundtrip import photo_folder


@pytest.mark.slow
def test_train_then_stylize_from_the_command_line(tmp_path: Path) -> None:
    data = photo_folder(tmp_path / "photos")
    photo(40, 40, seed=5).save(tmp_path / "style.png")
    model = tmp_path / "style.safetensors"
    args = ["johnson-train", str(tmp_path / "style.png"), "--data", str(data), "-o", str(model)]
    assert (
        main([*args, "--steps", "1", "--size", "32", "--batch", "1", "--variant", "light", "--style-size", "32"]) == 0
    )
    photo(51, 29, seed=3).save(tmp_path / "new.png")
    assert main(["johnson", str(model), str(tmp_path / "new.png"), "-o", str(tmp_path / "out.png")]) == 0
    assert Image.open(tmp_path / "out.png").size == (51, 29)
    assert read_record(tmp_path / "out.png")["params"]["variant"] == "light"


def test_bad_input_is_one_line_and_exit_status_2(tmp_path: Path, capsys) -> None:
    photo().save(tmp_path / "p.png")
    assert main(["johnson", str(tmp_path / "p.png"), str(tmp_path / "p.png"), "-o", str(tmp_path / "o.png")]) == 2
    assert (
        main(
            [
                "johnson-train",
                str(tmp_path / "p.png"),
                "--data",
                str(tmp_path / "none"),
                "-o",
                str(tmp_path / "m.safetensors"),
            ]
        )
        == 2
    )
    assert main(["johnson-train", str(tmp_path / "p.png"), "--data", str(tmp_path), "-o", str(tmp_path / "m.pth")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("error: ") for line in err)
