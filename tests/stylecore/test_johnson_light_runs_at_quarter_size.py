"""The light network does its heavy work at 1/4 size, and model files say which layout they hold."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from stylecore import johnson
from stylecore.errors import ModelFileError


def test_all_light_convolutions_and_norms_but_the_last_tiny_conv_run_at_a_quarter_of_the_size() -> None:
    net = johnson.TransformerNet(variant="light").eval()
    seen: list[tuple[int, int]] = []
    for module in net.modules():
        if isinstance(module, nn.Conv2d | nn.InstanceNorm2d):
            module.register_forward_hook(lambda _m, inputs, _out: seen.append(tuple(inputs[0].shape[-2:])))
    johnson.stylize(net, torch.rand(1, 3, 64, 96))
    assert seen and all(h <= 64 // 4 + 2 and w <= 96 // 4 + 2 for h, w in seen[:-1])  # +2: a reflection pad
    assert seen[-1] == (64 + 2, 96 + 2)  # the last, tiny 3x3 conv alone works at full size


@pytest.mark.parametrize("variant", johnson.VARIANTS)
def test_the_variant_is_read_from_the_weights(variant: str) -> None:
    state = johnson.TransformerNet(variant=variant).state_dict()
    assert johnson.build_transformer(state).variant == variant


def test_weights_that_contradict_the_files_variant_are_refused() -> None:
    state = johnson.TransformerNet(variant="light").state_dict()
    with pytest.raises(ModelFileError, match="says 'standard'"):
        johnson.build_transformer(state, "standard")


def test_a_model_of_the_earlier_light_layout_is_refused_with_a_clear_message() -> None:
    state = {"conv1.conv2d.weight": torch.zeros(16, 3, 9, 9), "conv1.conv2d.bias": torch.zeros(16)}
    with pytest.raises(ModelFileError, match="earlier version of the light network"):
        johnson.build_transformer(state, "light")
