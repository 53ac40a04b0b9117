"""High resolution for the feed-forward stylizers (Johnson, Chen): an image in overlapping tiles.

``tiled`` cuts a (1, C, H, W) image into tiles at most ``tile`` pixels a side that overlap by at
least ``overlap``, runs a tile function on one tile at a time (so peak memory is one tile's run) and
blends the outputs into one preallocated result. Each tile's weight rises along a raised cosine
from ~0 at its edge to 1 across the overlap with each neighbour, so the pixels a tile paints worst
(next to its cut edges, where its convolutions padded) count least, and there is no hard seam.

A network with instance norm normalises by each image's own statistics: a tile sees other
statistics than the whole image, and its colours and contrast drift from tile to tile.
``shared_instance_norm`` records every InstanceNorm2d's statistics once, on the whole image scaled
down to at most twice the tile's side (``downscaled``), and normalises every tile with those: the
tiles then join without a seam (bench/tiles.py, tiled vs whole: 0.5 levels of 255 at the borders,
0.0 elsewhere; with each tile's own statistics 32 and 33), and the result differs from a whole run
only as far as the scaled-down statistics differ. That statistics run is the largest network run of
a tiled photo.

Tile starts are multiples of 4 so that the networks' 1/4-size grids (stride-2 convolutions,
pixel-unshuffle, VGG's pooling) line up with those of the whole image.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .errors import OptionError
from .images import MAX_SIDE
from .progress import Progress, ProgressCallback, StopRequested, stop_requested

# "automatic": work in tiles when the longer side is larger than this. Not lower: Johnson's tiles run on PyTorch,
# 2.5x slower than a whole run on ONNX Runtime, and photos of 1080-1440 px are common; a whole run at this size
# grows by ~3 GB at most (bench/README.md, "High resolution").
TILE_ABOVE = 1536
TILE_SIZE = 512  # the automatic tile side (bench/tiles.py: peak memory and seams)
OVERLAP = 64  # at least this much overlap between neighbours: about how far the standard network sees
MIN_TILE = 4 * OVERLAP  # smaller tiles would be mostly overlap
STATS_SCALE = 2  # instance-norm statistics come from the whole image at up to this many tiles' side
_MULTIPLE = 4
# on_tile(tiles done, tile count) -> whether to stop before the next tile
TileCallback = Callable[[int, int], bool | None]


def check_tile(value: object) -> None:
    """The ``tile`` option: None (automatic), 0 (never) or a tile side in MIN_TILE..MAX_SIDE."""
    if value is None or (value == 0 and type(value) is int):
        return
    if type(value) is not int or not MIN_TILE <= value <= MAX_SIDE:
        raise OptionError("tile", f"must be empty (automatic), 0 (never) or {MIN_TILE} to {MAX_SIDE}, not {value!r}")


def tile_side(
    setting: int | None, height: int, width: int, *, above: int = TILE_ABOVE, size: int = TILE_SIZE
) -> int | None:
    """The tile side to use for an image, or None to run it whole (``setting``: see check_tile;
    automatic means tiles of `size` above `above` pixels)."""
    if setting == 0:
        return None
    side = size if setting is None else setting
    if setting is None and max(height, width) <= above:
        return None
    side -= side % _MULTIPLE
    return side if max(height, width) > side else None


def tile_spans(length: int, tile: int, overlap: int) -> list[tuple[int, int]]:
    """(start, stop) of the tiles along one side: as few as fit, all one size (at most `tile`),
    starts on multiples of 4, neighbours overlapping by at least `overlap`, the last ending at `length`."""
    if length <= tile:
        return [(0, length)]
    slack = 2 * _MULTIPLE  # rounding starts and sides to multiples of 4 may cost up to 7 pixels of overlap
    count = math.ceil((length - overlap - slack) / (tile - overlap - slack - _MULTIPLE))
    side = min(tile, _round_up(math.ceil((length + (count - 1) * (overlap + slack)) / count)))
    step = (length - side) / (count - 1)
    starts = [int(i * step) // _MULTIPLE * _MULTIPLE for i in range(count - 1)] + [_round_up(length - side)]
    return [(start, min(start + side, length)) for start in starts]


def _round_up(value: int) -> int:
    return -(-value // _MULTIPLE) * _MULTIPLE


def _weights(spans: list[tuple[int, int]], index: int, device: torch.device) -> Tensor:
    """One tile's blending weights along one side: a raised cosine up across the overlap with the
    previous tile and down across the overlap with the next, 1 elsewhere."""
    start, stop = spans[index]
    weights = torch.ones(stop - start, device=device)
    if index > 0:
        ramp = spans[index - 1][1] - start
        weights[:ramp] *= _ramp(ramp, device)
    if index + 1 < len(spans):
        ramp = stop - spans[index + 1][0]
        weights[-ramp:] *= _ramp(ramp, device).flip(0)
    return weights


def _ramp(length: int, device: torch.device) -> Tensor:
    """length values rising from ~0 to ~1 along a raised cosine (never exactly 0: every pixel counts)."""
    t = (torch.arange(length, device=device, dtype=torch.float32) + 0.5) / length
    return 0.5 - 0.5 * torch.cos(math.pi * t)


class Blend:
    """Tiles' outputs added into one preallocated image with raised-cosine weights (``_weights``):
    ``places`` says where each tile is, ``add`` takes one tile's output, ``result`` is the blend."""

    def __init__(self, height: int, width: int, *, tile: int, overlap: int = OVERLAP, device: torch.device) -> None:
        self.rows, self.columns = tile_spans(height, tile, overlap), tile_spans(width, tile, overlap)
        self.row_weights = [_weights(self.rows, i, device) for i in range(len(self.rows))]
        self.column_weights = [_weights(self.columns, j, device) for j in range(len(self.columns))]
        self.places = [(slice(*rows), slice(*columns)) for rows in self.rows for columns in self.columns]
        self.size = (height, width)
        self.output: Tensor | None = None

    def add(self, index: int, painted: Tensor) -> None:
        """The output of tile `index` (the order of ``places``)."""
        i, j = divmod(index, len(self.columns))
        if self.output is None:  # allocated once the first tile has told the channel count
            self.output = painted.new_zeros((*painted.shape[:-2], *self.size))
        rows, columns = self.places[index]
        weight = self.row_weights[i][:, None] * self.column_weights[j][None, :]
        self.output[..., rows, columns].addcmul_(painted, weight)

    def result(self) -> Tensor:
        """The blended image, once every tile is added."""
        # the weights are a product of per-side weights, so their sum at each pixel is too
        row_sums = _sums(self.rows, self.row_weights, self.size[0])
        column_sums = _sums(self.columns, self.column_weights, self.size[1])
        return self.output.div_(row_sums[:, None] * column_sums[None, :])


