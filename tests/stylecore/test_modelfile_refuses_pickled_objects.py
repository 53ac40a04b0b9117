"""Model files are never unpickled: a file carrying a Python object is refused and nothing in it runs."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import torch

from stylecore import johnson
from stylecore.errors import ModelFileError
from stylecore.modelfile import load_model, load_public_pth, save_model


class WritesMarker:
    """Unpickling this would create the marker file (what a hostile model file could do)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "pwned"))


def test_it_refuses_a_plain_pickle_with_a_payload_and_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "marker.txt"
    model = tmp_path / "evil.pth"
    model.write_bytes(pickle.dumps({"conv1.conv2d.weight": WritesMarker(marker)}))
    with pytest.raises(ModelFileError, match="pickled Python objects"):
        johnson.load_transformer(model)
    assert not marker.exists()


def test_it_refuses_a_torch_save_of_an_object_and_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "marker.txt"
    model = tmp_path / "evil.pth"
    torch.save({"state": WritesMarker(marker)}, model)
    with pytest.raises(ModelFileError, match="refused"):
        load_public_pth(model)
    assert not marker.exists()


def test_it_refuses_a_whole_pickled_module(tmp_path: Path) -> None:
    model = tmp_path / "module.pth"
    torch.save(johnson.TransformerNet(variant="light"), model)
    with pytest.raises(ModelFileError, match="refused"):
        johnson.load_transformer(model)


def test_it_refuses_files_that_are_not_models(tmp_path: Path) -> None:
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"\x00" * 64)
    with pytest.raises(ModelFileError):
        johnson.load_transformer(junk)
    with pytest.raises(ModelFileError, match="not found"):
        load_model(tmp_path / "missing.safetensors")


def test_metadata_round_trips_through_the_safetensors_header(tmp_path: Path) -> None:
    path = save_model(
        tmp_path / "m.safetensors", {"w": torch.arange(4.0)}, {"kind": "johnson", "nested": {"a": [1, 2]}}
    )
    state, meta = load_model(path)
    assert torch.equal(state["w"], torch.arange(4.0))
    assert meta == {"kind": "johnson", "nested": {"a": [1, 2]}}
