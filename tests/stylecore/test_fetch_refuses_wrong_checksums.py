"""A download whose size or sha256 differs from the catalogue's is deleted and refused in one line."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from stylecore.catalogue import load_catalogue
from stylecore.errors import FetchError
from stylecore.fetch import fetch
from tests.helpers.catalogue_server import (
    CatalogueServer,
    johnson_entry,
    johnson_pth,
    style_jpeg,
    write_catalogue,
    zipped,
)


def serve(served: CatalogueServer) -> bytes:
    served.files["saved_models.zip"] = archive = zipped({"saved_models/candy.pth": johnson_pth()})
    served.files["candy.jpg"] = style_jpeg()
    return archive


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"sha256": "0" * 64}, "its sha256 is "),
        ({"sha256_prefix": "not-the-prefix"}, "its sha256 starts "),
    ],
)
def test_a_wrong_checksum_is_refused(tmp_path: Path, served: CatalogueServer, fields: dict, problem: str) -> None:
    digest = hashlib.sha256(serve(served)).hexdigest()
    if fields.get("sha256_prefix"):  # eight hex digits that are not the file's
        fields = {"sha256_prefix": format(int(digest[:8], 16) ^ 0xFFFFFFFF, "08x")}
    [entry] = load_catalogue(write_catalogue(tmp_path / "c.json", [johnson_entry(served, "candy", **fields)]))
    with pytest.raises(FetchError) as refused:
        fetch(entry, tmp_path / "models")
    message = str(refused.value)
    assert message.startswith("candy: saved_models.zip: wrong file: ") and problem in message
    assert "\n" not in message
    assert list((tmp_path / "models").iterdir()) == []


def test_a_right_checksum_passes(tmp_path: Path, served: CatalogueServer) -> None:
    digest = hashlib.sha256(serve(served)).hexdigest()
    [entry] = load_catalogue(write_catalogue(tmp_path / "c.json", [johnson_entry(served, "candy", sha256=digest)]))
    assert fetch(entry, tmp_path).path.exists()


def test_a_style_image_with_a_wrong_checksum_is_refused(tmp_path: Path, served: CatalogueServer) -> None:
    serve(served)
    entry = johnson_entry(served, "candy")
    entry["style_image"]["sha256"] = "f" * 64
    [entry] = load_catalogue(write_catalogue(tmp_path / "c.json", [entry]))
    with pytest.raises(FetchError, match=r"^candy: candy\.jpg: wrong file: its sha256 is"):
        fetch(entry, tmp_path)
    assert not (tmp_path / "candy.jpg").exists() and not (tmp_path / "candy.jpg.part").exists()


def test_a_file_larger_than_the_catalogue_says_is_refused(tmp_path: Path, served: CatalogueServer) -> None:
    archive = serve(served)
    [entry] = load_catalogue(write_catalogue(tmp_path / "c.json", [johnson_entry(served, "candy", size=100)]))
    with pytest.raises(FetchError, match=f"offers {len(archive)} bytes, the catalogue says 100"):
        fetch(entry, tmp_path)
    assert list(tmp_path.glob("saved_models*")) == []
