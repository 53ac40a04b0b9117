"""Gatys' style scale, pooling and content/style layers with weights: checked, applied, and the
defaults leave every number as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from stylecore import gatys
from stylecore.errors import OptionError
from stylecore.features import LAYER_NAMES, VGGFeatures
from stylecore.gatys import CONTENT_LAYER, STYLE_LAYERS, GatysConfig, GatysResult, features_for, stylize
from stylecore.images import image_to_tensor
from stylecore.layers import parse_layers
from stylecore.losses import LayerLosses

from .conftest import photo

CONTENT = image_to_tensor(photo(32, 32, seed=1))
STYLE = image_to_tensor(photo(32, 32, seed=2))


@pytest.mark.parametrize(
    ("options", "field", "words"),
    [
        ({"style_scale": 0.05}, "style_scale", "between 0.1 and 4"),
        ({"style_scale": float("inf")}, "style_scale", "a number"),
        ({"size": 2048, "style_scale": 4}, "style_scale", "8192 pixels"),
        ({"size": 64, "style_scale": 0.2}, "style_scale", "13 pixels"),
        ({"pooling": "min"}, "pooling", "max, avg"),
        ({"style_layers": {"conv6_1": 1}}, "style_layers", "conv6_1: not a VGG19 layer; choose from conv1_1, conv1_2"),
        ({"style_layers": {"pool5": 1}}, "style_layers", "pool1 to pool4"),
        ({"content_layers": {"conv4_2": -1}}, "content_layers", "between 0 and"),
        ({"content_layers": {"conv4_2": "1"}}, "content_layers", "must be a number"),
        ({"content_layers": {"conv4_2": 0, "conv3_1": 0}}, "content_layers", "above 0"),
        ({"style_layers": {}}, "style_layers", "at least one layer"),
        ({"style_layers": ["conv1_1"]}, "style_layers", "at least one layer"),
    ],
)
def test_it_refuses_bad_scales_poolings_and_layers(options: dict, field: str, words: str) -> None:
    with pytest.raises(OptionError) as caught:
        GatysConfig(**options)
    assert caught.value.field == field and words in caught.value.message


def test_layer_text_is_parsed_and_bad_text_is_named() -> None:
    assert parse_layers("style_layers", " conv1_1:1, conv2_1 : 0.5,relu3_1 ") == {
        "conv1_1": 1.0,
        "conv2_1": 0.5,
        "relu3_1": 1.0,
    }
    with pytest.raises(OptionError, match="conv2_1: the weight must be a number, not 'half'"):
        parse_layers("style_layers", "conv1_1:1, conv2_1:half")


def test_the_defaults_are_todays_layers_and_vgg_still_stops_at_conv5_1() -> None:
    config = GatysConfig()
    assert config.content_layers == {CONTENT_LAYER: 1.0} and config.style_layers == dict.fromkeys(STYLE_LAYERS, 1.0)
    assert config.style_scale == 1.0 and config.pooling == "max" and config.style_side == config.size
    vgg = features_for(config)
    assert set(vgg.layers) == {*STYLE_LAYERS, CONTENT_LAYER} and vgg.names[-1] == "conv5_1" and vgg.pool == "max"


@pytest.mark.slow
def test_weight_one_layers_give_bit_identical_results(vgg: VGGFeatures, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default run against the same run with losses summed without any layer weights (as before them)."""
    config = GatysConfig(size=32, steps=2, optimizer="adam", init="noise", seed=4, scales=2)
    weighted = stylize(CONTENT, [STYLE], config, features=vgg)

    class Unweighted(LayerLosses):
        def __init__(self, content_targets, target_grams, **weights) -> None:  # noqa: ANN001, ANN003
            super().__init__(content_targets, target_grams)

    monkeypatch.setattr(gatys, "LayerLosses", Unweighted)
    plain = stylize(CONTENT, [STYLE], config, features=vgg)
    assert torch.equal(weighted.image, plain.image) and weighted.losses == plain.losses


