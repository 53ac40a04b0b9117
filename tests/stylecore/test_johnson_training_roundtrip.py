"""Training a few steps writes a model file that reloads to the same network and output."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from stylecore import johnson
from stylecore.images import image_to_tensor, load_image
from stylecore.modelfile import read_metadata

from .conftest import photo

TINY = dict(variant="light", size=32, style_size=32, batch=1, steps=2, checkpoint_every=0)


def photo_folder(root: Path, count: int = 3) -> Path:
    (root / "sub").mkdir(parents=True)
    for i in range(count):
        photo(40, 36, seed=i).save(root / "sub" / f"p{i}.jpg")
    (root / "notes.txt").write_text("not a photo")
    return root


@pytest.mark.slow
def test_a_trained_model_reloads_to_the_same_output(tmp_path: Path) -> None:
    data = photo_folder(tmp_path / "photos")
    photo(48, 48, seed=9).save(tmp_path / "wave.png")
    seen = []
    config = johnson.TrainConfig(**TINY, preview_every=1)
    style = image_to_tensor(load_image(tmp_path / "wave.png", size=32).rgb)
    result = johnson.train(
        style,
        johnson.PhotoFolder(data, 32),
        config,
        device=torch.device("cpu"),
        on_progress=lambda p: seen.append(p) and False,
    )
    assert [p.step for p in seen] == [1, 2]
    assert {"content", "style", "tv", "total", "images_per_s"} <= seen[-1].losses.keys()
    assert seen[-1].preview is not None and seen[-1].preview.size == (32, 32)

    record = johnson.train_files(tmp_path / "wave.png", data, tmp_path / "wave.safetensors", config)
    assert record.algorithm == "johnson-train" and record.steps_done == 2 and record.random_weights
    net, meta = johnson.load_transformer(tmp_path / "wave.safetensors")
    assert meta["kind"] == "johnson" and meta["variant"] == "light" and meta["style"] == "wave"
    assert meta["training"]["steps_done"] == 2 and meta["training"]["vgg_weights"] == "random"
    assert meta["preview_png"]
    # the same seed and batches give the same weights, and the reloaded file the same output
    x = torch.rand(1, 3, 21, 30)
    assert torch.allclose(johnson.stylize(net, x), johnson.stylize(result.net, x), atol=1e-6)
    assert read_metadata(tmp_path / "wave.safetensors")["variant"] == "light"
    assert not johnson.checkpoint_path(tmp_path / "wave.safetensors").exists()


@pytest.mark.slow
def test_training_moves_the_weights(tmp_path: Path) -> None:
    data = photo_folder(tmp_path / "photos")
    style = torch.rand(1, 3, 32, 32)
    config = johnson.TrainConfig(**TINY)
    trained = johnson.train(style, johnson.PhotoFolder(data, 32), config, device=torch.device("cpu")).net
    torch.manual_seed(config.seed)
    fresh = johnson.TransformerNet(variant="light")
    assert not torch.equal(trained.state_dict()["head.weight"], fresh.state_dict()["head.weight"])
