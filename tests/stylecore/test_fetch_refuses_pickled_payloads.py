"""A served .pth that carries a pickled Python object is refused, nothing in it runs and no file is kept."""

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
    saved,
    style_jpeg,
    write_catalogue,
    zipped,
)


class TouchesMarker:
    """Unpickling this would create the marker file: proof that something ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_zipped_pth_with_a_pickled_object_is_refused(tmp_path: Path, served: CatalogueServer) -> None:
    marker = tmp_path / "ran"
    payload = saved({"conv1.conv2d.weight": TouchesMarker(marker)})
    served.files.update({"saved_models.zip": zipped({"saved_models/candy.pth": payload}), "candy.jpg": style_jpeg()})
    [entry] = load_catalogue(write_catalogue(tmp_path / "c.json", [johnson_entry(served, "candy")]))

    with pytest.raises(FetchError) as refused:
        fetch(entry, tmp_path / "models")

    assert str(refused.value).startswith("candy: saved_models/candy.pth: refused: the file carries pickled Python")
    assert not marker.exists()
    assert list((tmp_path / "models").iterdir()) == []  # neither the model nor the archive it came in


def test_a_vgg19_file_with_a_pickled_object_is_refused(tmp_path: Path, served: CatalogueServer) -> None:
    marker = tmp_path / "ran"
    served.files["vgg19-dcbb9e9d.pth"] = payload = saved({"features.0.weight": TouchesMarker(marker)})
    entry = {
        "name": "vgg19",
        "kind": "vgg19",
        "title": "VGG19",
        "file": "vgg19-dcbb9e9d.pth",
        "url": served.url("vgg19-dcbb9e9d.pth"),
        "sha256_prefix": hashlib.sha256(payload).hexdigest()[:8],
        "size": len(payload),
        "licence": "CC BY 4.0",
    }
    [entry] = load_catalogue(write_catalogue(tmp_path / "c.json", [entry]))

    with pytest.raises(FetchError, match=r"^vgg19: vgg19-dcbb9e9d\.pth: refused: the file carries pickled"):
        fetch(entry, tmp_path / "weights")

    assert not marker.exists() and list((tmp_path / "weights").iterdir()) == []
