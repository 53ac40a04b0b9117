"""The shipped catalogue holds what it should; a malformed one is a CatalogueError naming the problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stylecore.catalogue import KINDS, load_catalogue
from stylecore.errors import CatalogueError, StylecoreError


def test_the_shipped_catalogue_lists_vgg19_and_the_four_example_styles() -> None:
    entries = {entry.name: entry for entry in load_catalogue()}
    assert list(entries) == ["vgg19", "candy", "mosaic", "rain_princess", "udnie"]
    vgg = entries["vgg19"]
    assert vgg.url == "https://download.pytorch.org/models/vgg19-dcbb9e9d.pth" and vgg.sha256_prefix == "dcbb9e9d"
    assert vgg.file == "vgg19-dcbb9e9d.pth" and vgg.size == 574673361 and "CC BY 4.0" in vgg.licence
    for name, title in [
        ("candy", "Candy"),
        ("mosaic", "Mosaic"),
        ("rain_princess", "Rain Princess"),
        ("udnie", "Udnie"),
    ]:
        entry = entries[name]
        assert entry.kind in KINDS and entry.title == title and entry.member == f"saved_models/{name}.pth"
        assert entry.url == "https://www.dropbox.com/s/lrvwfehqdcxoza8/saved_models.zip?dl=1"
        assert entry.file == "saved_models.zip" and "BSD-3-Clause" in entry.licence
        image = entry.style_image
        assert image is not None and image.url.endswith("/fast_neural_style/images/style-images/" + image.file)
        assert len(image.sha256 or "") == 64 and (image.size or 0) > 10_000
    assert entries["rain_princess"].style_image.file == "rain-princess-cropped.jpg"


def entry(**fields: object) -> dict:
    base = {"name": "x", "kind": "johnson", "title": "X", "file": "x.pth", "url": "https://h/x.pth", "licence": "MIT"}
    return {key: value for key, value in {**base, **fields}.items() if value != "DROP"}


@pytest.mark.parametrize(
    ("doc", "problem"),
    [
        ("not json", "not valid JSON"),
        ({"format": 2, "entries": []}, "not a catalogue of format 1"),
        ({"format": 1, "entries": {}}, '"entries" must be a list'),
        ({"format": 1, "entries": [entry(colour="red")]}, "entry 1 (x): unknown field 'colour'"),
        ({"format": 1, "entries": [entry(url="DROP")]}, "entry 1 (x): missing field 'url'"),
        ({"format": 1, "entries": [entry(kind="gan")]}, "kind must be one of vgg19, johnson"),
        ({"format": 1, "entries": [entry(name="../x")]}, "name must be lower case"),
        ({"format": 1, "entries": [entry(file="../../etc/x")]}, "file must be a plain file name"),
        ({"format": 1, "entries": [entry(url="file:///etc/passwd")]}, "url must start with http"),
        ({"format": 1, "entries": [entry(size="big")]}, "size must be a whole number of bytes"),
        ({"format": 1, "entries": [entry(sha256="abc")]}, "sha256 must be 64 lower-case hex digits"),
        ({"format": 1, "entries": [entry(style_image={"file": "x.jpg"})]}, "style_image: missing field 'url'"),
        ({"format": 1, "entries": [entry(), entry()]}, "entry names must be unique (x repeated)"),
    ],
)
def test_a_malformed_catalogue_names_its_problem(tmp_path: Path, doc: object, problem: str) -> None:
    path = tmp_path / "catalogue.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    with pytest.raises(CatalogueError) as error:
        load_catalogue(path)
    assert problem in str(error.value) and str(error.value).startswith(str(path))
    assert isinstance(error.value, StylecoreError)


def test_a_missing_catalogue_file_is_a_catalogue_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="cannot read the catalogue"):
        load_catalogue(tmp_path / "nope.json")
