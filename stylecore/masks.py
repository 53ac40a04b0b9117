"""Region masks: which part of the photo each style paints.

A mask is a black-and-white picture, white where its style goes (any size: it is resized to the photo).
Per style, a run gets a mask or None, "the rest": what the given masks leave uncovered.
- Gatys matches each style's own Gram only under its mask (guided Grams, Gatys et al. 2017, "Controlling
  Perceptual Factors in Neural Style Transfer"; losses.GuidedGrams); the content loss stays whole.
- Johnson and Chen stylize the whole photo once per style and add each result into one composite under
  its feathered mask (Composite), so only one full-size result is held at a time.
Pixels no mask covers become the photo (`unmasked="photo"`, feathered) or are stylized ("style").
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageChops
from torch import Tensor

from .errors import ImageError, MaskError, OptionError
from .features import VGGFeatures
from .finish import FinishOptions
from .images import load_image
from .losses import GuidedGrams, gram_matrix

NOT_AN_IMAGE = "The mask is not an image we can read."
COVERS_NOTHING = "The mask covers nothing: paint or upload white where the style should go."
COVERED = 128  # a pixel at least half white counts as covered (near-black JPEG noise does not)
FEATHER = 0.015  # the feather's Gaussian sigma, as a share of the image's longer side
REST = "rest"  # what a RunRecord calls a None mask


def _grey(path: Path) -> Image.Image:
    """The mask as 8-bit grey, an alpha channel multiplied in (transparent = not covered)."""
    if not Path(path).is_file():
        raise MaskError(f"No such mask file: {path}")
    try:
        loaded = load_image(path)
    except ImageError as exc:
        # the loader's limits keep their own words; anything else is just not a readable picture
        raise MaskError(str(exc) if "too large" in str(exc) else NOT_AN_IMAGE) from None
    grey = loaded.rgb.convert("L")
    return ImageChops.multiply(grey, loaded.alpha) if loaded.alpha is not None else grey


def _check_covers(grey: Image.Image) -> None:
    if grey.getextrema()[1] < COVERED:
        raise MaskError(COVERS_NOTHING)


def check_mask(path: Path) -> None:
    """Refuse a mask that is not a readable image or covers nothing (MaskError, a plain message)."""
    _check_covers(_grey(path))


def load_mask(path: Path, size: tuple[int, int]) -> Tensor:
    """The mask at `size` (H, W) as a (1, 1, H, W) float tensor in [0, 1], white = the style goes here."""
    grey = _grey(path)
    _check_covers(grey)
    height, width = size
    if grey.size != (width, height):
        grey = grey.resize((width, height), Image.Resampling.BILINEAR, reducing_gap=3.0)
    return torch.from_numpy(np.asarray(grey, dtype=np.float32) / 255.0)[None, None]


def check_count(masks: Sequence[object] | None, styles: int, what: str = "style") -> None:
    """One mask (or None) per style or model; checked before any work."""
    if masks is not None and len(masks) != styles:
        raise OptionError("masks", f"give one mask per {what} ({styles}), not {len(masks)}; use - for the rest")


def masks_given(masks: Sequence[object] | None) -> Sequence[object] | None:
    """The masks, or None when no entry is one (every style on "the rest": the run as without masks)."""
    return masks if masks is not None and any(mask is not None for mask in masks) else None


def load_masks(paths: Sequence[Path | None], size: tuple[int, int]) -> list[Tensor | None]:
    return [None if path is None else load_mask(path, size) for path in paths]


def mask_params(paths: Sequence[Path | None] | None, options: FinishOptions) -> dict:
    """What a RunRecord says about the masks: each style's mask file (or "rest") and the unmasked choice."""
    if paths is None:
        return {}
    return {"masks": [REST if path is None else Path(path).name for path in paths], "unmasked": options.unmasked}


def regions(masks: Sequence[Tensor | None], like: Tensor) -> list[Tensor]:
    """Each style's region at `like`'s size: its mask, or for None the rest (1 - the given masks' union)."""
    size = tuple(like.shape[-2:])
    given = [resized_mask(mask, size).to(like.device) for mask in masks if mask is not None]
    rest = 1 - torch.stack(given).sum(0).clamp(0, 1) if given else like.new_ones(1, 1, *size)
    return [rest if mask is None else resized_mask(mask, size).to(like.device) for mask in masks]


