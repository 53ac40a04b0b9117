"""Chen & Schmidt's style swap on feature maps.

Every content patch is replaced by the style patch with the highest normalised
cross-correlation: one convolution of the content features with the normalised style patches,
an argmax over patches (a one-hot map), and the transposed convolution of that map with the
unnormalised patches, divided by how many patches overlap each position.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from ..errors import ImageError

_CONV_BUDGET = 1 << 25  # floats of patch scores held at once (128 MiB); more patches go in chunks


def _style_patches(style: Tensor, patch: int, stride: int) -> Tensor:
    """(1, C, h, w) -> (L, C, patch, patch): every patch of the style features at this stride."""
    channels = style.shape[1]
    columns = F.unfold(style, patch, stride=stride)  # (1, C*k*k, L)
    return columns[0].t().reshape(-1, channels, patch, patch)


def _best_patches(content: Tensor, normalised: Tensor, stride: int) -> Tensor:
    """Index of the best-correlated style patch at each patch position: (H', W') long.

    The correlation is one convolution with the normalised patches (the content patch's own
    norm is the same for every candidate, so it does not change the argmax). Patches go in
    chunks so the score tensor stays under _CONV_BUDGET floats.
    """
    positions = ((content.shape[-2] - normalised.shape[-2]) // stride + 1) * (
        (content.shape[-1] - normalised.shape[-1]) // stride + 1
    )
    chunk = max(1, _CONV_BUDGET // max(1, positions))
    best_score, best_index = None, None
    for start in range(0, normalised.shape[0], chunk):
        scores = F.conv2d(content, normalised[start : start + chunk], stride=stride)[0]  # (chunk, H', W')
        score, index = scores.max(dim=0)
        index += start
        if best_score is None:
            best_score, best_index = score, index
        else:
            better = score > best_score
            best_score = torch.where(better, score, best_score)
            best_index = torch.where(better, index, best_index)
    return best_index


def style_swap(content: Tensor, style: Tensor, *, patch: int = 3, stride: int = 1) -> Tensor:
    """Swapped features, same shape as ``content`` (1, C, H, W); ``style`` is (1, C, h, w).

    The transposed convolution of the one-hot argmax map with the raw patches is computed as
    ``fold`` of the chosen patches: the same sums, without materialising the (L, H', W') one-hot
    map, which at a 256 px style and a 512 px content would be ~270 MB and 150 GFLOP.
    """
    if min(style.shape[-2:]) < patch or min(content.shape[-2:]) < patch:
        raise ImageError("An image is too small for this patch size.")
    height, width = content.shape[-2:]
    # pad bottom/right so the patches tile the content exactly at this stride
    pad_h, pad_w = (-(height - patch)) % stride, (-(width - patch)) % stride
    padded = F.pad(content, (0, pad_w, 0, pad_h), mode="replicate") if pad_h or pad_w else content
    patches = _style_patches(style, patch, stride)
    norms = patches.flatten(1).norm(dim=1).clamp_min(1e-8)
    index = _best_patches(padded, patches / norms.view(-1, 1, 1, 1), stride)
    chosen = patches.flatten(1)[index.flatten()]  # (H'*W', C*k*k)
    size = padded.shape[-2:]
    summed = F.fold(chosen.t().unsqueeze(0), size, patch, stride=stride)
    overlaps = F.fold(torch.ones_like(chosen).t().unsqueeze(0), size, patch, stride=stride)
    return (summed / overlaps)[..., :height, :width]
