"""Gatys et al. style transfer: optimise the pixels so VGG19 features match content and style.

Content loss at conv4_2, style loss on normalised Gram matrices at conv1_1..conv5_1 (by default;
any VGG19 layers with a weight each), plus total variation. Content and style targets are computed
once per scale under no_grad; each step is then one forward and one backward pass of VGG19 cut
after the deepest layer in use.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

from . import gatys_tiles
from . import masks as region_masks
from .devices import describe_device, pick_device
from .errors import ImageError, OptionError, StylecoreError
from .features import VGGFeatures
from .finish import FinishOptions, keep_colours, luminance, save_finished
from .gatys_tiles import forecast as forecast  # gatys.forecast(config, (width, height)) -> (peak bytes, seconds)
from .images import image_to_tensor, load_image, output_format, tensor_to_image
from .layers import check_layers, in_use
from .losses import LayerLosses, gram_matrix, total_variation
from .options import SEED_MAX, check_choice, check_number
from .progress import Progress, ProgressCallback, Relay, StopRequested, stops_inside
from .record import RunRecord
from .tiles import check_tile

log = logging.getLogger(__name__)

CONTENT_LAYER = "conv4_2"
STYLE_LAYERS = ("conv1_1", "conv2_1", "conv3_1", "conv4_1", "conv5_1")
OPTIMIZERS = ("lbfgs", "adam")
INITS = ("content", "noise", "style")
POOLINGS = ("max", "avg")
DEFAULT_LR = {"lbfgs": 1.0, "adam": 0.02}
MIN_SIDE = 16  # VGG19 halves the image four times before conv5_1
MAX_SIDE = 4096  # the result's and the scaled style's longer side
LBFGS_HISTORY = 8  # each history pair is two image-sized vectors: 48 MB at 512 px, bounded for big images
# Named sizes and step counts (bench/job_times.py): "quick" ends in about a minute on a 2-core CPU.
PRESETS = {
    "quick": {"size": 256, "steps": 60, "scales": 1},
    "balanced": {"size": 384, "steps": 100, "scales": 2},
    "best": {"size": 512, "steps": 300, "scales": 2},
}


def pixel_share(scales: int) -> float:
    """The mean share of the result's pixels one step works on: each of `scales` coarse-to-fine
    passes runs the same steps, the k-th coarser one on 1/4**k of the pixels (what its time scales with)."""
    return sum(0.25**k for k in range(scales)) / scales


@dataclass
class GatysConfig(FinishOptions):
    """Gatys' options; strength and preserve_colors come first, from FinishOptions (Gatys keeps the
    colours during the optimisation too: it matches the style's luminance only)."""

    size: int = 512  # longer side of the output, pixels
    style_scale: float = 1.0  # the style images' longer side relative to the output's (neural-style's -style_scale)
    pooling: str = "max"  # VGG19's pooling: "max" or "avg" (smoother)
    content_layers: dict[str, float] = dataclasses.field(default_factory=lambda: {CONTENT_LAYER: 1.0})  # name -> weight
    style_layers: dict[str, float] = dataclasses.field(default_factory=lambda: dict.fromkeys(STYLE_LAYERS, 1.0))
    steps: int = 300  # optimiser steps at each scale (one VGG forward+backward each)
    optimizer: str = "lbfgs"
    lr: float | None = None  # None: 1.0 for L-BFGS, 0.02 for Adam (pixels are in [0, 1])
    content_weight: float = 1.0
    style_weight: float = 1e6  # Grams are normalised by C*H*W, hence the large factor
    tv_weight: float = 1e-2
    style_blend: tuple[float, ...] | None = None  # one weight per style image; None: equal
    init: str = "content"
    scales: int = 1  # coarse-to-fine: scale k works at size / 2**(scales-1-k)
    tile: int | None = None  # a scale larger than this is refined in tiles (gatys_tiles.py); None: automatic, 0: never
    seed: int | None = None
    weights: str | None = None  # VGG19 weights spec; None: the STYLECORE_VGG_WEIGHTS setting
    preview_every: int = 0  # 0: no previews
    denoise: bool = False  # ZS-N2N post-process on the result

    def validate(self) -> None:
        super().validate()
        check_number("size", self.size, MIN_SIDE, MAX_SIDE, integer=True)
        check_number("style_scale", self.style_scale, 0.1, 4)
        if not MIN_SIDE <= self.style_side <= MAX_SIDE:
            raise OptionError(
                "style_scale",
                f"makes the style images {self.style_side} pixels on their longer side at a {self.size} px result; "
                f"it must be between {MIN_SIDE} and {MAX_SIDE}",
            )
        check_choice("pooling", self.pooling, POOLINGS)
        self.content_layers = check_layers("content_layers", self.content_layers)
        self.style_layers = check_layers("style_layers", self.style_layers)
        check_number("steps", self.steps, 1, 5000, integer=True)
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        check_number("lr", self.lr, 1e-6, 10, optional=True)
        for field in ("content_weight", "style_weight", "tv_weight"):
            check_number(field, getattr(self, field), 0, 1e12)
        if self.content_weight == 0 and self.style_weight == 0:
            raise OptionError("style_weight", "content and style weights cannot both be 0")
        if self.style_blend is not None:
            self.style_blend = tuple(self.style_blend)
            if not self.style_blend:
                raise OptionError("style_blend", "give one weight per style image")
            for weight in self.style_blend:
                check_number("style_blend", weight, 0, 1e6)
            if sum(self.style_blend) <= 0:
                raise OptionError("style_blend", "at least one weight must be above 0")
        check_choice("init", self.init, INITS)
        check_number("scales", self.scales, 1, 4, integer=True)
        check_tile(self.tile)
        check_number("seed", self.seed, 0, SEED_MAX, integer=True, optional=True)
        check_number("preview_every", self.preview_every, 0, 5000, integer=True)

    @property
    def style_side(self) -> int:
        """The longer side the style images are loaded at."""
        return round(self.size * self.style_scale)

    @property
    def layers(self) -> tuple[str, ...]:
        """Every VGG19 layer a run computes a loss at (weight above 0)."""
        return tuple(dict.fromkeys((*in_use(self.content_layers), *in_use(self.style_layers))))

    @property
    def learning_rate(self) -> float:
        return self.lr if self.lr is not None else DEFAULT_LR[self.optimizer]

    def to_params(self) -> dict:
        params = super().to_params()
        params["style_blend"] = list(self.style_blend) if self.style_blend is not None else None
        params["lr"] = self.learning_rate
        return params


