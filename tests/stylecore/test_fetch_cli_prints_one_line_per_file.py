"""`python -m stylecore fetch`: one line per entry, exit 0 when all are there, 1 with one line per failure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from stylecore.cli import main
from tests.helpers.catalogue_server import (
    CatalogueServer,
    johnson_entry,
    johnson_pth,
    style_jpeg,
    write_catalogue,
    zipped,
)
from tests.helpers.network import free_port

ROOT = Path(__file__).resolve().parents[2]


def two_styles(tmp_path: Path, served: CatalogueServer) -> Path:
    served.files["saved_models.zip"] = zipped(
        {"saved_models/candy.pth": johnson_pth(0), "saved_models/udnie.pth": johnson_pth(1)}
    )
    served.files["candy.jpg"] = served.files["udnie.jpg"] = style_jpeg()
    entries = [johnson_entry(served, "candy"), johnson_entry(served, "udnie")]
    return write_catalogue(tmp_path / "catalogue.json", entries)


def test_it_fetches_every_entry_then_finds_them_there(
    tmp_path: Path, served: CatalogueServer, capsys: pytest.CaptureFixture
) -> None:
    catalogue, into = two_styles(tmp_path, served), tmp_path / "models"

    assert main(["fetch", "--catalogue", str(catalogue), "--into", str(into)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"candy: {into / 'candy.safetensors'} + {into / 'candy.jpg'} (downloaded)",
        f"udnie: {into / 'udnie.safetensors'} + {into / 'udnie.jpg'} (downloaded)",
    ]
    assert not (into / "saved_models.zip").exists()  # removed once every model it holds is in place

    assert main(["fetch", "--catalogue", str(catalogue), "--into", str(into), "--only", "udnie"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"udnie: {into / 'udnie.safetensors'} + {into / 'udnie.jpg'} (already there)"
    ]


def test_offline_it_exits_1_with_one_line_per_entry(
    tmp_path: Path, served: CatalogueServer, capsys: pytest.CaptureFixture
) -> None:
    catalogue, port = two_styles(tmp_path, served), free_port()
    status = main(
        ["fetch", "--catalogue", str(catalogue), "--into", str(tmp_path / "m"), "--from", f"http://127.0.0.1:{port}"]
    )
    captured = capsys.readouterr()
    assert status == 1 and captured.out == ""
    lines = captured.err.splitlines()
    assert [line.split(":")[1].strip() for line in lines] == ["candy", "udnie"]
    assert all(line.startswith("error: ") and f"cannot reach 127.0.0.1:{port}" in line for line in lines)


def test_bad_arguments_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["fetch", "--only", "nosuch"]) == 2
    assert capsys.readouterr().err.startswith("error: only: no entry 'nosuch' in the catalogue (choose from candy, ")
    (tmp_path / "bad.json").write_text('{"format": 2, "entries": []}')
    assert main(["fetch", "--catalogue", str(tmp_path / "bad.json")]) == 2
    assert "not a catalogue of format 1" in capsys.readouterr().err


def test_list_shows_the_shipped_catalogue(capsys: pytest.CaptureFixture) -> None:
    assert main(["fetch", "--list"]) == 0
    names = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
    assert names == ["vgg19", "candy", "mosaic", "rain_princess", "udnie"]


@pytest.mark.slow
def test_the_real_command_offline_prints_no_traceback(tmp_path: Path, served: CatalogueServer) -> None:
    catalogue, port = two_styles(tmp_path, served), free_port()
    done = subprocess.run(
        [sys.executable, "-m", "stylecore", "fetch", "--catalogue", catalogue, "--into", tmp_path / "m"]
        + ["--only", "candy", "--from", f"http://127.0.0.1:{port}/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip().startswith("error: candy: saved_models.zip: cannot reach")
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
