"""Gatys' memory savings change no numbers: the frozen VGG keeps less for backward than autograd's own
layers with exactly their gradients; losses made layer by layer; its Adam is torch.optim.Adam's update."""

from __future__ import annotations

import copy

import pytest
import torch
from torch import nn

from stylecore import gatys
from stylecore.features import VGGFeatures
from stylecore.gatys import CONTENT_LAYER, GatysConfig, stylize
from stylecore.losses import LayerLosses, content_loss, gram_matrix, style_loss


def autograd_twin(vgg: VGGFeatures) -> VGGFeatures:
    """The same network and weights built from torch's own layers (what VGGFeatures was before)."""

    def plain(module: nn.Module) -> nn.Module:
        if isinstance(module, nn.Conv2d):
            conv = nn.Conv2d(module.in_channels, module.out_channels, 3, padding=1)
            conv.load_state_dict(module.state_dict())
            return conv.requires_grad_(False)
        if isinstance(module, nn.ReLU):
            return nn.ReLU(inplace=module.inplace)
        return nn.MaxPool2d(2, 2)

    twin = copy.deepcopy(vgg)
    twin.net = nn.Sequential(*[plain(module) for module in vgg.net])
    return twin


def saved_bytes_and_grad(vgg: VGGFeatures, x: torch.Tensor) -> tuple[int, torch.Tensor]:
    storages: dict[int, int] = {}

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        if not isinstance(tensor, nn.Parameter):  # the weights are there anyway
            storages[tensor.untyped_storage().data_ptr()] = tensor.untyped_storage().nbytes()
        return tensor

    x = x.clone().requires_grad_(True)
    generator = torch.Generator().manual_seed(0)
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        features = vgg(x)
        loss = sum((f * torch.rand(f.shape, generator=generator)).sum() for f in features.values())
    loss.backward()
    return sum(storages.values()), x.grad


def test_it_keeps_well_under_what_autograds_layers_keep_and_gives_their_gradients(vgg: VGGFeatures) -> None:
    x = torch.rand(1, 3, 32, 48)
    ours, our_grad = saved_bytes_and_grad(vgg, x)
    theirs, their_grad = saved_bytes_and_grad(autograd_twin(vgg), x)
    assert ours < 0.6 * theirs  # 0.51 at any size: one-byte masks, no conv inputs
    assert torch.equal(our_grad, their_grad)


def test_layer_by_layer_losses_equal_the_losses_of_all_features_at_once(vgg: VGGFeatures) -> None:
    x, target = torch.rand(1, 3, 32, 32), torch.rand(1, 3, 32, 32)
    with torch.no_grad():
        target_features = vgg(target)
    content_targets = {CONTENT_LAYER: target_features[CONTENT_LAYER]}
    grams = {name: gram_matrix(f) for name, f in target_features.items() if name != CONTENT_LAYER}
    terms = LayerLosses(content_targets, grams)
    vgg(x, terms)
    features = vgg(x)
    assert torch.equal(terms.content, content_loss(features, content_targets))
    assert torch.equal(terms.style, style_loss(features, grams))


@pytest.mark.slow  # a real Gatys run, twice: about 2 s
def test_gatys_gives_the_same_image_as_with_autograds_layers(vgg: VGGFeatures) -> None:
    generator = torch.Generator().manual_seed(3)
    content, style = torch.rand(1, 3, 32, 32, generator=generator), torch.rand(1, 3, 32, 32, generator=generator)
    config = GatysConfig(size=32, steps=2, optimizer="adam", seed=0)
    ours = stylize(content, [style], config, features=vgg)
    theirs = stylize(content, [style], config, features=autograd_twin(vgg))
    assert torch.equal(ours.image, theirs.image)
    assert ours.losses == theirs.losses


def test_gatys_adam_updates_exactly_as_torch_optim_adam() -> None:
    generator = torch.Generator().manual_seed(0)
    ours = torch.rand(1, 3, 8, 8, generator=generator).requires_grad_(True)
    theirs = ours.detach().clone().requires_grad_(True)
    adam, reference = gatys._Adam(ours, lr=0.02), torch.optim.Adam([theirs], lr=0.02)
    for _ in range(5):
        grad = torch.randn(1, 3, 8, 8, generator=generator)
        ours.grad, theirs.grad = grad.clone(), grad.clone()
        adam.step()
        reference.step()
        assert torch.equal(ours, theirs)
