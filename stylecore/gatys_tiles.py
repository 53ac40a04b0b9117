"""Gatys at high resolution: the last coarse-to-fine scales refined in tiles, and a forecast of a run.

A scale whose image is larger than a tile (``tile_side``: automatic above TILE_ABOVE px, a size, or 0 =
never, as Johnson's and Chen's ``tile``) is refined one overlapping tile at a time (``refine``): each
tile optimises its own pixels for the scale's steps against its own content target and the style's
Grams for the whole scale, with its own optimiser (freed before the next tile), and the tiles are
blended with tiles.py's raised-cosine weights. Peak memory is then one tile's step, not the image's
(bench/gatys_memory.py). The coarser scales, run whole, have already laid out the picture: the tiles
add the detail, as neural-style's multires scripts and style-transfer-pytorch do.

``forecast`` says before a run how much memory and time it needs, from per-pixel costs measured by
bench/gatys_memory.py on the 2-core CPU the bench ran on.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import torch

from . import tiles
from .errors import StylecoreError
from .progress import duration

# Automatic tiles above this side: a whole 1024 px run peaks at 2.2 GB, a 2048 px one at 5.9 GB; in tiles of
# 768 px (3 x 3 at 2048 px, 15% more pixels) 3.1 GB (bench/README.md, "Gatys at high resolution").
TILE_ABOVE = 1024
TILE_SIZE = 768
OVERLAP = 64  # the tiles' blending band; a tile's content target comes from its own crop, so no wider one is needed

# Fitted to bench/gatys_memory.py's peak RSS at 512 and 1024 px, whole and tiled (bench/README.md); it
# overestimates small tiled runs by ~0.2 GB. L-BFGS keeps 8 tile-sized history pairs more than Adam
# (200 bytes per pixel), within the fit's error.
BASE_BYTES = 1.0e9  # torch, VGG19 to conv5_1, the first run's workspaces
STEP_BYTES_PER_PIXEL = 930.0  # one step's peak, per pixel it works on (the whole image or a tile)
IMAGE_BYTES_PER_PIXEL = 200.0  # per pixel of the scale's whole image: the image, the blend, the targets
# The style's Grams for a scale: VGG on the whole style at the scale's size (no gradients: two 64-channel
# activations at a time), the peak of a tiled 2048 px run (3.1 GB).
STYLE_BYTES_PER_PIXEL = 500.0
# A step's wall seconds per pixel on the bench's 2 threads: its CPU seconds (28 µs per pixel at 512 and
# 1024 px, whole or in tiles of 768 px) over 2, what a quiet machine takes (bench/README.md, "Gatys").
SECONDS_PER_PIXEL_STEP = 14e-6
MEMORY_ENV = "STYLECORE_MEMORY_AVAILABLE"  # bytes a run may use; unset: the machine's available memory

Optimise = Callable[[torch.Tensor, torch.Tensor, int, str, Callable[[torch.Tensor], torch.Tensor]], tuple]


def tile_side(setting: int | None, height: int, width: int) -> int | None:
    """The tile side for one scale's image, or None to run it whole."""
    return tiles.tile_side(setting, height, width, above=TILE_ABOVE, size=TILE_SIZE)


def tile_areas(height: int, width: int, side: int | None) -> list[int]:
    """The pixels of each tile one scale works on (the whole image when not tiled)."""
    if side is None:
        return [height * width]
    rows, columns = tiles.tile_spans(height, side, OVERLAP), tiles.tile_spans(width, side, OVERLAP)
    return [(bottom - top) * (right - left) for top, bottom in rows for left, right in columns]


def refine(
    x: torch.Tensor, content: torch.Tensor, *, tile: int, done: int, stage: str, optimise: Optimise
) -> tuple[torch.Tensor, int, bool, dict[str, float]]:
    """One scale in tiles: ``optimise(x_tile, content_tile, done, stage, shown)`` runs one tile's steps
    and returns (x_tile, done, stopped, losses), as gatys._optimise; ``shown(x_tile)`` is the whole
    image with that tile in it, for previews. After a stop the remaining tiles stay as they came."""
    x = x.clone()  # each tile starts from x as the tiles before left it: its overlap with them already refined
    blend = tiles.Blend(*x.shape[-2:], tile=tile, overlap=OVERLAP, device=x.device)
    stopped, losses = False, {}
    for index, (rows, columns) in enumerate(blend.places):
        part = x[..., rows, columns]
        if not stopped:

            def shown(tile_x: torch.Tensor, rows: slice = rows, columns: slice = columns) -> torch.Tensor:
                x[..., rows, columns] = tile_x
                return x

            label = ", ".join(filter(None, (stage, f"tile {index + 1}/{len(blend.places)}")))
            part, done, stopped, tile_losses = optimise(part.clone(), content[..., rows, columns], done, label, shown)
            losses = tile_losses or losses
            x[..., rows, columns] = part
        blend.add(index, part)
    return blend.result(), done, stopped, losses


def forecast(config: object, content_size: tuple[int, int]) -> tuple[int, float]:
    """(peak bytes, seconds) a Gatys run of `config` (a GatysConfig) should take on a CPU for a content
    photo of `content_size` (width, height) pixels; the style is taken to be no larger."""
    width, height = content_size
    ratio = config.size / max(width, height)
    height, width = max(1, round(height * ratio)), max(1, round(width * ratio))
    peak, seconds = BASE_BYTES, 0.0
    for k in reversed(range(config.scales)):
        scale_height, scale_width = max(1, round(height / 2**k)), max(1, round(width / 2**k))
        areas = tile_areas(scale_height, scale_width, tile_side(config.tile, scale_height, scale_width))
        pixels = scale_height * scale_width
        step = STEP_BYTES_PER_PIXEL * max(areas) + IMAGE_BYTES_PER_PIXEL * pixels
        peak = max(peak, BASE_BYTES + max(step, STYLE_BYTES_PER_PIXEL * pixels))
        seconds += config.steps * SECONDS_PER_PIXEL_STEP * sum(areas)
    return int(peak), seconds


def available_memory() -> int:
    """Bytes a run may use: the STYLECORE_MEMORY_AVAILABLE setting, else the machine's available memory
    (MemAvailable, else the free pages)."""
    setting = os.environ.get(MEMORY_ENV)
    if setting:
        return int(float(setting))
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def describe(peak: int, seconds: float) -> str:
    """The forecast in words: "about 6.1 GB and 40 min"."""
    return f"about {gigabytes(peak)} and {duration(seconds)}"


def check_memory(config: object, content_size: tuple[int, int]) -> tuple[int, float]:
    """The forecast of a run; refused (StylecoreError) when it needs more memory than is available."""
    peak, seconds = forecast(config, content_size)
    available = available_memory()
    if peak > available:
        hint = f"tiles of {TILE_SIZE} px" if config.tile == 0 else "smaller tiles"
        raise StylecoreError(
            f"This run needs about {gigabytes(peak)} of memory but only {gigabytes(available)} is available; "
            f"choose {hint} or a smaller size."
        )
    return peak, seconds


def gigabytes(size: float) -> str:
    return f"{size / 1e9:.1f} GB"
