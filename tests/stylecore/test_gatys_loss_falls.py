"""Both optimisers lower the loss; targets are computed once; the same seed repeats itself."""

from __future__ import annotations

import pytest
import torch

from stylecore.features import VGGFeatures
from stylecore.gatys import GatysConfig, stylize
from stylecore.images import image_to_tensor
from stylecore.progress import Progress

from .conftest import photo

pytestmark = pytest.mark.slow  # real Gatys runs, about 20 s

CONTENT = image_to_tensor(photo(32, 32, seed=1))
STYLE = image_to_tensor(photo(24, 32, seed=2).rotate(90, expand=True))


def losses_of(config: GatysConfig, vgg: VGGFeatures) -> list[float]:
    seen: list[Progress] = []
    stylize(CONTENT, [STYLE], config, features=vgg, on_progress=lambda p: seen.append(p) or False)
    return [p.losses["total"] for p in seen]


@pytest.mark.parametrize("optimizer", ["lbfgs", "adam"])
def test_the_loss_falls(optimizer: str, vgg: VGGFeatures) -> None:
    totals = losses_of(GatysConfig(size=32, steps=6, optimizer=optimizer, seed=0), vgg)
    assert len(totals) == 6
    assert totals[-1] < 0.8 * totals[0]


def test_style_targets_are_computed_once(vgg: VGGFeatures) -> None:
    second_style = image_to_tensor(photo(32, 32, seed=3))
    calls = {"style": 0, "other": 0}

    def count(module: VGGFeatures, inputs: tuple[torch.Tensor]) -> None:
        is_style = any(torch.equal(inputs[0], s) for s in (STYLE, second_style))
        calls["style" if is_style else "other"] += 1

    handle = vgg.register_forward_pre_hook(count)
    try:
        result = stylize(
            CONTENT, [STYLE, second_style], GatysConfig(size=32, steps=4, style_blend=(0.7, 0.3)), features=vgg
        )
    finally:
        handle.remove()
    assert result.steps_done == 4
    assert calls["style"] == 2  # once per style image, not once per step
    assert calls["other"] == 1 + 4  # the content target, then one pass per step


def test_the_same_seed_gives_the_same_output(vgg: VGGFeatures) -> None:
    config = GatysConfig(size=32, steps=3, optimizer="adam", init="noise", seed=7)
    first = stylize(CONTENT, [STYLE], config, features=vgg).image
    again = stylize(CONTENT, [STYLE], config, features=vgg).image
    other = stylize(
        CONTENT, [STYLE], GatysConfig(size=32, steps=3, optimizer="adam", init="noise", seed=8), features=vgg
    )
    assert torch.equal(first, again)
    assert not torch.equal(first, other.image)