def tiled(
    image: Tensor,
    function: Callable[[Tensor], Tensor],
    *,
    tile: int,
    overlap: int = OVERLAP,
    on_tile: TileCallback | None = None,
) -> Tensor:
    """`function` (a (1, C, h, w) tile -> (1, C', h, w)) over `image` in blended tiles, one at a time.

    ``on_tile(done, count)`` is called before the first tile (done = 0) and after each tile; a true
    answer (a stop request) ends the run before the next tile by raising StopRequested.
    """
    blend = Blend(*image.shape[-2:], tile=tile, overlap=overlap, device=image.device)
    count = len(blend.places)
    for index, (rows, columns) in enumerate(blend.places):
        if on_tile is not None and on_tile(index, count):
            raise StopRequested
        blend.add(index, function(image[..., rows, columns]))
    if on_tile is not None:
        on_tile(count, count)  # all done: nothing left to stop
    return blend.result()


def _sums(spans: list[tuple[int, int]], weights: list[Tensor], length: int) -> Tensor:
    total = torch.zeros(length, device=weights[0].device)
    for (start, stop), weight in zip(spans, weights, strict=True):
        total[start:stop] += weight
    return total


def run_in_tiles(
    image: Tensor,
    function: Callable[[Tensor], Tensor],
    *,
    tile: int,
    network: nn.Module,
    on_tile: TileCallback | None = None,
) -> Tensor:
    """`function` over `image` in tiles (``tiled``, which raises StopRequested when `on_tile` asks it to
    stop), with `network`'s instance norms using the
    statistics of the whole image at up to twice the tile's side (peak memory: that run's)."""
    with shared_instance_norm(network, lambda: function(downscaled(image, (STATS_SCALE * tile) ** 2))):
        return tiled(image, function, tile=tile, on_tile=on_tile)


def reporter(on_progress: ProgressCallback | None) -> TileCallback | None:
    """An ``on_tile`` that reports each tile done as a step of the "tiles" stage and passes on the
    callback's answer, or its stop_requested(): a tiled run stops between tiles."""
    if on_progress is None:
        return None
    return lambda done, count: (
        bool(on_progress(Progress(step=done, total=count, stage="tiles"))) or stop_requested(on_progress)
    )


def downscaled(image: Tensor, area: int) -> Tensor:
    """The image scaled down (antialiased) to at most `area` pixels; as it is when already smaller."""
    height, width = image.shape[-2:]
    scale = math.sqrt(area / (height * width))
    if scale >= 1:
        return image
    size = (max(_MULTIPLE * 4, round(height * scale)), max(_MULTIPLE * 4, round(width * scale)))
    return F.interpolate(image, size=size, mode="bilinear", antialias=True, align_corners=False)


@contextmanager
def shared_instance_norm(network: nn.Module, reference: Callable[[], object]) -> Iterator[None]:
    """Run `reference()` (the network on the whole image, scaled down) recording each
    InstanceNorm2d's per-channel mean and variance; inside the block every InstanceNorm2d of
    `network` normalises with those instead of its input's own statistics."""
    norms = [module for module in network.modules() if isinstance(module, nn.InstanceNorm2d)]
    if not norms:  # nothing to share: no reference run
        yield
        return
    recorded: dict[nn.InstanceNorm2d, tuple[Tensor, Tensor]] = {}

    def record(module: nn.InstanceNorm2d, inputs: tuple[Tensor, ...]) -> None:
        (x,) = inputs
        var, mean = torch.var_mean(x, dim=(0, 2, 3), correction=0)
        recorded[module] = (mean, var)

    hooks = [norm.register_forward_pre_hook(record) for norm in norms]
    try:
        reference()
    finally:
        for hook in hooks:
            hook.remove()
    for norm in norms:
        mean, var = recorded[norm]
        # batch norm in eval mode is exactly instance norm with given statistics
        norm.forward = lambda x, norm=norm, mean=mean, var=var: F.batch_norm(
            x, mean, var, norm.weight, norm.bias, training=False, eps=norm.eps
        )
    try:
        yield
    finally:
        for norm in norms:
            del norm.forward
