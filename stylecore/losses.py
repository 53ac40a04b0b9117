"""Perceptual-loss pieces shared by Gatys, Johnson and Chen training: Gram matrices, content, style, TV."""

from __future__ import annotations

from collections.abc import Mapping

import torch
import torch.nn.functional as F


class _Gram(torch.autograd.Function):
    """F F^T / n with a one-matmul backward: dF = (dG + dG^T) F / n.

    Autograd's own bmm backward does two matmuls (one per operand, though both are F), which at
    conv1_1 of a 512 px image is a noticeable share of a Gatys step.
    """

    @staticmethod
    def forward(ctx, f: torch.Tensor, n: float) -> torch.Tensor:
        ctx.save_for_backward(f)
        ctx.n = n
        return torch.bmm(f, f.transpose(1, 2)).div_(n)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        (f,) = ctx.saved_tensors
        return torch.bmm(grad + grad.transpose(1, 2), f).div_(ctx.n), None


def gram_matrix(f: torch.Tensor) -> torch.Tensor:
    """(B, C, H, W) features -> (B, C, C) Gram matrices normalised by C*H*W."""
    b, c, h, w = f.shape
    return _Gram.apply(f.reshape(b, c, h * w), float(c * h * w))


def total_variation(x: torch.Tensor) -> torch.Tensor:
    """Mean squared difference between neighbouring pixels (size-independent)."""
    return (x[..., 1:, :] - x[..., :-1, :]).pow(2).mean() + (x[..., :, 1:] - x[..., :, :-1]).pow(2).mean()


def content_loss(features: Mapping[str, torch.Tensor], targets: Mapping[str, torch.Tensor]) -> torch.Tensor:
    """Sum over the target layers of the mean squared feature difference."""
    return sum(F.mse_loss(features[name], target) for name, target in targets.items())


def style_loss(features: Mapping[str, torch.Tensor], target_grams: Mapping[str, torch.Tensor]) -> torch.Tensor:
    """Sum over the target layers of the mean squared Gram difference (targets may be batch 1)."""
    total = 0.0
    for name, target in target_grams.items():
        gram = gram_matrix(features[name])
        total = total + F.mse_loss(gram, target.expand_as(gram))
    return total
