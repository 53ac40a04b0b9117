"""Model files are checked before they are taken in, and public .pth files become our format."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from stylecore import chen, johnson, modelcheck
from stylecore.errors import ModelFileError
from stylecore.modelfile import is_safetensors, read_metadata, save_model


def johnson_file(path: Path, variant: str = "light") -> Path:
    net = johnson.TransformerNet(variant=variant)
    return save_model(path, net.state_dict(), johnson.model_metadata(net, style="waves", training={}))


def test_a_johnson_model_passes_with_its_kind_and_variant(tmp_path: Path) -> None:
    checked = modelcheck.check_model_file(johnson_file(tmp_path / "m.safetensors"))
    assert (checked.kind, checked.variant, checked.from_pth) == ("johnson", "light", False)
    assert checked.metadata["style"] == "waves"


def test_a_chen_decoder_passes(tmp_path: Path) -> None:
    path = save_model(
        tmp_path / "d.safetensors", chen.InverseNet().state_dict(), {"kind": "chen-decoder", "variant": "relu3_1"}
    )
    checked = modelcheck.check_model_file(path)
    assert (checked.kind, checked.variant, checked.from_pth) == ("chen-decoder", "relu3_1", False)


def test_a_pth_is_checked_then_converted_to_our_format(tmp_path: Path) -> None:
    torch.manual_seed(0)
    net = johnson.TransformerNet()
    torch.save(net.state_dict(), tmp_path / "candy.pth")
    checked = modelcheck.check_model_file(tmp_path / "candy.pth")
    assert (checked.kind, checked.variant, checked.from_pth) == ("johnson", "standard", True)

    out = modelcheck.convert_pth(
        tmp_path / "candy.pth", tmp_path / "model.safetensors", style="Candy", original_name="c.pth"
    )
    assert is_safetensors(out)
    meta = read_metadata(out)
    assert meta["kind"] == "johnson" and meta["style"] == "Candy"
    assert meta["training"] == {"source": "fast-neural-style .pth", "original_name": "c.pth"}
    reloaded, _ = johnson.load_transformer(out)
    image = torch.rand(1, 3, 16, 16)
    assert torch.equal(johnson.stylize(reloaded, image), johnson.stylize(net.eval(), image))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: save_model(p, {"w": torch.zeros(1)}, {"kind": "gatys"}), "not a style model"),
        (lambda p: save_model(p, {"w": torch.zeros(1)}, {"kind": "johnson"}), "not a Johnson transform network"),
        (lambda p: p.write_bytes(b"not a model at all"), "refused|not"),
    ],
    ids=["other-kind", "wrong-layout", "garbage"],
)
def test_bad_files_are_refused_with_a_reason(tmp_path: Path, make, message: str) -> None:  # noqa: ANN001
    path = tmp_path / "bad.safetensors"
    make(path)
    with pytest.raises(ModelFileError, match=message):
        modelcheck.check_model_file(path)


def test_weights_that_give_no_finite_output_are_refused(tmp_path: Path) -> None:
    net = johnson.TransformerNet(variant="light")
    state = {key: torch.full_like(value, float("nan")) for key, value in net.state_dict().items()}
    path = save_model(tmp_path / "nan.safetensors", state, johnson.model_metadata(net, style="x", training={}))
    with pytest.raises(ModelFileError, match="not finite"):
        modelcheck.check_model_file(path)
