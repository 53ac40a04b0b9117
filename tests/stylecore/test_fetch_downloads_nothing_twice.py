"""Fetching again downloads nothing; the entries of one archive share a single download."""

from __future__ import annotations

from pathlib import Path

from stylecore.catalogue import load_catalogue
from stylecore.fetch import fetch, remove_archives
from tests.helpers.catalogue_server import (
    CatalogueServer,
    johnson_entry,
    johnson_pth,
    style_jpeg,
    write_catalogue,
    zipped,
)


def test_a_second_fetch_downloads_nothing(tmp_path: Path, served: CatalogueServer) -> None:
    served.files["saved_models.zip"] = zipped({"saved_models/candy.pth": johnson_pth()})
    served.files["candy.jpg"] = style_jpeg()
    [entry] = load_catalogue(write_catalogue(tmp_path / "catalogue.json", [johnson_entry(served, "candy")]))
    first = fetch(entry, tmp_path)
    remove_archives([entry], tmp_path)
    stamp = first.path.stat().st_mtime_ns
    requests = len(served.requests)

    again = fetch(entry, tmp_path)

    assert not again.downloaded and again.path == first.path and again.style_image == first.style_image
    assert len(served.requests) == requests and first.path.stat().st_mtime_ns == stamp


def test_two_models_of_one_archive_download_it_once(tmp_path: Path, served: CatalogueServer) -> None:
    served.files["saved_models.zip"] = zipped(
        {"saved_models/candy.pth": johnson_pth(0), "saved_models/udnie.pth": johnson_pth(1)}
    )
    served.files["candy.jpg"] = served.files["udnie.jpg"] = style_jpeg()
    catalogue = [johnson_entry(served, "candy"), johnson_entry(served, "udnie")]
    entries = load_catalogue(write_catalogue(tmp_path / "catalogue.json", catalogue))

    fetched = [fetch(entries[0], tmp_path)]
    assert remove_archives(entries, tmp_path) == []  # udnie still needs it
    fetched.append(fetch(entries[1], tmp_path))

    assert [item.path.name for item in fetched] == ["candy.safetensors", "udnie.safetensors"]
    assert served.gets("saved_models.zip") == 1
    assert fetched[0].path.read_bytes() != fetched[1].path.read_bytes()
    assert remove_archives(entries, tmp_path) == [tmp_path / "saved_models.zip"]