def test_each_layers_weight_scales_its_term_alone(vgg: VGGFeatures) -> None:
    features = vgg(CONTENT)
    grams = {name: torch.rand(1, f.shape[1], f.shape[1]) for name, f in features.items() if name in STYLE_LAYERS}
    one, doubled = LayerLosses({}, grams), LayerLosses({}, grams, style_weights={"conv2_1": 2.0, "conv3_1": 0.0})
    vgg(CONTENT, one)
    vgg(CONTENT, doubled)
    only = {name: LayerLosses({}, {name: grams[name]}) for name in ("conv2_1", "conv3_1")}
    for terms in only.values():
        vgg(CONTENT, terms)
    expected = one.style + only["conv2_1"].style - only["conv3_1"].style
    assert torch.allclose(doubled.style, expected)


@pytest.mark.slow
def test_average_pooling_changes_the_features_and_the_result(vgg: VGGFeatures) -> None:
    max_net, avg_net = (
        VGGFeatures(("conv3_1",), weights="random"),
        VGGFeatures(("conv3_1",), weights="random", pool="avg"),
    )
    assert any(isinstance(module, nn.AvgPool2d) for module in avg_net.net)
    assert not torch.allclose(max_net(CONTENT)["conv3_1"], avg_net(CONTENT)["conv3_1"])
    config = GatysConfig(size=32, steps=2, optimizer="adam", seed=1, pooling="avg")
    assert features_for(config).pool == "avg"
    smooth = stylize(CONTENT, [STYLE], config, features=features_for(config)).image
    sharp = stylize(CONTENT, [STYLE], GatysConfig(size=32, steps=2, optimizer="adam", seed=1), features=vgg).image
    assert not torch.equal(smooth, sharp)


def test_a_custom_layer_set_runs_and_computes_only_those_layers() -> None:
    config = GatysConfig(
        size=32,
        steps=2,
        optimizer="adam",
        seed=1,
        content_layers={"conv2_2": 1},
        style_layers={"conv1_1": 1, "conv2_1": 0.5, "conv5_1": 0},  # weight 0: not computed
    )
    net = features_for(config)
    assert net.names == LAYER_NAMES[: LAYER_NAMES.index("conv2_2") + 1] and set(net.layers) == {
        "conv1_1",
        "conv2_1",
        "conv2_2",
    }
    reached: list[str] = []
    net(CONTENT, lambda name, f: reached.append(name))
    result = stylize(CONTENT, [STYLE], config, features=net)
    assert reached == ["conv1_1", "conv2_1", "conv2_2"]
    assert result.steps_done == 2 and all(torch.isfinite(torch.tensor(list(result.losses.values()))))


def test_features_that_lack_a_layer_or_the_pooling_are_refused(vgg: VGGFeatures) -> None:
    with pytest.raises(ValueError, match="not what config asks"):
        stylize(CONTENT, [STYLE], GatysConfig(size=32, steps=1, style_layers={"conv1_2": 1}), features=vgg)
    with pytest.raises(ValueError, match="not what config asks"):
        stylize(CONTENT, [STYLE], GatysConfig(size=32, steps=1, pooling="avg"), features=vgg)


@pytest.mark.parametrize(("scale", "side"), [(0.5, 24), (1.0, 48), (2.0, 96)])
def test_style_scale_sets_the_style_images_size(
    scale: float,
    side: int,
    write_image,  # noqa: ANN001
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[int, ...]] = []

    def fake_stylize(content, styles, config, **kwargs) -> GatysResult:  # noqa: ANN001, ANN003
        seen.extend(tuple(style.shape[-2:]) for style in styles)
        return GatysResult(image=content, steps_done=0, stopped=False, losses={})

    monkeypatch.setattr(gatys, "stylize", fake_stylize)
    style = write_image("style.png", photo(80, 40))
    gatys.run_files(write_image("c.png"), [style], tmp_path / "out.png", GatysConfig(size=48, style_scale=scale))
    assert seen == [(side // 2, side)]


@pytest.mark.slow
def test_the_run_record_shows_scale_pooling_and_layers(write_image, tmp_path: Path) -> None:  # noqa: ANN001
    config = GatysConfig(size=32, steps=1, style_scale=0.75, pooling="avg", style_layers={"conv1_1": 1, "conv2_1": 0.5})
    record = gatys.run_files(write_image("c.png"), [write_image("s.png")], tmp_path / "out.png", config)
    assert record.params["style_scale"] == 0.75 and record.params["pooling"] == "avg"
    assert record.params["style_layers"] == {"conv1_1": 1.0, "conv2_1": 0.5}
    assert record.params["content_layers"] == {"conv4_2": 1.0}
