"""Perceptual-loss pieces shared by Gatys, Johnson and Chen training: Gram matrices (plain and guided by a
region mask), content, style, TV."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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
        sym = grad + grad.transpose(1, 2)
        if f.stride(1) == 1:  # channels_last features: dF^T = F^T dG, so dF comes out in F's own layout
            return torch.bmm(f.transpose(1, 2), sym).div_(ctx.n).transpose(1, 2), None
        return torch.bmm(sym, f).div_(ctx.n), None


def gram_matrix(f: torch.Tensor) -> torch.Tensor:
    """(B, C, H, W) features -> (B, C, C) Gram matrices normalised by C*H*W."""
    b, c, h, w = f.shape
    return _Gram.apply(f.reshape(b, c, h * w), float(c * h * w))


def guided_gram(f: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Gatys et al. 2017's guided Gram: the features times the mask at their resolution (B or 1, 1, H, W),
    normalised by C * the mask's sum rather than C*H*W, so an all-white mask gives gram_matrix(f)."""
    b, c, h, w = f.shape
    return _Gram.apply((f * mask).reshape(b, c, h * w), c * max(float(mask.sum()), 1e-6))


@dataclass
class GuidedGrams:
    """One layer's style targets under region masks: each style's own (unmasked) Gram, matched by the
    Gram of the features under that style's mask, one weighted loss per style."""

    grams: Sequence[torch.Tensor]
    masks: Sequence[torch.Tensor]  # at this layer's resolution
    weights: Sequence[float]

    def loss(self, f: torch.Tensor) -> torch.Tensor:
        total = f.new_zeros(())
        for gram, mask, weight in zip(self.grams, self.masks, self.weights, strict=True):
            guided = guided_gram(f, mask)
            total = total + weight * F.mse_loss(guided, gram.expand_as(guided))
        return total


def total_variation(x: torch.Tensor) -> torch.Tensor:
    """Mean squared difference between neighbouring pixels (size-independent)."""
    return (x[..., 1:, :] - x[..., :-1, :]).pow(2).mean() + (x[..., :, 1:] - x[..., :, :-1]).pow(2).mean()


def style_term(f: torch.Tensor, target_gram: torch.Tensor) -> torch.Tensor:
    """One layer's style loss: the mean squared Gram difference (the target may be batch 1)."""
    gram = gram_matrix(f)
    return F.mse_loss(gram, target_gram.expand_as(gram))


class LayerLosses:
    """Content and style losses added up layer by layer, as VGGFeatures(x, visit=this) reaches each:
    each term is made while its activation is fresh, so backward makes its gradient just before that
    layer's own backward needs it, rather than every layer's first (all of them held at once).
    `content_weights` / `style_weights`: each layer's weight (left out: 1)."""

    def __init__(
        self,
        content_targets: Mapping[str, torch.Tensor],
        target_grams: Mapping[str, torch.Tensor | GuidedGrams],
        *,
        content_weights: Mapping[str, float] | None = None,
        style_weights: Mapping[str, float] | None = None,
    ) -> None:
        self.content_targets, self.target_grams = content_targets, target_grams
        self.content_weights, self.style_weights = content_weights or {}, style_weights or {}
        self.content: torch.Tensor | float = 0.0
        self.style: torch.Tensor | float = 0.0

    def __call__(self, name: str, f: torch.Tensor) -> None:
        if name in self.content_targets:
            term = F.mse_loss(f, self.content_targets[name])
            self.content = self.content + _weighted(term, self.content_weights.get(name, 1.0))
        if name in self.target_grams:
            target = self.target_grams[name]
            term = target.loss(f) if isinstance(target, GuidedGrams) else style_term(f, target)
            self.style = self.style + _weighted(term, self.style_weights.get(name, 1.0))


def _weighted(term: torch.Tensor, weight: float) -> torch.Tensor:
    return term if weight == 1 else term * weight  # weight 1 leaves the numbers exactly as they were


def content_loss(features: Mapping[str, torch.Tensor], targets: Mapping[str, torch.Tensor]) -> torch.Tensor:
    """Sum over the target layers of the mean squared feature difference."""
    return sum(F.mse_loss(features[name], target) for name, target in targets.items())


def style_loss(features: Mapping[str, torch.Tensor], target_grams: Mapping[str, torch.Tensor]) -> torch.Tensor:
    """Sum over the target layers of the mean squared Gram difference (targets may be batch 1)."""
    total = 0.0
    for name, target in target_grams.items():
        total = total + style_term(features[name], target)
    return total
