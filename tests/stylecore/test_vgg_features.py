"""The VGG19 feature extractor: cut short, frozen, and loud about missing weights."""

from __future__ import annotations

from pathlib import Path
from urllib.error import URLError

import pytest
import torch
from safetensors.torch import save_file

from stylecore import features
from stylecore.errors import WeightsError
from stylecore.features import WEIGHTS_ENV, VGGFeatures, resolve_weights, weights_are_random
from stylecore.losses import gram_matrix, total_variation


def test_it_stops_after_the_deepest_layer_asked_for() -> None:
    vgg = VGGFeatures(["relu3_1", "conv1_1"], weights="random")
    out = vgg(torch.rand(1, 3, 32, 32))
    assert set(out) == {"relu3_1", "conv1_1"}
    assert vgg.names[-1] == "relu3_1" and len(vgg.net) == len(vgg.names)
    assert out["relu3_1"].shape == (1, 256, 8, 8)
    assert float(out["relu3_1"].min()) >= 0 and float(out["conv1_1"].min()) < 0  # conv output not clobbered by ReLU


def test_it_is_frozen_and_stays_in_eval_mode() -> None:
    vgg = VGGFeatures(["conv2_1"], weights="random", pool="avg")
    vgg.train()
    assert not vgg.training and not any(p.requires_grad for p in vgg.parameters())
    assert isinstance(vgg.net[4], torch.nn.AvgPool2d)


def test_random_weights_are_the_same_in_every_instance_and_marked() -> None:
    first, second = VGGFeatures(["conv3_1"], weights="random"), VGGFeatures(["conv3_1"], weights="random")
    assert all(
        torch.equal(a, b) for a, b in zip(first.state_dict().values(), second.state_dict().values(), strict=True)
    )
    assert first.random_weights and first.weights_source == "random"


def test_moving_one_instance_does_not_change_the_cached_weights() -> None:
    vgg = VGGFeatures(["conv1_1"], weights="random")
    with torch.no_grad():
        vgg.net[0].weight.zero_()
    assert VGGFeatures(["conv1_1"], weights="random").net[0].weight.abs().sum() > 0


def test_it_loads_local_state_dicts(tmp_path: Path) -> None:
    reference = VGGFeatures(["conv2_1"], weights="random")
    state = {f"features.{key}": value for key, value in features._random_state().items()}
    state["classifier.0.weight"] = torch.zeros(2, 2)  # full torchvision files carry the classifier too
    torch.save(state, tmp_path / "vgg19.pth")
    save_file(
        {key[len("features.") :]: value for key, value in state.items() if key.startswith("features.")},
        tmp_path / "vgg19.safetensors",
    )
    x = torch.rand(1, 3, 16, 16)
    for name in ("vgg19.pth", "vgg19.safetensors"):
        vgg = VGGFeatures(["conv2_1"], weights=str(tmp_path / name))
        assert not vgg.random_weights and vgg.weights_source == str(tmp_path / name)
        assert torch.allclose(vgg(x)["conv2_1"], reference(x)["conv2_1"])


def test_it_refuses_missing_or_unreadable_weight_files(tmp_path: Path) -> None:
    with pytest.raises(WeightsError, match=WEIGHTS_ENV):
        VGGFeatures(["conv1_1"], weights=str(tmp_path / "missing.pth"))
    (tmp_path / "junk.pth").write_bytes(b"not a checkpoint")
    with pytest.raises(WeightsError, match="not a readable VGG19 state_dict"):
        VGGFeatures(["conv1_1"], weights=str(tmp_path / "junk.pth"))
    torch.save({"0.weight": torch.zeros(3, 3)}, tmp_path / "wrong.pth")
    with pytest.raises(WeightsError, match="does not hold VGG19 weights"):
        VGGFeatures(["conv1_1"], weights=str(tmp_path / "wrong.pth"))


@pytest.mark.slow
def test_a_failed_download_names_the_setting_and_never_falls_back_to_random(monkeypatch: pytest.MonkeyPatch) -> None:
    from torchvision.models import VGG19_Weights

    def offline(self: object, **kwargs: object) -> None:
        raise URLError("no network")

    monkeypatch.setattr(type(VGG19_Weights.IMAGENET1K_V1), "get_state_dict", offline)
    with pytest.raises(WeightsError) as caught:
        VGGFeatures(["conv1_1"], weights="torchvision")
    assert WEIGHTS_ENV in str(caught.value) and "'random'" in str(caught.value)
    assert "torchvision" not in features._cache


def test_the_setting_chooses_the_weights_unless_a_spec_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WEIGHTS_ENV, "Random")
    assert resolve_weights() == "random" and weights_are_random()
    assert resolve_weights("/models/vgg19.pth") == "/models/vgg19.pth"
    monkeypatch.delenv(WEIGHTS_ENV)
    assert resolve_weights() == "torchvision" and not weights_are_random()


def test_gram_matrices_are_normalised_and_differentiable() -> None:
    f = torch.randn(2, 4, 3, 5, dtype=torch.float64, requires_grad=True)
    flat = f.detach().reshape(2, 4, 15)
    assert torch.allclose(gram_matrix(f), flat @ flat.transpose(1, 2) / 60)
    assert torch.autograd.gradcheck(gram_matrix, (f,))
    assert float(total_variation(torch.ones(1, 3, 8, 8))) == 0
