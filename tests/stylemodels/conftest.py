"""Tiny model files (made from stylecore's own networks, random weights) and style models made from them."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from stylecore import chen, johnson
from stylecore.modelfile import save_model


def johnson_file(path: Path, *, variant: str = "light") -> Path:
    torch.manual_seed(0)
    net = johnson.TransformerNet(variant=variant)
    return save_model(path, net.state_dict(), johnson.model_metadata(net, style="test", training={"steps_done": 0}))


def chen_file(path: Path) -> Path:
    torch.manual_seed(0)
    meta = {"kind": "chen-decoder", "variant": "relu3_1", "training": {"weights": "random", "steps_done": 0}}
    return save_model(path, chen.InverseNet().state_dict(), meta)


def as_upload(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="application/octet-stream")


def photo(size: int = 40, *, seed: int = 0) -> Image.Image:
    """A small RGB picture with some structure (stripes and a gradient)."""
    gradient = Image.linear_gradient("L").resize((size, size))
    stripes = Image.effect_mandelbrot((size, size), (-2 + seed * 0.1, -1.5, 1, 1.5), 30)
    return Image.merge("RGB", (gradient, stripes, gradient.transpose(Image.Transpose.ROTATE_90)))


def png_bytes(img: Image.Image) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def photo_folder(tmp_path: Path) -> Path:
    """Four 40 px photos: enough for a 32 px training crop."""
    folder = tmp_path / "photos"
    folder.mkdir()
    for index in range(4):
        photo(seed=index).save(folder / f"p{index}.png")
    return folder


@pytest.fixture
def style_model_factory(tmp_path: Path, staff_user) -> Callable[..., object]:  # noqa: ANN001
    """make(kind="johnson", enabled=True, name=..., style_image=None) -> StyleModel, imported through
    the service (style_image: PNG bytes of its style picture, as the catalogue's models have)."""
    from gallery.stylemodels import services

    def make(kind: str = "johnson", *, enabled: bool = True, name: str | None = None, style_image: bytes | None = None):  # noqa: ANN202
        path = tmp_path / f"{kind}-{enabled}.safetensors"
        (johnson_file if kind == "johnson" else chen_file)(path)
        picture = SimpleUploadedFile("style.png", style_image) if style_image else None
        return services.style_model_import(
            file=as_upload(path),
            name=name or f"{kind} {'on' if enabled else 'off'}",
            created_by=staff_user,
            enabled=enabled,
            style_image=picture,
        )

    return make


def wait_for_run(worker, run_id: int, states, timeout: float = 60.0):  # noqa: ANN001, ANN201
    """Poll the TrainingRun row until its state is one of `states` (fails with the worker's log if not)."""
    import time

    from gallery.stylemodels.models import TrainingRun

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = TrainingRun.objects.get(pk=run_id)
        if run.state in states:
            return run
        time.sleep(0.2)
    run = TrainingRun.objects.get(pk=run_id)
    pytest.fail(
        f"training run {run_id} is {run.state!r} ({run.message}), not in {list(states)}\n{worker.log()[-4000:]}"
    )


def start_training(client, **fields):  # noqa: ANN001, ANN003, ANN201
    """Start a run through the admin's add form; returns the new TrainingRun."""
    from django.urls import reverse

    from gallery.stylemodels.models import TrainingRun

    data = {"name": "Tiny waves", "kind": "johnson", "variant": "light", "steps": 3, "size": 32, "batch": 2}
    data |= {"checkpoint_every": 1, "style_image": SimpleUploadedFile("waves.png", png_bytes(photo(48, seed=7)))}
    data |= fields
    response = client.post(reverse("admin:stylemodels_trainingrun_add"), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    return TrainingRun.objects.latest("id")