def resized_mask(mask: Tensor, size: tuple[int, ...]) -> Tensor:
    """A mask at another size; shrinking averages (a layer's pixel covers a block of the image's)."""
    if tuple(mask.shape[-2:]) == size:
        return mask
    if mask.shape[-2] >= size[0] and mask.shape[-1] >= size[1]:
        return F.adaptive_avg_pool2d(mask, size)
    return F.interpolate(mask, size=size, mode="bilinear", align_corners=False).clamp(0, 1)


def uncovered(regions: Sequence[Tensor]) -> Tensor:
    """Where no region reaches: 1 - their summed cover, at least 0."""
    return (1 - torch.stack(list(regions)).sum(0)).clamp_min(0)


def guides(regions: Sequence[Tensor], unmasked: str) -> list[Tensor]:
    """Where each style's Gram is matched: its region, plus (unmasked="style") a share of what none covers."""
    if unmasked == "photo":
        return list(regions)
    spare = uncovered(regions) / len(regions)
    return [region + spare for region in regions]


def feather(mask: Tensor) -> Tensor:
    """A Gaussian blur whose sigma is FEATHER of the longer side: soft edges, no seams. The kernel stops
    at 3 sigma, so pixels farther than that inside (or outside) a mask keep exactly 1 (or 0)."""
    sigma = max(0.5, FEATHER * max(mask.shape[-2:]))
    radius = math.ceil(3 * sigma)
    x = torch.arange(-radius, radius + 1, dtype=mask.dtype, device=mask.device)
    kernel = torch.exp(-0.5 * (x / sigma) ** 2)
    kernel = kernel / kernel.sum()
    # replicate padding: a mask that reaches the border stays whole up to it
    out = F.conv2d(F.pad(mask, (radius, radius, 0, 0), mode="replicate"), kernel.view(1, 1, 1, -1))
    out = F.conv2d(F.pad(out, (0, 0, radius, radius), mode="replicate"), kernel.view(1, 1, -1, 1))
    return out.clamp(0, 1)


def composite_weights(regions: Sequence[Tensor], unmasked: str) -> tuple[list[Tensor], Tensor | None]:
    """Each result's weight and the photo's (None with unmasked="style"), feathered, summing to 1 everywhere:
    overlapping masks share their pixels; uncovered ones go to the photo or, for "style", to every result."""
    soft = [feather(region) for region in regions]
    total = torch.stack(soft).sum(0)
    spare, scale = (1 - total).clamp_min(0), 1 / total.clamp_min(1)
    if unmasked == "photo":
        return [weight * scale for weight in soft], spare * scale
    return [(weight + spare / len(soft)) * scale for weight in soft], None


class Composite:
    """The running composite of per-style results: add() each full-size result as it comes, then drop it."""

    def __init__(self, photo: Tensor, masks: Sequence[Tensor | None], unmasked: str) -> None:
        self.weights, photo_weight = composite_weights(regions(masks, photo), unmasked)
        self.image = photo * photo_weight if photo_weight is not None else torch.zeros_like(photo)

    def add(self, index: int, result: Tensor) -> None:
        self.image.addcmul_(result, self.weights[index])


def keep_photo(image: Tensor, photo: Tensor, regions: Sequence[Tensor]) -> Tensor:
    """The photo where no region covers, the image where they do, with a feathered edge."""
    return image.lerp(photo, 1 - feather(1 - uncovered(regions)))


@torch.no_grad()
def guided_targets(
    vgg: VGGFeatures,
    content: Tensor,
    styles: Sequence[Tensor],
    weights: Sequence[float],
    style_guides: Sequence[Tensor],
    content_layers: Collection[str],
    style_layers: Sequence[str],
) -> tuple[dict[str, Tensor], dict[str, GuidedGrams]]:
    """Gatys' targets under masks: the content features, and per style layer each style's own Gram with its
    guide at that layer's resolution (the content's feature sizes, which the result's share)."""
    content_targets: dict[str, Tensor] = {}
    sizes: dict[str, tuple[int, int]] = {}

    def visit_content(name: str, f: Tensor) -> None:
        sizes[name] = tuple(f.shape[-2:])
        if name in content_layers:
            content_targets[name] = f

    vgg(content, visit_content)
    grams: dict[str, list[Tensor]] = {name: [] for name in style_layers}
    for style in styles:
        vgg(style, lambda name, f: grams[name].append(gram_matrix(f)) if name in grams else None)
    targets = {
        name: GuidedGrams(grams[name], [resized_mask(guide, sizes[name]) for guide in style_guides], list(weights))
        for name in style_layers
    }
    return content_targets, targets
