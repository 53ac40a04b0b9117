"""Before a Gatys run starts it knows how much memory and time it needs (gatys.forecast): more for
more pixels, less in tiles; a run that would not fit in the memory available is refused with a
clear message, and the CLI prints the forecast."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stylecore import gatys, gatys_tiles
from stylecore.cli import main
from stylecore.errors import StylecoreError
from stylecore.gatys import GatysConfig, forecast, run_files


def test_the_forecast_grows_with_the_pixels_and_tiles_bound_the_memory() -> None:
    untiled = [forecast(GatysConfig(size=size, tile=0), (4000, 3000)) for size in (512, 1024, 2048)]
    assert untiled[0][0] < untiled[1][0] < untiled[2][0] and untiled[0][1] < untiled[1][1] < untiled[2][1]
    automatic = forecast(GatysConfig(size=2048), (4000, 3000))  # tiles above gatys_tiles.TILE_ABOVE
    assert automatic[0] < 0.75 * untiled[2][0]
    assert forecast(GatysConfig(size=1024), (4000, 3000)) == untiled[1]  # not above the threshold: whole
    # three scales: the 2048 px one in tiles, the two coarser ones whole: the peak is the 1024 px scale's
    three = forecast(GatysConfig(size=2048, scales=3), (4000, 3000))
    assert three[0] == max(automatic[0], untiled[1][0]) and three[1] > automatic[1]
    assert gatys.forecast is gatys_tiles.forecast


def test_a_run_that_needs_more_memory_than_there_is_is_refused(
    tmp_path: Path, write_image, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    monkeypatch.setenv(gatys_tiles.MEMORY_ENV, "1e8")
    out = tmp_path / "out.png"
    with pytest.raises(StylecoreError, match=r"needs about \d+\.\d GB of memory but only 0\.1 GB is available"):
        run_files(write_image("c.png"), [write_image("s.png")], out, GatysConfig(size=32, steps=1, tile=0))
    assert not out.exists()


def test_the_cli_prints_the_forecast_before_the_run(tmp_path: Path, write_image, capsys: pytest.CaptureFixture) -> None:  # noqa: ANN001
    out = tmp_path / "out.png"
    args = ["gatys", str(write_image("c.png")), str(write_image("s.png")), "-o", str(out), "--size", "32"]
    assert main([*args, "--steps", "1", "--no-tile"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("gatys: expects about ") and " GB and " in printed and "on this CPU" in printed
    assert out.exists()


def test_the_cli_refuses_a_run_too_large_in_one_line(
    tmp_path: Path, write_image, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    monkeypatch.setenv(gatys_tiles.MEMORY_ENV, "1e8")
    args = ["gatys", str(write_image("c.png")), str(write_image("s.png")), "-o", str(tmp_path / "out.png")]
    assert main([*args, "--size", "32", "--no-tile"]) == 2
    error = capsys.readouterr().err.strip()
    assert re.fullmatch(
        r"error: This run needs about \d+\.\d GB of memory but only 0\.1 GB is available; "
        r"choose tiles of 768 px or a smaller size\.",
        error,
    )
