"""`python -m stylecore johnson --batch MODEL MODEL... PHOTOS -o FOLDER`: every photo through each model
file named (or each in a folder); several models without --batch are one line of error."""

from __future__ import annotations

from pathlib import Path

import torch

from stylecore import johnson
from stylecore.cli import main
from stylecore.modelfile import save_model


def model_file(path: Path, style: str) -> Path:
    torch.manual_seed(0)
    net = johnson.TransformerNet(variant="light")
    return save_model(path, net.state_dict(), johnson.model_metadata(net, style=style, training={"steps_done": 0}))


def test_every_photo_goes_through_every_model_file(tmp_path: Path, write_image, capsys) -> None:  # noqa: ANN001
    (tmp_path / "photos").mkdir()
    write_image("photos/harbour.png")
    write_image("photos/beach.png")
    candy = model_file(tmp_path / "Candy.safetensors", "candy")
    mosaic = model_file(tmp_path / "Mosaic.safetensors", "mosaic")
    out = tmp_path / "out"

    status = main(["johnson", "--batch", str(candy), str(mosaic), str(tmp_path / "photos"), "-o", str(out)])

    assert status == 0
    pictures = sorted(p.name for p in out.glob("*.png"))
    assert pictures == ["beach × Candy.png", "beach × Mosaic.png", "harbour × Candy.png", "harbour × Mosaic.png"]
    assert f"{out}: 4 of 4 pictures made" in capsys.readouterr().out


def test_several_models_without_batch_is_one_line_and_exit_status_2(tmp_path: Path, write_image, capsys) -> None:  # noqa: ANN001
    candy = model_file(tmp_path / "Candy.safetensors", "candy")
    status = main(["johnson", str(candy), str(candy), str(write_image("p.png")), "-o", str(tmp_path / "o.png")])
    assert status == 2
    assert capsys.readouterr().err.strip() == (
        "error: several models need --batch (a picture each) or a --mask each (one picture)"
    )
    assert not (tmp_path / "o.png").exists()