@dataclass
class GatysResult:
    image: torch.Tensor  # (1, 3, H, W) in [0, 1] at the content's size
    steps_done: int
    stopped: bool
    losses: dict[str, float]  # the last step's weighted loss parts and total


def _luminance_matched(style: torch.Tensor, content: torch.Tensor) -> torch.Tensor:
    """Grey style whose luminance mean/std match the content's (luminance-only transfer)."""
    ys, yc = luminance(style), luminance(content)
    ys = (ys - ys.mean()) / ys.std().clamp_min(1e-5) * yc.std() + yc.mean()
    return ys.clamp(0, 1).expand(-1, 3, -1, -1)


def _resized(x: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    if tuple(x.shape[-2:]) == size:
        return x
    return F.interpolate(x, size=size, mode="bilinear", align_corners=False, antialias=True).clamp(0, 1)


def _scaled_size(height: int, width: int, factor: int) -> tuple[int, int]:
    return max(1, round(height / factor)), max(1, round(width / factor))


def _scaled(x: torch.Tensor, factor: int) -> torch.Tensor:
    return _resized(x, _scaled_size(*x.shape[-2:], factor))


@torch.no_grad()
def _targets(
    vgg: VGGFeatures,
    content: torch.Tensor,
    styles: Sequence[torch.Tensor],
    blend: Sequence[float],
    config: GatysConfig,
) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]:
    """Content features and blended style Grams; each image goes through VGG once.

    Blending the Grams is the same as weighting one style loss per image: sum_k w_k |G - A_k|^2
    differs from |G - sum_k w_k A_k|^2 (weights summing to 1) by a constant.
    """
    content_layers, style_layers = in_use(config.content_layers), in_use(config.style_layers)
    content_targets: dict[str, torch.Tensor] = {}
    vgg(content, lambda name, f: content_targets.update({name: f}) if name in content_layers else None)
    grams: dict[str, torch.Tensor] = {}

    def add_gram(name: str, f: torch.Tensor, weight: float) -> None:
        if name in style_layers:  # each layer's Gram as the network reaches it: no activation is kept
            gram = gram_matrix(f).mul_(weight)
            grams[name] = grams[name].add_(gram) if name in grams else gram

    for style, weight in zip(styles, blend, strict=True):
        vgg(style, lambda name, f, weight=weight: add_gram(name, f, weight))
    return content_targets, grams


def features_for(config: GatysConfig) -> VGGFeatures:
    """VGG19 with the config's pooling, cut after the deepest layer it uses."""
    return VGGFeatures(config.layers, weights=config.weights, pool=config.pooling)


