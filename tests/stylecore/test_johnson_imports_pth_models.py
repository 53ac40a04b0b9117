"""Public fast-neural-style .pth files (a plain state_dict, maybe with old InstanceNorm buffers) import and run."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from stylecore import johnson


def example_layout_pth(path: Path) -> dict[str, torch.Tensor]:
    """A .pth as the example writes it, with the deprecated running_mean/var keys of old files."""
    torch.manual_seed(1)
    state = johnson.TransformerNet().state_dict()
    for key in list(state):
        if key.split(".")[-2].startswith("in") and key.endswith(".weight"):
            state[key.replace(".weight", ".running_mean")] = torch.zeros_like(state[key])
            state[key.replace(".weight", ".running_var")] = torch.ones_like(state[key])
    torch.save(state, path)
    return state


def test_the_example_layout_has_the_examples_key_names() -> None:
    keys = johnson.TransformerNet().state_dict().keys()
    for key in (
        "conv1.conv2d.weight",
        "in1.weight",
        "res5.conv2.conv2d.bias",
        "res5.in2.bias",
        "deconv1.conv2d.weight",
        "deconv3.conv2d.bias",
    ):
        assert key in keys
    assert johnson.TransformerNet().state_dict()["conv1.conv2d.weight"].shape == (32, 3, 9, 9)


def test_an_example_pth_with_deprecated_keys_loads_and_runs(tmp_path: Path) -> None:
    state = example_layout_pth(tmp_path / "candy.pth")
    assert any(key.endswith("running_mean") for key in state)
    net, meta = johnson.load_transformer(tmp_path / "candy.pth")
    assert meta["variant"] == "standard" and meta["style"] == "candy"
    assert torch.equal(net.state_dict()["res3.conv1.conv2d.weight"], state["res3.conv1.conv2d.weight"])
    out = johnson.stylize(net, torch.rand(1, 3, 24, 20))
    assert out.shape == (1, 3, 24, 20) and 0 <= out.min() and out.max() <= 1


@pytest.mark.slow
def test_run_files_stylizes_a_photo_with_a_pth_model(tmp_path: Path, write_image) -> None:
    example_layout_pth(tmp_path / "mosaic.pth")
    content = write_image("content.png")
    record = johnson.run_files(tmp_path / "mosaic.pth", content, tmp_path / "out.png", johnson.JohnsonConfig(size=40))
    assert record.algorithm == "johnson" and record.params["style"] == "mosaic"
    from PIL import Image

    assert max(Image.open(tmp_path / "out.png").size) == 40
