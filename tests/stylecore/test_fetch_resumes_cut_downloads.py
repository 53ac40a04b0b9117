"""A cut download leaves no final file, keeps its .part, and the next fetch resumes it (or starts over)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stylecore.catalogue import load_catalogue
from stylecore.errors import FetchError
from stylecore.fetch import fetch
from stylecore.modelfile import is_safetensors
from tests.helpers.catalogue_server import (
    CatalogueServer,
    johnson_entry,
    johnson_pth,
    style_jpeg,
    write_catalogue,
    zipped,
)


def cut_candy(tmp_path: Path, served: CatalogueServer, at: int) -> tuple[object, bytes]:
    archive = zipped({"saved_models/candy.pth": johnson_pth()})
    served.files.update({"saved_models.zip": archive, "candy.jpg": style_jpeg()})
    served.cut["saved_models.zip"] = at
    [entry] = load_catalogue(write_catalogue(tmp_path / "catalogue.json", [johnson_entry(served, "candy")]))
    with pytest.raises(FetchError) as cut:
        fetch(entry, tmp_path / "models")
    message = str(cut.value)
    assert message.startswith("candy: saved_models.zip: the download was cut after ")
    assert f"of {len(archive)} bytes" in message and "run the command again to resume" in message
    assert "\n" not in message
    assert sorted(path.name for path in (tmp_path / "models").iterdir()) == ["saved_models.zip.part"]
    assert (tmp_path / "models" / "saved_models.zip.part").stat().st_size <= at
    return entry, archive


def test_a_cut_download_resumes_with_a_range_request(tmp_path: Path, served: CatalogueServer) -> None:
    entry, archive = cut_candy(tmp_path, served, at=1_000_000)
    part = (tmp_path / "models" / "saved_models.zip.part").stat().st_size
    assert part > 0

    fetched = fetch(entry, tmp_path / "models")

    assert is_safetensors(fetched.path) and fetched.downloaded
    assert served.requests[-2] == ("saved_models.zip", f"bytes={part}-")
    assert not (tmp_path / "models" / "saved_models.zip.part").exists()
    assert (tmp_path / "models" / "saved_models.zip").read_bytes() == archive


def test_a_server_that_ignores_range_sends_it_all_again(tmp_path: Path, served: CatalogueServer) -> None:
    entry, archive = cut_candy(tmp_path, served, at=1_000_000)
    served.ignore_range = True

    fetched = fetch(entry, tmp_path / "models")

    assert is_safetensors(fetched.path)
    assert (tmp_path / "models" / "saved_models.zip").read_bytes() == archive


def test_a_quiet_cut_is_caught_by_the_catalogues_size(tmp_path: Path, served: CatalogueServer) -> None:
    # no Content-Length, the connection just ends: only the catalogue's size tells it was cut
    archive = zipped({"saved_models/candy.pth": johnson_pth()})
    served.files.update({"saved_models.zip": archive, "candy.jpg": style_jpeg()})
    served.no_length.add("saved_models.zip")
    served.cut["saved_models.zip"] = 5000
    entry = johnson_entry(served, "candy", size=len(archive))
    [entry] = load_catalogue(write_catalogue(tmp_path / "catalogue.json", [entry]))
    with pytest.raises(FetchError, match=f"cut after 5000 of {len(archive)} bytes"):
        fetch(entry, tmp_path)
    assert not (tmp_path / "candy.safetensors").exists() and not (tmp_path / "saved_models.zip").exists()

    assert is_safetensors(fetch(entry, tmp_path).path)
    assert served.requests[-2] == ("saved_models.zip", "bytes=5000-")


def test_a_server_offering_another_size_is_refused_before_downloading(tmp_path: Path, served: CatalogueServer) -> None:
    archive = zipped({"saved_models/candy.pth": johnson_pth()})
    served.files.update({"saved_models.zip": archive[:5000], "candy.jpg": style_jpeg()})
    entry = johnson_entry(served, "candy", size=len(archive))
    [entry] = load_catalogue(write_catalogue(tmp_path / "catalogue.json", [entry]))
    with pytest.raises(FetchError, match=f"the server offers 5000 bytes, the catalogue says {len(archive)}"):
        fetch(entry, tmp_path)
    assert list(tmp_path.glob("saved_models*")) == []
