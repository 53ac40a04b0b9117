"""A photo stylized in tiles (Johnson, Chen) stops between tiles once asked, by the callback's answer or its
stop_requested(): no picture is written and the record says stopped; a run not asked paints every tile."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from stylecore import chen, johnson, tiles
from stylecore.modelfile import save_model
from stylecore.progress import Progress, StopRequested

from .conftest import photo


class StopAfterTiles:
    """A callback (with stop_requested, as the gallery's) that asks to stop once `tiles` tiles are done."""

    def __init__(self, tiles: int) -> None:
        self.tiles = tiles
        self.done = 0
        self.reports: list[Progress] = []

    def __call__(self, progress: Progress) -> bool:
        self.reports.append(progress)
        if progress.stage == "tiles":
            self.done = progress.step
        return False

    def stop_requested(self) -> bool:
        return self.done >= self.tiles


def test_a_true_answer_ends_the_run_before_the_next_tile() -> None:
    painted: list[int] = []

    def paint(part: torch.Tensor) -> torch.Tensor:
        painted.append(1)
        return part

    with pytest.raises(StopRequested):
        tiles.tiled(torch.rand(1, 3, 300, 600), paint, tile=256, on_tile=lambda done, count: done == 1)
    assert len(painted) == 1
    asked: list[tuple[int, int]] = []
    tiles.tiled(torch.rand(1, 3, 300, 600), paint, tile=256, on_tile=lambda *args: asked.append(args))
    assert asked[0] == (0, 6) and asked[-1] == (6, 6) and len(painted) == 1 + 6


def test_johnson_stops_between_tiles_and_writes_nothing(tmp_path: Path) -> None:
    torch.manual_seed(0)
    net = johnson.TransformerNet(variant="light")
    model = save_model(
        tmp_path / "m.safetensors", net.state_dict(), johnson.model_metadata(net, style="test", training={})
    )
    photo(600, 300).save(tmp_path / "p.png")
    output = tmp_path / "out.png"
    stop = StopAfterTiles(2)

    record = johnson.run_files(model, tmp_path / "p.png", output, johnson.JohnsonConfig(tile=256), on_progress=stop)

    assert record.stopped and record.steps_done == 0 and not output.exists()
    assert [p.step for p in stop.reports if p.stage == "tiles"] == [0, 1, 2]  # the third tile never ran
    whole = johnson.run_files(
        model, tmp_path / "p.png", output, johnson.JohnsonConfig(tile=256), on_progress=lambda _: False
    )
    assert not whole.stopped and output.exists()


def test_chen_stops_between_tiles_and_writes_nothing(tmp_path: Path) -> None:
    torch.manual_seed(0)
    meta = {"kind": "chen-decoder", "variant": "relu3_1", "training": {"weights": "random", "steps_done": 0}}
    decoder = save_model(tmp_path / "d.safetensors", chen.InverseNet().state_dict(), meta)
    photo(600, 300).save(tmp_path / "p.png")
    photo(64, 64, seed=2).save(tmp_path / "s.png")
    output = tmp_path / "out.png"
    stop = StopAfterTiles(1)

    record = chen.run_files(
        tmp_path / "p.png", tmp_path / "s.png", output, chen.ChenConfig(tile=256), decoder=decoder, on_progress=stop
    )

    assert record.stopped and record.steps_done == 0 and not output.exists()
    assert [p.step for p in stop.reports if p.stage == "tiles"] == [0, 1]
