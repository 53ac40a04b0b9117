"""A served fast-neural-style archive becomes our checked .safetensors model, with its style image beside it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PIL import Image

from stylecore.catalogue import load_catalogue
from stylecore.fetch import fetch, remove_archives
from stylecore.modelfile import is_safetensors, read_metadata
from tests.helpers.catalogue_server import (
    CatalogueServer,
    johnson_entry,
    johnson_pth,
    style_jpeg,
    write_catalogue,
    zipped,
)


def serve_candy(served: CatalogueServer) -> bytes:
    served.files["saved_models.zip"] = zipped({"saved_models/candy.pth": johnson_pth()})
    served.files["candy.jpg"] = image = style_jpeg()
    return image


def test_a_zipped_pth_is_checked_and_converted(tmp_path: Path, served: CatalogueServer) -> None:
    image = serve_candy(served)
    digest = hashlib.sha256(image).hexdigest()
    fields = {
        "style_image": {"file": "candy.jpg", "url": served.url("candy.jpg"), "sha256": digest, "size": len(image)}
    }
    [entry] = load_catalogue(write_catalogue(tmp_path / "catalogue.json", [johnson_entry(served, "candy", **fields)]))
    seen: list[tuple[int, int | None]] = []

    fetched = fetch(entry, tmp_path / "models", on_progress=lambda done, total: seen.append((done, total)))

    assert fetched.downloaded and fetched.path == tmp_path / "models" / "candy.safetensors"
    assert is_safetensors(fetched.path)
    meta = read_metadata(fetched.path)
    assert meta["kind"] == "johnson" and meta["variant"] == "standard" and meta["style"] == "Candy"
    assert meta["training"]["original_name"] == "candy.pth"
    assert fetched.style_image == tmp_path / "models" / "candy.jpg"
    assert fetched.style_image.read_bytes() == image
    assert Image.open(fetched.style_image).size == (24, 16)
    assert seen[-1] == (len(image), len(image)) and seen[0][0] == 0
    left = sorted(path.name for path in (tmp_path / "models").iterdir())
    assert left == ["candy.jpg", "candy.safetensors", "saved_models.zip"]  # no .part, no extracted .pth
    assert remove_archives([entry], tmp_path / "models") == [tmp_path / "models" / "saved_models.zip"]


def test_a_mirror_url_replaces_the_host(tmp_path: Path, served: CatalogueServer) -> None:
    serve_candy(served)
    entry = johnson_entry(served, "candy", url="https://www.dropbox.invalid/s/x/saved_models.zip?dl=1")
    entry["style_image"]["url"] = "https://raw.invalid/candy.jpg"
    [entry] = load_catalogue(write_catalogue(tmp_path / "catalogue.json", [entry]))

    fetched = fetch(entry, tmp_path / "models", mirror=served.base + "/")

    assert fetched.downloaded and is_safetensors(fetched.path)
    assert [name for name, _ in served.requests] == ["saved_models.zip", "candy.jpg"]


def test_a_mirror_folder_works_without_any_server(tmp_path: Path, served: CatalogueServer) -> None:
    image = serve_candy(served)
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    for name, data in served.files.items():
        (mirror / name).write_bytes(data)
    [entry] = load_catalogue(write_catalogue(tmp_path / "catalogue.json", [johnson_entry(served, "candy")]))

    fetched = fetch(entry, tmp_path / "models", mirror=str(mirror))

    assert is_safetensors(fetched.path) and fetched.style_image.read_bytes() == image
    assert served.requests == []


def test_a_pth_served_as_it_is_needs_no_archive(tmp_path: Path, served: CatalogueServer) -> None:
    served.files["mosaic.pth"] = johnson_pth()
    entry = johnson_entry(served, "mosaic", file="mosaic.pth", url=served.url("mosaic.pth"), member=None)
    entry["style_image"] = None
    [entry] = load_catalogue(write_catalogue(tmp_path / "catalogue.json", [entry]))

    fetched = fetch(entry, tmp_path / "models")

    assert is_safetensors(fetched.path) and fetched.style_image is None
    assert [path.name for path in (tmp_path / "models").iterdir()] == ["mosaic.safetensors"]
