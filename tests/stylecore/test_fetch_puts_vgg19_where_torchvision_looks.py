"""The VGG19 weights are checked (sha256 prefix, safe load, every features tensor) and put where torchvision looks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from stylecore.catalogue import load_catalogue
from stylecore.errors import FetchError
from stylecore.fetch import fetch, vgg_target
from tests.helpers.catalogue_server import CatalogueServer, vgg_pth, write_catalogue

FILE = "vgg19-dcbb9e9d.pth"


def vgg_entry(served: CatalogueServer, data: bytes, **fields: object) -> dict:
    entry = {
        "name": "vgg19",
        "kind": "vgg19",
        "title": "VGG19",
        "file": FILE,
        "url": served.url(FILE),
        "sha256_prefix": hashlib.sha256(data).hexdigest()[:8],
        "size": len(data),
        "licence": "CC BY 4.0",
    }
    return {**entry, **fields}


@pytest.mark.slow
def test_torchvision_finds_a_fetched_old_format_file(
    tmp_path: Path, served: CatalogueServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    served.files[FILE] = data = vgg_pth(legacy=True)  # the 2017 file predates torch.save's zip format
    [entry] = load_catalogue(write_catalogue(tmp_path / "c.json", [vgg_entry(served, data)]))

    fetched = fetch(entry, None)

    assert fetched.path == vgg_target(entry) == tmp_path / "torch" / "hub" / "checkpoints" / FILE
    assert fetched.downloaded and fetched.style_image is None and fetched.path.read_bytes() == data
    assert not fetched.path.with_name(FILE + ".part").exists()
    from torchvision.models import VGG19_Weights

    state = VGG19_Weights.IMAGENET1K_V1.get_state_dict(progress=False)  # from the cache: no download
    assert state["features.34.weight"].shape == (512, 512, 3, 3)
    assert not fetch(entry, None).downloaded


def test_a_file_without_every_layer_is_refused(tmp_path: Path, served: CatalogueServer) -> None:
    served.files[FILE] = data = b"x" * 10  # size and prefix right: only the safe load can tell
    [entry] = load_catalogue(write_catalogue(tmp_path / "c.json", [vgg_entry(served, data)]))
    with pytest.raises(FetchError, match=r"^vgg19: vgg19-dcbb9e9d\.pth: not a readable PyTorch weights file"):
        fetch(entry, tmp_path)
    assert list(tmp_path.glob("vgg19*")) == []


def test_a_zip_format_file_missing_a_layer_is_refused(tmp_path: Path, served: CatalogueServer) -> None:
    served.files[FILE] = data = vgg_pth(drop="34.bias")
    [entry] = load_catalogue(write_catalogue(tmp_path / "c.json", [vgg_entry(served, data)]))
    with pytest.raises(FetchError, match=r"not VGG19 weights: no floating-point tensor features\.34\.bias"):
        fetch(entry, tmp_path)
    assert list(tmp_path.glob("vgg19*")) == []