def _initial(init: str, content: torch.Tensor, style: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    if init == "noise":
        noise = torch.rand(content.shape, generator=generator, dtype=content.dtype)
        return noise.to(content.device)
    if init == "style":
        return _resized(style, tuple(content.shape[-2:]))
    return content.clone()


def stylize(
    content: torch.Tensor,
    styles: Sequence[torch.Tensor],
    config: GatysConfig,
    *,
    features: VGGFeatures | None = None,
    on_progress: ProgressCallback | None = None,
    masks: Sequence[torch.Tensor | None] | None = None,
) -> GatysResult:
    """The tensor-level run: content (1,3,H,W) and styles (1,3,h,w) in [0, 1] on one device; `masks`: one
    (1,1,h,w) mask or None ("the rest") per style, each style's Gram then matched under its mask (masks.py)."""
    if not styles:
        raise OptionError("styles", "give at least one style image")
    region_masks.check_count(masks, len(styles))
    masks = region_masks.masks_given(masks)
    blend = config.style_blend or (1.0,) * len(styles)
    if len(blend) != len(styles):
        raise OptionError("style_blend", f"gives {len(blend)} weights for {len(styles)} style images")
    blend = tuple(weight / sum(blend) for weight in blend)
    for image in (content, *styles):
        if min(image.shape[-2:]) < MIN_SIDE:
            raise ImageError(f"An image is too narrow: {image.shape[-1]}x{image.shape[-2]} pixels at this size.")
    vgg = features if features is not None else features_for(config)
    missing = set(config.layers) - set(vgg.layers)
    if missing or vgg.pool != config.pooling:
        raise ValueError(f"the features given compute {vgg.layers} with {vgg.pool} pooling, not what config asks")
    vgg.to(content.device)
    if config.preserve_colors:
        styles = [_luminance_matched(style, content) for style in styles]
    generator = torch.Generator().manual_seed(config.seed) if config.seed is not None else None
    regions = region_masks.regions(masks, content) if masks is not None else None
    guides = region_masks.guides(regions, config.unmasked) if regions is not None else None
    # Coarse scales smaller than VGG's minimum are dropped rather than refused.
    smallest = min(min(image.shape[-2:]) for image in (content, *styles))
    factors = [2**k for k in reversed(range(config.scales)) if smallest // 2**k >= MIN_SIDE]
    sizes = [_scaled_size(*content.shape[-2:], factor) for factor in factors]
    # masked runs are not tiled: each tile would need its own crop of every guide (left for later)
    sides = [None if guides is not None else gatys_tiles.tile_side(config.tile, *size) for size in sizes]
    total = config.steps * sum(
        len(gatys_tiles.tile_areas(*size, side)) for size, side in zip(sizes, sides, strict=True)
    )
    x, done, stopped, losses = None, 0, False, {}
    with stops_inside(vgg, on_progress):  # a stop request ends even one long step within a layer's time
        for index, factor in enumerate(factors):
            scale_content = _scaled(content, factor)
            vgg_content = luminance(scale_content).expand(-1, 3, -1, -1) if config.preserve_colors else scale_content
            scale_styles = [_scaled(style, factor) for style in styles]
            if x is None:
                x = _initial(config.init, vgg_content, scale_styles[0], generator)
            else:
                x = _resized(x, tuple(scale_content.shape[-2:]))
            stage = f"scale {index + 1}/{len(factors)}" if len(factors) > 1 else ""
            if sides[index] is not None:
                optimise = _tile_optimiser(vgg, scale_styles, blend, config, scale_content, total, on_progress)
                x, done, stopped, scale_losses = gatys_tiles.refine(
                    x, vgg_content, tile=sides[index], done=done, stage=stage, optimise=optimise
                )
            else:
                try:
                    targets = _scale_targets(vgg, vgg_content, scale_styles, blend, config, guides)
                except StopRequested:
                    stopped = True
                    break
                x, done, stopped, scale_losses = _optimise(
                    x, vgg, targets, config, scale_content, done, total, stage, on_progress
                )
                del targets
            losses = scale_losses or losses  # stopped before this scale's first step: the last ones
            del scale_styles
            if stopped:
                break
    image = _resized(x, tuple(content.shape[-2:]))
    if config.preserve_colors:
        image = keep_colours(image, content)
    if config.denoise and not stopped:
        image, stopped = _denoise(image, config, on_progress)
    if regions is not None and config.unmasked == "photo":
        image = region_masks.keep_photo(image, content, regions)
    return GatysResult(image=image, steps_done=done, stopped=stopped, losses=losses)


def _scale_targets(
    vgg: VGGFeatures,
    content: torch.Tensor,
    styles: Sequence[torch.Tensor],
    blend: Sequence[float],
    config: GatysConfig,
    guides: Sequence[torch.Tensor] | None,
) -> tuple[dict[str, torch.Tensor], Mapping[str, Any]]:
    """One scale's targets: blended Grams, or under masks one guided loss per style, each weighted as if
    alone (mean weight 1)."""
    if guides is None:
        return _targets(vgg, content, styles, blend, config)
    return region_masks.guided_targets(
        vgg,
        content,
        styles,
        [weight * len(blend) for weight in blend],
        [region_masks.resized_mask(guide, content.shape[-2:]) for guide in guides],
        in_use(config.content_layers),
        tuple(in_use(config.style_layers)),
    )


def _tile_optimiser(
    vgg: VGGFeatures,
    styles: Sequence[torch.Tensor],
    blend: Sequence[float],
    config: GatysConfig,
    content: torch.Tensor,
    total: int,
    on_progress: ProgressCallback | None,
) -> gatys_tiles.Optimise:
    """gatys_tiles.refine's `optimise` for one scale: each tile's content target from its own crop,
    the style's Grams once for the scale (with the first tile's target), then the tile's steps."""
    grams: dict[str, torch.Tensor] = {}

    def optimise(
        x: torch.Tensor,
        tile_content: torch.Tensor,
        done: int,
        stage: str,
        shown: Callable[[torch.Tensor], torch.Tensor],
    ) -> tuple[torch.Tensor, int, bool, dict[str, float]]:
        try:
            content_targets, new_grams = _targets(
                vgg, tile_content, () if grams else styles, () if grams else blend, config
            )
        except StopRequested:
            return x, done, True, {}
        grams.update(new_grams)
        return _optimise(x, vgg, (content_targets, grams), config, content, done, total, stage, on_progress, shown)

    return optimise


class _Adam:
    """torch.optim.Adam's update with its defaults (betas 0.9/0.999, eps 1e-8, the single-tensor path
    it takes on CPU: the same numbers) for the one image tensor. Making any torch.optim optimizer
    imports torch._dynamo on first use, about 150 MB resident for the rest of the process."""

    def __init__(self, x: torch.Tensor, lr: float, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        self.x, self.lr, self.betas, self.eps, self.steps = x, lr, betas, eps, 0
        self.exp_avg, self.exp_avg_sq = torch.zeros_like(x), torch.zeros_like(x)

    def zero_grad(self, set_to_none: bool = True) -> None:
        self.x.grad = None

    @torch.no_grad()
    def step(self) -> None:
        (beta1, beta2), grad = self.betas, self.x.grad
        self.steps += 1
        self.exp_avg.lerp_(grad, 1 - beta1)
        self.exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        step = float(self.steps)  # torch keeps the count as a float tensor and reads it back
        denom = (self.exp_avg_sq.sqrt() / (1 - beta2**step) ** 0.5).add_(self.eps)
        self.x.addcdiv_(self.exp_avg, denom, value=-(self.lr / (1 - beta1**step)))


def _optimise(
    x: torch.Tensor,
    vgg: VGGFeatures,
    targets: tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]],
    config: GatysConfig,
    content: torch.Tensor,
    done: int,
    total: int,
    stage: str,
    on_progress: ProgressCallback | None,
    shown: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> tuple[torch.Tensor, int, bool, dict[str, float]]:
    """`shown(x)`: the image a preview shows (a tile's: the whole image with the tile in it)."""
    content_targets, style_grams = targets
    x = x.detach().clone(memory_format=torch.contiguous_format).requires_grad_(True)  # L-BFGS flattens it
    if config.optimizer == "lbfgs":
        # max_iter=1: each .step() is one evaluation, so progress and stop requests come every step.
        optimizer = torch.optim.LBFGS([x], lr=config.learning_rate, max_iter=1, history_size=LBFGS_HISTORY)
    else:
        optimizer = _Adam(x, lr=config.learning_rate)
    parts: list[torch.Tensor] = []

    def closure() -> torch.Tensor:
        optimizer.zero_grad(set_to_none=True)
        terms = LayerLosses(
            content_targets if config.content_weight else {},
            style_grams if config.style_weight else {},
            content_weights=config.content_layers,
            style_weights=config.style_layers,
        )
        vgg(x, terms)
        c = config.content_weight * terms.content if config.content_weight else x.new_zeros(())
        s = config.style_weight * terms.style if config.style_weight else x.new_zeros(())
        tv = config.tv_weight * total_variation(x) if config.tv_weight else x.new_zeros(())
        loss = c + s + tv
        loss.backward()
        parts[:] = [c.detach(), s.detach(), tv.detach(), loss.detach()]
        return loss

    losses: dict[str, float] = {}
    stopped = False
    for _ in range(config.steps):
        try:
            if config.optimizer == "lbfgs":
                optimizer.step(closure)  # the closure runs before any update: x stays the last step's
            else:
                closure()
                optimizer.step()
        except StopRequested:
            stopped = True
            break
        with torch.no_grad():
            x.clamp_(0, 1)
        done += 1
        losses = dict(zip(("content", "style", "tv", "total"), torch.stack(parts).tolist(), strict=True))
        if not math.isfinite(losses["total"]):
            raise StylecoreError("The optimisation diverged (the loss is not finite); try a lower learning rate.")
        if on_progress is not None:
            preview = None
            if config.preview_every and done % config.preview_every == 0:
                image = shown(x.detach()) if shown is not None else x.detach()
                preview = tensor_to_image(keep_colours(image, content) if config.preserve_colors else image)
            if on_progress(Progress(step=done, total=total, losses=losses, preview=preview, stage=stage)):
                stopped = True
                break
    return x.detach(), done, stopped, losses


def _denoise(
    image: torch.Tensor, config: GatysConfig, on_progress: ProgressCallback | None
) -> tuple[torch.Tensor, bool]:
    from .zsn2n import DenoiseConfig, denoise_tensor  # imported here: only runs that ask for it pay for it

    relay = Relay(on_progress, lambda progress: replace(progress, stage="denoise"))
    # ZS-N2N alone: a stylized picture's fine texture is not noise for non-local means to smooth
    denoised, _, stopped = denoise_tensor(image, DenoiseConfig(seed=config.seed, blend=0.0), on_progress=relay)
    return denoised.clamp(0, 1), stopped


def run_files(
    content: Path,
    styles: Sequence[Path],
    output: Path,
    config: GatysConfig,
    *,
    device: str | None = None,
    on_progress: ProgressCallback | None = None,
    layers: Path | None = None,
    masks: Sequence[Path | None] | None = None,
    on_forecast: Callable[[int, float], None] | None = None,
) -> RunRecord:
    """Load the content and style files, stylize, save the result (with its RunRecord) to output;
    `layers`: a folder to also keep the full-strength result and the photo in (finish.py); `masks`: one
    mask file or None ("the rest") per style (masks.py). On a CPU the run is refused when its forecast
    (peak bytes, seconds) exceeds the memory available, and told to `on_forecast` before it starts."""
    output_format(output)  # a bad file name fails now, not after the run
    if not styles:
        raise OptionError("styles", "give at least one style image")
    region_masks.check_count(masks, len(styles))
    masks = region_masks.masks_given(masks)
    started = time.perf_counter()
    torch_device = pick_device(device)
    loaded = load_image(content, size=config.size)
    if torch_device.type == "cpu":  # the forecast's costs are a CPU's
        expected = gatys_tiles.check_memory(replace(config, tile=0) if masks else config, loaded.rgb.size)
        if on_forecast is not None:
            on_forecast(*expected)
    size = (loaded.rgb.height, loaded.rgb.width)
    mask_tensors = region_masks.load_masks(masks, size) if masks is not None else None  # a bad mask fails now
    style_tensors = [image_to_tensor(load_image(path, size=config.style_side).rgb, torch_device) for path in styles]
    vgg = features_for(config)
    content_tensor = image_to_tensor(loaded.rgb, torch_device)
    result = stylize(content_tensor, style_tensors, config, features=vgg, on_progress=on_progress, masks=mask_tensors)
    record = RunRecord(
        algorithm="gatys",
        params={**config.to_params(), **region_masks.mask_params(masks, config)},
        device=describe_device(torch_device),
        weights=vgg.weights_source,
        random_weights=vgg.random_weights,
        seconds=round(time.perf_counter() - started, 3),
        steps_done=result.steps_done,
        stopped=result.stopped,
        final_losses=result.losses,
    )
    # stylize() kept the colours already where asked (keeping them again changes nothing)
    save_finished(result.image, content_tensor, output, config, record=record, alpha=loaded.alpha, layers=layers)
    log.info("gatys: %d steps in %.1f s -> %s", result.steps_done, record.seconds, output)
    return record
