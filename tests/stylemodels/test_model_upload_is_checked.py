"""Staff upload model files in the admin: good ones are stored with a preview, bad ones leave nothing behind."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import torch
from django.conf import settings
from django.urls import reverse

from gallery.stylemodels.models import StyleModel
from stylecore import johnson, modelfile
from tests.stylemodels.conftest import as_upload, chen_file, johnson_file

pytestmark = pytest.mark.django_db

ADD_URL = "admin:stylemodels_stylemodel_add"


class WritesMarker:
    """Unpickling this would create the marker file (what a hostile model file could do)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # noqa: ANN204
        return (Path.write_text, (self.marker, "pwned"))


def stored_model_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "models"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(client, path: Path, name: str = "Waves"):  # noqa: ANN001, ANN201
    return client.post(reverse(ADD_URL), {"file": as_upload(path), "name": name, "description": "test"})


@pytest.mark.slow
def test_a_safetensors_johnson_model_is_saved_disabled_with_a_preview(staff_client, tmp_path: Path) -> None:  # noqa: ANN001
    response = upload(staff_client, johnson_file(tmp_path / "waves.safetensors"))

    assert response.status_code == 302, response.content.decode()[:2000]
    model = StyleModel.objects.get()
    assert (model.kind, model.variant, model.source) == ("johnson", "light", "uploaded")
    assert not model.enabled  # waits for review
    assert model.file.name.startswith("models/johnson/") and model.file.name.endswith(".safetensors")
    assert model.preview and model.preview.storage.exists(model.preview.name)
    assert staff_client.get(model.preview_url()).status_code == 200
    net, _ = johnson.load_transformer(model.file.path)
    assert net.variant == "light"


@pytest.mark.slow
def test_a_fast_neural_style_pth_is_converted_to_safetensors(staff_client, tmp_path: Path) -> None:  # noqa: ANN001
    torch.manual_seed(1)
    pth = tmp_path / "candy.pth"
    torch.save(johnson.TransformerNet(variant="standard").state_dict(), pth)

    response = upload(staff_client, pth, name="Candy")

    assert response.status_code == 302, response.content.decode()[:2000]
    model = StyleModel.objects.get()
    assert (model.source, model.variant, model.slug) == ("imported-pth", "standard", "candy")
    assert modelfile.is_safetensors(model.file.path)
    assert modelfile.read_metadata(model.file.path)["kind"] == "johnson"
    assert model.preview


@pytest.mark.slow
def test_a_chen_decoder_is_recognised_from_its_metadata(staff_client, tmp_path: Path) -> None:  # noqa: ANN001
    response = upload(staff_client, chen_file(tmp_path / "decoder.safetensors"), name="Decoder")
    assert response.status_code == 302, response.content.decode()[:2000]
    model = StyleModel.objects.get()
    assert model.kind == "chen-decoder" and model.preview


def refused(client, path: Path, expected: str) -> None:  # noqa: ANN001
    files_before = stored_model_files()
    response = upload(client, path)
    assert response.status_code == 400
    page = response.content.decode()
    assert "This model file was refused" in page and expected in page, page[:3000]
    assert not StyleModel.objects.exists()
    assert stored_model_files() == files_before


def test_a_corrupt_file_is_refused_and_nothing_is_saved(staff_client, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "broken.pth"
    torch.save(johnson.TransformerNet(variant="light").state_dict(), path)
    path.write_bytes(path.read_bytes()[:3000])  # cut short, like an interrupted download
    refused(staff_client, path, "broken.pth: not a readable PyTorch weights file")


def test_a_truncated_safetensors_file_is_refused(staff_client, tmp_path: Path) -> None:  # noqa: ANN001
    path = johnson_file(tmp_path / "cut.safetensors")
    path.write_bytes(path.read_bytes()[:20000])  # the header is intact, the weights are cut short
    refused(staff_client, path, "damaged")


def test_weights_of_the_wrong_layout_are_refused(staff_client, tmp_path: Path) -> None:  # noqa: ANN001
    state = johnson.TransformerNet(variant="light").state_dict()
    state["res1.conv1.depthwise.weight"] = torch.zeros(3, 1, 3, 3)  # wrong shape
    path = tmp_path / "odd.pth"
    torch.save(state, path)
    refused(staff_client, path, "do not fit")


def test_a_safetensors_file_of_another_kind_is_refused(staff_client, tmp_path: Path) -> None:  # noqa: ANN001
    path = modelfile.save_model(tmp_path / "x.safetensors", {"w": torch.zeros(2)}, {"kind": "classifier"})
    refused(staff_client, path, "not a style model")


def test_a_pickled_object_is_refused_and_its_payload_never_runs(staff_client, tmp_path: Path) -> None:  # noqa: ANN001
    marker = tmp_path / "marker.txt"
    for name, write in [
        ("evil.pth", lambda p: torch.save({"conv1.conv2d.weight": WritesMarker(marker)}, p)),
        ("evil-plain.pth", lambda p: p.write_bytes(pickle.dumps({"conv1.conv2d.weight": WritesMarker(marker)}))),
    ]:
        path = tmp_path / name
        write(path)
        refused(staff_client, path, "refused")
        assert not marker.exists()
