"""manage.py fetch_models, over real HTTP from a local catalogue server: the public styles become enabled
models with their style images and previews, once; anything wrong leaves no row and no file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from gallery.stylemodels.models import StyleModel
from tests.helpers.catalogue_server import (
    CatalogueServer,
    johnson_entry,
    johnson_pth,
    saved,
    style_jpeg,
    write_catalogue,
    zipped,
)
from tests.helpers.network import free_port

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def var_dir(tmp_path: Path, settings) -> Path:  # noqa: ANN001
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def fetch_models(catalogue: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("fetch_models", catalogue=catalogue, stdout=out, stderr=err)
    except CommandError as error:
        err.write(f"CommandError: {error}")
    return out.getvalue(), err.getvalue()


def serve_styles(served: CatalogueServer, tmp_path: Path, *names: str) -> Path:
    served.files["saved_models.zip"] = zipped({f"saved_models/{n}.pth": johnson_pth(i) for i, n in enumerate(names)})
    for name in names:
        served.files[f"{name}.jpg"] = style_jpeg()
    return write_catalogue(tmp_path / "catalogue.json", [johnson_entry(served, name) for name in names])


def test_the_styles_become_enabled_models_with_style_image_and_preview(served, tmp_path, var_dir) -> None:  # noqa: ANN001
    out, err = fetch_models(serve_styles(served, tmp_path, "candy", "rain_princess"))

    assert not err, err
    models = {model.catalogue_name: model for model in StyleModel.objects.all()}
    assert set(models) == {"candy", "rain_princess"}
    rain = models["rain_princess"]
    assert rain.name == "Rain Princess" and rain.enabled and rain.kind == "johnson"
    assert rain.source == StyleModel.Source.CATALOGUE and rain.variant == "standard"
    assert rain.style_image and rain.preview and rain.file.name.endswith(".safetensors")
    assert "added the style model “Rain Princess”" in out
    assert not (var_dir / "catalogue" / "saved_models.zip").exists()  # the archive goes once unpacked


def test_running_it_twice_changes_nothing(served, tmp_path, var_dir) -> None:  # noqa: ANN001
    catalogue = serve_styles(served, tmp_path, "candy")
    fetch_models(catalogue)
    first = list(StyleModel.objects.values_list("pk", "file"))
    downloads = len(served.requests)

    out, err = fetch_models(catalogue)

    assert not err and "candy: already here" in out
    assert list(StyleModel.objects.values_list("pk", "file")) == first
    assert len(served.requests) == downloads  # nothing was downloaded again


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(saved({"not": "a network"}), id="wrong layout"),
        pytest.param(saved(io.BytesIO(b"a pickled object")), id="pickled object"),
        pytest.param(b"PK\x03\x04 cut short", id="damaged zip"),
    ],
)
def test_a_bad_network_is_refused_and_leaves_no_row_and_no_file(served, tmp_path, var_dir, payload) -> None:  # noqa: ANN001
    catalogue = serve_styles(served, tmp_path, "candy")
    served.files["saved_models.zip"] = (
        payload if payload.startswith(b"PK\x03\x04 ") else zipped({"saved_models/candy.pth": payload})
    )

    out, err = fetch_models(catalogue)

    assert err.startswith("candy: ") and "CommandError: 1 of 1 could not be fetched" in err
    assert "Traceback" not in err and not StyleModel.objects.exists()
    assert not list((var_dir / "catalogue").glob("candy*"))


class Nowhere:
    """Stands in for a catalogue server: URLs on a port nothing listens on."""

    def __init__(self) -> None:
        self.port = free_port()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"


def test_offline_it_says_so_in_one_line_per_file_and_fails(tmp_path, var_dir) -> None:  # noqa: ANN001
    nowhere = Nowhere()
    entries = [johnson_entry(nowhere, name) for name in ("candy", "mosaic")]

    out, err = fetch_models(write_catalogue(tmp_path / "catalogue.json", entries))

    lines = err.splitlines()
    assert [line.split(":")[0] for line in lines[:2]] == ["candy", "mosaic"]
    assert "Traceback" not in err and not StyleModel.objects.exists()
    assert "2 of 2 could not be fetched" in lines[-1]
