"""ZS-N2N: zero-shot Noise2Noise denoising (Mansour & Heckel, CVPR 2023).

Per image, with no training data: two fixed 2x2 diagonal averaging kernels split the noisy image
y into two half-resolution images D1(y), D2(y) whose noise is independent; a tiny CNN f learns to
predict the noise (residual loss: D1(y) - f(D1(y)) should match D2(y) and vice versa; consistency
loss: denoising then down-sampling should agree with down-sampling then denoising). The output is
y - f(y).

What we do beyond the paper's recipe (measurements in bench/README.md):
- a step costs the same at any size: a photo of at most STEP_PIXELS (256 x 256) trains on itself,
  a larger one on CROPS_PER_STEP random even-aligned crops of CROP px; the half-resolution pair
  D1, D2 goes through the net as one batch, and the consistency term, whose full-resolution pass
  costs twice the residual's, sees CONSISTENCY_PIXELS in a random window of each crop (an
  unbiased estimate of the same loss, up to the zero padding at the window's edge);
- the output is made in INFERENCE_TILE tiles with RECEPTIVE_MARGIN pixels of context each, equal
  to one pass over the whole image, so memory stays bounded on a 12 MP photo; previews (a whole
  pass each) are spaced out on large photos;
- the default run (no step count given) holds the targets of 1/8 of the positions out of training,
  measures their loss on fixed crops (the image itself when it fits in one) and stops PATIENCE steps
  after it last improved, keeping the best weights: a fixed step count fits the noise of small
  images (64 px: 2.6 dB lost); the cap bounds a large photo's run, whose steps cost the same;
- a photo that trains on crops follows a cosine learning-rate schedule from CROP_LR to zero over
  its steps (CROP_DEFAULT_STEPS in the default run) instead of the paper's halving: the random crops'
  noisier gradients need the rate to end near zero;
- the output is blended with non-local means of the photo (stylecore.nlm, its noise level estimated
  from the photo), `blend` of it (DEFAULT_BLEND): the two make different errors, so their mean is
  better than either (at 1 MP +0.5 to +0.7 dB over the better one) and ZS-N2N needs far fewer steps:
  a photo that trains on crops stops at CROP_DEFAULT_STEPS, before the held-out rule's PATIENCE
  could stop it (the rule still keeps the best weights).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .devices import describe_device, pick_device
from .errors import OptionError
from .images import image_to_tensor, load_image, output_format, save_image, tensor_to_image
from .nlm import nl_means
from .options import SEED_MAX, Options, check_number
from .progress import Progress, ProgressCallback, Relay, StopRequested, stops_inside
from .record import RunRecord

logger = logging.getLogger(__name__)

DEFAULT_STEPS = 2000  # the default run's cap on a photo that trains on itself; it may stop sooner (see PATIENCE)
CROP_DEFAULT_STEPS = 400  # ... on a photo that trains on crops: blended, 800 steps gain only 0.05 dB (bench/README.md)
MAX_STEPS = 20_000
LR = 1e-3
LR_HALVING_EVERY = 1000  # the paper's StepLR(step_size=1000, gamma=0.5)
CROP_LR = 2e-3  # crop training: the peak of a cosine schedule over the run's steps
CROP = 128  # side of the training crops of a photo larger than STEP_PIXELS
CROPS_PER_STEP = 4
STEP_PIXELS = CROP * CROP * CROPS_PER_STEP  # the most pixels one step trains on (256 x 256)
CONSISTENCY_PIXELS = 96 * 96  # pixels per step the consistency term sees, split over the step's crops
HELD_OUT = 0.125  # default run: share of half-resolution positions whose targets are kept out of training
EVAL_CROPS = 4  # default run on images larger than a crop: fixed crops the held-out loss is measured on
EVAL_EVERY = 10  # ... every this many steps
PATIENCE = 400  # default run: stop after this many steps without a new best held-out loss
MIN_HELD_OUT_IMAGE = 64
RECEPTIVE_MARGIN = 2  # pixels of context a pixel of f(y) depends on each side (two 3x3 convolutions)
INFERENCE_TILE = 512  # side of the tiles the output is computed in
DEFAULT_BLEND = 0.65  # share of non-local means in the output (0.6-0.7 scored best at sigma 15, 25 and 50)
NLM_PIXEL_STEPS = 1.5  # non-local means of a pixel costs what 1.5 training steps over one pixel cost (measured)


@dataclass
class DenoiseConfig(Options):
    steps: int | None = None  # None: stop on the held-out loss, at most DEFAULT_STEPS; N: exactly N steps
    seed: int | None = None
    preview_every: int = 0  # 0: no previews
    blend: float = DEFAULT_BLEND  # share of non-local means in the output (0: ZS-N2N alone)

    def validate(self) -> None:
        check_number("steps", self.steps, 1, MAX_STEPS, integer=True, optional=True)
        check_number("seed", self.seed, 0, SEED_MAX, integer=True, optional=True)
        check_number("preview_every", self.preview_every, 0, integer=True)
        check_number("blend", self.blend, 0, 1)

    @property
    def total_steps(self) -> int:
        return self.steps if self.steps is not None else DEFAULT_STEPS

    def to_params(self) -> dict:
        return super().to_params() | {"steps": self.total_steps}


def planned_steps(steps: int | None, pixels: int) -> int:
    """The steps a run asks for (None: the default run's cap for a photo of `pixels` pixels)."""
    if steps is not None:
        return steps
    return DEFAULT_STEPS if pixels <= STEP_PIXELS else CROP_DEFAULT_STEPS


def pixel_steps(steps: int | None, pixels: int, blend: float = DEFAULT_BLEND) -> int:
    """What a run of `steps` steps (None: the default run's cap) on a photo of `pixels` pixels costs,
    counted in steps over one pixel (the job page's and the queue's unit): each step trains on at
    most STEP_PIXELS; the output is one forward pass over the photo, about a quarter of a training
    step over the same pixels, plus non-local means when blended (NLM_PIXEL_STEPS a pixel)."""
    blended = int(NLM_PIXEL_STEPS * pixels) if blend else 0
    return planned_steps(steps, pixels) * min(pixels, STEP_PIXELS) + pixels // 4 + blended


def make_network(*, channels: int, width: int = 48) -> nn.Sequential:
    """The paper's noise predictor: ~22k parameters for RGB."""
    return nn.Sequential(
        nn.Conv2d(channels, width, 3, padding=1),
        nn.LeakyReLU(0.2),
        nn.Conv2d(width, width, 3, padding=1),
        nn.LeakyReLU(0.2),
        nn.Conv2d(width, channels, 1),
    )


def pair_downsample(x: Tensor) -> tuple[Tensor, Tensor]:
    """D1(x), D2(x): the means of the two diagonals of every 2x2 block (x has even height and width)."""
    a, b = x[..., 0::2, 0::2], x[..., 0::2, 1::2]
    c, d = x[..., 1::2, 0::2], x[..., 1::2, 1::2]
    return (b + c) / 2, (a + d) / 2


def add_noise(img: Tensor, sigma: float, seed: int | None = None) -> Tensor:
    """img plus Gaussian noise of standard deviation sigma (on the 0-255 scale), clipped to [0, 1]."""
    generator = torch.Generator(device="cpu")
    if seed is None:
        generator.seed()
    else:
        generator.manual_seed(seed)
    noise = torch.randn(img.shape, generator=generator, dtype=img.dtype).to(img.device)
    return (img + noise * (sigma / 255.0)).clamp(0.0, 1.0)


def psnr(a: Tensor, b: Tensor) -> float:
    """Peak signal-to-noise ratio in dB of two images in [0, 1]."""
    mse = F.mse_loss(a.float(), b.float()).item()
    return float("inf") if mse == 0 else 10.0 * torch.log10(torch.tensor(1.0 / mse)).item()


def _random_even_crop(height: int, width: int, side: int, generator: torch.Generator) -> tuple[int, int, int, int]:
    """(top, left, crop height, crop width), all even, inside a height x width image."""
    ch, cw = min(side, height), min(side, width)
    top = 2 * int(torch.randint(0, (height - ch) // 2 + 1, (1,), generator=generator))
    left = 2 * int(torch.randint(0, (width - cw) // 2 + 1, (1,), generator=generator))
    return top, left, ch, cw


@dataclass
class _Crops:
    """A batch of even-aligned crops of the (even-sized) image and their held-out masks at half resolution."""

    pixels: Tensor  # (B, C, h, w)
    held_out: Tensor  # (B, 1, h / 2, w / 2) bool


def _take_crops(y: Tensor, held_out: Tensor, boxes: list[tuple[int, int, int, int]]) -> _Crops:
    pixels = torch.cat([y[..., top : top + h, left : left + w] for top, left, h, w in boxes])
    masks = torch.stack([held_out[top // 2 : (top + h) // 2, left // 2 : (left + w) // 2] for top, left, h, w in boxes])
    return _Crops(pixels, masks.unsqueeze(1))


def _losses(
    net: nn.Module, crops: _Crops, window: tuple[int, int, int, int] | None = None
) -> tuple[Tensor, Tensor, Tensor]:
    """(residual, consistency, held-out squared errors) of the pair-downsampler losses on `crops`;
    both losses leave the held-out positions out. The consistency term, whose full-resolution pass
    costs twice the residual's, is taken on `window` (top, left, height, width; even) of each crop
    (None: the whole crop), an unbiased estimate of it."""
    denoised_halves, errors = _residual_errors(net, crops)
    train = (~crops.held_out).to(errors.dtype).repeat(2, 1, 1, 1)
    per_position = errors.shape[1]
    residual = (errors * train).sum() / (train.sum().clamp(min=1.0) * per_position)
    top, left, h, w = window or (0, 0, *crops.pixels.shape[2:])
    part = crops.pixels[..., top : top + h, left : left + w]
    c1, c2 = pair_downsample(part - net(part))
    rows, cols = slice(top // 2, (top + h) // 2), slice(left // 2, (left + w) // 2)
    weight = train[..., rows, cols]
    consistency = ((denoised_halves[..., rows, cols] - torch.cat([c1, c2])).square() * weight).sum() / (
        weight.sum().clamp(min=1.0) * per_position
    )
    return residual, consistency, _held_out(errors.detach(), crops)


def _residual_errors(net: nn.Module, crops: _Crops) -> tuple[Tensor, Tensor]:
    """(D1 - f(D1), D2 - f(D2)) of the crops as one batch, and their squared errors against (D2, D1)."""
    d1, d2 = pair_downsample(crops.pixels)
    halves = torch.cat([d1, d2])
    denoised_halves = halves - net(halves)
    return denoised_halves, (denoised_halves - torch.cat([d2, d1])).square()


def _held_out(errors: Tensor, crops: _Crops) -> Tensor:
    return errors[crops.held_out.repeat(2, errors.shape[1], 1, 1)]


def _tiles(length: int, tile: int) -> list[tuple[int, int]]:
    return [(start, min(start + tile, length)) for start in range(0, length, tile)]


def infer(net: nn.Module, noisy: Tensor, *, tile: int | None = None) -> Tensor:
    """y - f(y), clamped, in tiles of `tile` px: each tile runs with RECEPTIVE_MARGIN pixels of its
    neighbours around it, so the result equals one pass over the whole image while the network's
    activations stay tile-sized (48 channels of a 12 MP photo would be 2.3 GB per layer)."""
    _, _, height, width = noisy.shape
    tile = tile or INFERENCE_TILE
    out = torch.empty_like(noisy)
    m = RECEPTIVE_MARGIN
    with torch.inference_mode():
        for top, bottom in _tiles(height, tile):
            for left, right in _tiles(width, tile):
                t0, l0 = max(top - m, 0), max(left - m, 0)
                part = noisy[..., t0 : min(bottom + m, height), l0 : min(right + m, width)]
                result = (part - net(part))[..., top - t0 : bottom - t0, left - l0 : right - l0]
                out[..., top:bottom, left:right] = result.clamp_(0.0, 1.0)
    return out


def denoise_tensor(
    noisy: Tensor, config: DenoiseConfig, *, on_progress: ProgressCallback | None = None
) -> tuple[Tensor, int, bool]:
    """Denoise `noisy` (1, C, H, W) in [0, 1] on its own device; returns (denoised, steps done, stopped)."""
    if noisy.dim() != 4 or noisy.shape[0] != 1:
        raise OptionError("image", f"expected one image shaped (1, C, H, W), got {tuple(noisy.shape)}")
    _, channels, height, width = noisy.shape
    if height < 2 or width < 2:
        raise OptionError("image", f"is too small to denoise: {width}x{height} pixels (at least 2x2)")
    auto_stop = config.steps is None
    generator = torch.Generator(device="cpu")
    if config.seed is None:
        generator.seed()
    else:
        generator.manual_seed(config.seed)
    with torch.random.fork_rng(devices=[]):  # seeded weights without touching the caller's RNG
        torch.manual_seed(int(torch.randint(0, 2**62, (1,), generator=generator)))
        net = make_network(channels=channels).to(noisy.device)

    # Training sees the largest even-sized top-left part; the output applies f to every pixel.
    y = noisy.detach()[..., : height // 2 * 2, : width // 2 * 2]
    even_h, even_w = y.shape[2:]
    # A photo of at most STEP_PIXELS trains on itself (the paper's recipe); a larger one on
    # CROPS_PER_STEP random crops of CROP px per step, so a step costs the same at any size.
    whole = even_h * even_w <= STEP_PIXELS
    steps = planned_steps(config.steps, even_h * even_w)
    batch = 1 if whole else CROPS_PER_STEP
    window_side = 2 * max(1, math.isqrt(CONSISTENCY_PIXELS // batch) // 2)
    # The default run keeps the targets of a random HELD_OUT share of positions out of both losses:
    # the residual loss there is a noisy-target loss on pixels the net never fitted, so it rises when
    # the net starts fitting the noise; the best weights are kept. It is measured on fixed crops
    # (the image itself when it fits in one), every EVAL_EVERY steps, so it too costs the same at
    # any size. Images too small to spare positions (under MIN_HELD_OUT_IMAGE half-resolution ones) run the cap.
    auto_stop = auto_stop and (even_h // 2) * (even_w // 2) >= MIN_HELD_OUT_IMAGE
    held_out = torch.zeros(even_h // 2, even_w // 2, dtype=torch.bool)
    if auto_stop:
        held_out = torch.rand(held_out.shape, generator=generator) < HELD_OUT
        held_out[0, 0] = True  # never none
    held_out = held_out.to(noisy.device)
    every = 1 if whole else EVAL_EVERY
    eval_crops = None
    if auto_stop and not whole:
        boxes = [_random_even_crop(even_h, even_w, CROP, generator) for _ in range(EVAL_CROPS)]
        eval_crops = _take_crops(y, held_out, boxes)
    if whole:
        optimizer = torch.optim.Adam(net.parameters(), lr=LR)
        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=LR_HALVING_EVERY, gamma=0.5)
    else:  # random crops give noisier gradients: a larger step early, decayed to zero by the last step
        optimizer = torch.optim.Adam(net.parameters(), lr=CROP_LR)
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    best_loss, best_step, best_weights = float("inf"), 0, [p.detach().clone() for p in net.parameters()]
    # Previews apply the net to the whole photo: spaced out so they cost at most about half of training.
    preview_every = config.preview_every and max(config.preview_every, math.ceil(2 * height * width / STEP_PIXELS))
    held_loss = float("nan")

    steps_done, stopped = 0, False
    try:
        with stops_inside(net, on_progress):
            for step in range(1, steps + 1):
                if whole:
                    crops = _take_crops(y, held_out, [(0, 0, even_h, even_w)])
                else:
                    boxes = [_random_even_crop(even_h, even_w, CROP, generator) for _ in range(CROPS_PER_STEP)]
                    crops = _take_crops(y, held_out, boxes)
                window = _random_even_crop(*crops.pixels.shape[2:], window_side, generator)
                residual, consistency, held_errors = _losses(net, crops, window)
                loss = residual + consistency
                losses = {"residual": residual.item(), "consistency": consistency.item(), "total": loss.item()}
                if auto_stop and (step - 1) % every == 0:  # the held-out loss of the weights before this step's update
                    if eval_crops is not None:
                        with torch.no_grad():
                            held_errors = _held_out(_residual_errors(net, eval_crops)[1], eval_crops)
                    held_loss = held_errors.mean().item()
                    if held_loss < best_loss:
                        best_loss, best_step = held_loss, step
                        best_weights = [p.detach().clone() for p in net.parameters()]
                if auto_stop:
                    losses["held_out"] = held_loss
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                scheduler.step()
                steps_done = step
                if on_progress is not None:
                    preview = None
                    if preview_every and step % preview_every == 0:
                        preview = tensor_to_image(infer(net, noisy)).convert("RGB")
                    if on_progress(Progress(step=step, total=steps, losses=losses, preview=preview, stage="denoise")):
                        stopped = step < steps
                        break
                if auto_stop and step - best_step >= PATIENCE:
                    break
    except StopRequested:  # asked inside a step: the weights are still the last finished step's
        stopped = True
    if auto_stop:
        with torch.no_grad():
            for param, best in zip(net.parameters(), best_weights, strict=True):
                param.copy_(best)
    if steps_done == 0:  # stopped before its first step: an untrained net would only add noise
        return noisy.detach().clone(), 0, stopped
    denoised = infer(net, noisy)
    if config.blend and not stopped:  # a stopped run ends now: its partial result is the network's alone
        denoised = torch.lerp(denoised, nl_means(noisy), config.blend)
    return denoised, steps_done, stopped


def single_channel_if_grey(img: Tensor) -> Tensor:
    """(1, 1, H, W) when the RGB image (1, 3, H, W) is grey (R == G == B everywhere), else img.

    A greyscale photo's noise is the same in R, G and B, so it is denoised (and noised) as one channel.
    """
    if img.shape[1] == 3 and torch.equal(img[:, 0], img[:, 1]) and torch.equal(img[:, 0], img[:, 2]):
        return img[:, :1]
    return img


def run_files(
    noisy: Path,
    output: Path,
    config: DenoiseConfig,
    *,
    device: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> RunRecord:
    """Denoise the image file `noisy` into `output` (PNG keeps alpha) and return what made it."""
    output_format(output)  # a bad extension fails now, not after the run
    torch_device = pick_device(device)
    loaded = load_image(noisy)
    tensor = single_channel_if_grey(image_to_tensor(loaded.rgb, device=torch_device))
    started = time.perf_counter()
    losses: dict[str, float] = {}

    def track(progress: Progress) -> Progress:
        losses.update(progress.losses)
        return progress

    denoised, steps_done, stopped = denoise_tensor(tensor, config, on_progress=Relay(on_progress, track))
    record = RunRecord(
        algorithm="denoise",
        params=config.to_params(),
        device=describe_device(torch_device),
        weights="none (trained on the image itself)",
        random_weights=False,
        seconds=round(time.perf_counter() - started, 3),
        steps_done=steps_done,
        stopped=stopped,
        final_losses=losses,
    )
    save_image(tensor_to_image(denoised), output, record=record, alpha=loaded.alpha)
    logger.info("denoised %s -> %s in %.1f s (%d steps)", noisy, output, record.seconds, steps_done)
    return record
