"""Files that are safe but not what the entry's kind needs are refused and deleted, with one line saying why."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from stylecore.catalogue import load_catalogue
from stylecore.errors import FetchError
from stylecore.fetch import check_vgg_file, fetch
from tests.helpers.catalogue_server import (
    CatalogueServer,
    johnson_entry,
    johnson_pth,
    saved,
    style_jpeg,
    write_catalogue,
    zipped,
)


def fetch_candy(tmp_path: Path, served: CatalogueServer, archive: bytes, image: bytes | None = None) -> str:
    served.files.update({"saved_models.zip": archive, "candy.jpg": image or style_jpeg()})
    [entry] = load_catalogue(write_catalogue(tmp_path / "c.json", [johnson_entry(served, "candy")]))
    with pytest.raises(FetchError) as refused:
        fetch(entry, tmp_path / "models")
    assert "\n" not in str(refused.value)
    assert not (tmp_path / "models" / "candy.safetensors").exists()
    assert not any(path.name.endswith(".zip") for path in (tmp_path / "models").iterdir())
    return str(refused.value)


def test_a_state_dict_of_another_network_is_refused(tmp_path: Path, served: CatalogueServer) -> None:
    other = saved(torch.nn.Conv2d(3, 8, 3).state_dict())
    message = fetch_candy(tmp_path, served, zipped({"saved_models/candy.pth": other}))
    assert message.startswith("candy: saved_models/candy.pth: ")


def test_an_archive_without_the_member_is_refused(tmp_path: Path, served: CatalogueServer) -> None:
    message = fetch_candy(tmp_path, served, zipped({"saved_models/mosaic.pth": johnson_pth()}))
    assert message == (
        "candy: saved_models.zip: the archive has no saved_models/candy.pth; check the catalogue's member"
    )


def test_a_download_that_is_no_zip_is_refused(tmp_path: Path, served: CatalogueServer) -> None:
    message = fetch_candy(tmp_path, served, b"<html>Sign in to Dropbox</html>")
    assert message.startswith("candy: saved_models.zip: not a zip archive")


def test_a_style_image_that_is_no_image_is_refused(tmp_path: Path, served: CatalogueServer) -> None:
    served.files.update({"saved_models.zip": zipped({"saved_models/candy.pth": johnson_pth()})})
    served.files["candy.jpg"] = b"<html>rate limited</html>"
    [entry] = load_catalogue(write_catalogue(tmp_path / "c.json", [johnson_entry(served, "candy")]))
    with pytest.raises(FetchError, match=r"^candy: candy\.jpg: not a usable image"):
        fetch(entry, tmp_path)
    assert not (tmp_path / "candy.jpg").exists() and not (tmp_path / "candy.jpg.part").exists()


def test_vgg19_files_need_every_features_tensor_in_its_shape(tmp_path: Path) -> None:
    (tmp_path / "short.pth").write_bytes(saved({"features.0.weight": torch.zeros(64, 3, 3, 3)}))
    with pytest.raises(FetchError, match=r"short\.pth: not VGG19 weights: no floating-point tensor features\.0\.bias"):
        check_vgg_file(tmp_path / "short.pth")
    wrong = {"features.0.weight": torch.zeros(64, 3, 5, 5), "features.0.bias": torch.zeros(64)}
    (tmp_path / "wrong.pth").write_bytes(saved(wrong))
    with pytest.raises(FetchError, match=r"features\.0\.weight is \(64, 3, 5, 5\), not \(64, 3, 3, 3\)"):
        check_vgg_file(tmp_path / "wrong.pth")
    (tmp_path / "list.pth").write_bytes(saved([torch.zeros(1)]))
    with pytest.raises(FetchError, match="not a state_dict"):
        check_vgg_file(tmp_path / "list.pth")
    (tmp_path / "text.pth").write_bytes(b"not weights")
    with pytest.raises(FetchError, match="not a readable PyTorch weights file"):
        check_vgg_file(tmp_path / "text.pth")
