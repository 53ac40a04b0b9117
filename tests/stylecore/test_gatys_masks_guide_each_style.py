"""Gatys with region masks: guided Grams (Gatys et al. 2017), each style matched under its own mask, the
content loss over the whole photo; uncovered pixels keep the photo; no masks is the plain run as before."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from stylecore import gatys, masks
from stylecore.features import VGGFeatures
from stylecore.losses import gram_matrix, guided_gram

SIZE = 32
STYLE_FIRST = 1e8  # random VGG weights: the style terms must outweigh the content's within a few steps


def test_an_all_white_mask_gives_the_plain_gram_and_gradient() -> None:
    torch.manual_seed(0)
    f = torch.rand(1, 8, 6, 7).contiguous(memory_format=torch.channels_last).requires_grad_(True)
    plain = gram_matrix(f)
    (plain_grad,) = torch.autograd.grad(plain.square().sum(), f)
    guided = guided_gram(f, torch.ones(1, 1, 6, 7))
    (guided_grad,) = torch.autograd.grad(guided.square().sum(), f)
    torch.testing.assert_close(guided, plain)
    torch.testing.assert_close(guided_grad, plain_grad)


def test_a_guided_gram_sees_only_its_region() -> None:
    torch.manual_seed(0)
    f = torch.rand(1, 4, 6, 8)
    left = torch.zeros(1, 1, 6, 8)
    left[..., :4] = 1
    torch.testing.assert_close(guided_gram(f, left), gram_matrix(f[..., :4]))  # normalised by the region's size


def stripes(colour: tuple[float, float, float], period: int) -> torch.Tensor:
    """A style: one colour in stripes of one width (textures the two Gram sets tell apart)."""
    x = torch.arange(SIZE, dtype=torch.float32)
    wave = (torch.sin(x / period * torch.pi) > 0).float().view(1, 1, 1, SIZE).expand(1, 1, SIZE, SIZE)
    return (torch.tensor(colour).view(1, 3, 1, 1) * (0.4 + 0.6 * wave)).clamp(0, 1)


def halves() -> tuple[torch.Tensor, torch.Tensor]:
    left = torch.zeros(1, 1, SIZE, SIZE)
    left[..., : SIZE // 2] = 1
    return left, 1 - left


def region_distance(vgg: VGGFeatures, image: torch.Tensor, region: torch.Tensor, style: torch.Tensor) -> float:
    """How far the region's guided Grams are from the style's own, summed over the style layers."""
    with torch.no_grad():
        ours, theirs = vgg(image), vgg(style)
        return sum(
            F.mse_loss(
                guided_gram(ours[name], F.adaptive_avg_pool2d(region, ours[name].shape[-2:])),
                gram_matrix(theirs[name]),
            ).item()
            for name in gatys.STYLE_LAYERS
        )


def test_each_region_moves_towards_its_own_style(vgg: VGGFeatures) -> None:
    torch.manual_seed(0)
    content = torch.full((1, 3, SIZE, SIZE), 0.5) + 0.05 * torch.rand(1, 3, SIZE, SIZE)
    red, blue = stripes((1.0, 0.1, 0.1), 2), stripes((0.1, 0.2, 1.0), 6)
    left, right = halves()
    config = gatys.GatysConfig(steps=5, seed=0, style_weight=STYLE_FIRST)
    result = gatys.stylize(content, [red, blue], config, features=vgg, masks=[left, None]).image
    for region, own, other in ((left, red, blue), (right, blue, red)):
        before = region_distance(vgg, content, region, own)
        after = region_distance(vgg, result, region, own)
        assert after < 0.5 * before  # it moved towards its own style
        assert 2 * after < region_distance(vgg, result, region, other)  # and is much nearer it than the other


def test_uncovered_pixels_keep_the_photo_or_are_stylized(vgg: VGGFeatures) -> None:
    torch.manual_seed(0)
    content = torch.rand(1, 3, SIZE, SIZE)
    left, _ = halves()
    style = stripes((1, 0.1, 0.1), 2)
    for unmasked in ("photo", "style"):
        config = gatys.GatysConfig(steps=3, style_weight=STYLE_FIRST, unmasked=unmasked)
        image = gatys.stylize(content, [style], config, features=vgg, masks=[left]).image
        assert (image[..., :12] - content[..., :12]).abs().mean() > 0.02  # the masked half is stylized
        if unmasked == "photo":
            assert torch.equal(image[..., 20:], content[..., 20:])  # farther than the feather from the mask
        else:
            assert (image[..., 20:] - content[..., 20:]).abs().mean() > 0.02


def test_one_all_white_mask_is_the_plain_run_and_no_masks_never_take_the_masked_path(
    vgg: VGGFeatures, monkeypatch: pytest.MonkeyPatch
) -> None:
    torch.manual_seed(0)
    content, style = torch.rand(1, 3, 32, 32), torch.rand(1, 3, 32, 32)
    config = gatys.GatysConfig(steps=3, seed=1)
    white = gatys.stylize(content, [style], config, features=vgg, masks=[torch.ones(1, 1, 5, 5)]).image

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the masked path ran without masks")

    monkeypatch.setattr(masks, "guided_targets", refuse)
    monkeypatch.setattr(masks, "keep_photo", refuse)
    plain = gatys.stylize(content, [style], config, features=vgg).image
    torch.testing.assert_close(white, plain, atol=1e-4, rtol=0)
    every_style_on_the_rest = gatys.stylize(content, [style], config, features=vgg, masks=[None]).image
    assert torch.equal(every_style_on_the_rest, plain)  # no mask given: the plain run
