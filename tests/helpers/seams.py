"""Seams of a tiled run: a network that paints structure, and how tiled and whole runs differ at tile borders.

Used by tests/stylecore/test_tiles_*.py and bench/tiles.py.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import Tensor

from stylecore import chen, johnson, tiles
from stylecore.johnson.network import PIXEL_SCALE
from stylecore.modelfile import save_model


def structured_johnson(variant: str = "standard", seed: int = 0) -> johnson.TransformerNet:
    """A fixed-seed random Johnson network whose output spans the colours: random weights end in a
    convolution that paints about one level of 255, a flat picture; its weights are scaled so that
    the output's spread is 0.2 (about 50 levels) on a test photo, centred on grey."""
    torch.manual_seed(seed)
    net = johnson.TransformerNet(variant=variant).eval()
    last = net.deconv3.conv2d if variant == "standard" else net.refine.conv2d
    probe = torch.rand(1, 3, 64, 64, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        last.bias.zero_()
        last.weight.mul_(0.2 / net(probe).std())
        last.bias.fill_(0.5 * PIXEL_SCALE)
    return net


def border_band(height: int, width: int, tile: int, overlap: int = tiles.OVERLAP) -> Tensor:
    """(H, W) bool: the pixels in an overlap between neighbouring tiles (where tiles are blended)."""
    band = torch.zeros(height, width, dtype=torch.bool)
    for axis, length in ((0, height), (1, width)):
        spans = tiles.tile_spans(length, tile, overlap)
        for (_, stop), (start, _) in zip(spans, spans[1:], strict=False):
            if axis == 0:
                band[start:stop, :] = True
            else:
                band[:, start:stop] = True
    return band


def seam_figures(tiled: Tensor, whole: Tensor, tile: int, overlap: int = tiles.OVERLAP) -> tuple[float, float]:
    """(mean |tiled - whole| in the border band, the same elsewhere), in 0..255 levels."""
    difference = (tiled - whole).abs().mean(dim=1)[0] * 255
    band = border_band(*difference.shape, tile, overlap)
    return difference[band].mean().item(), difference[~band].mean().item()


def structured_decoder(seed: int = 0, *, instance_norm: bool = False) -> chen.InverseNet:
    """A fixed-seed random Chen inverse network scaled the same way (random, it paints near-black)."""
    torch.manual_seed(seed)
    net = chen.InverseNet(instance_norm=instance_norm).eval()
    last = net.layers[-1]
    probe = torch.rand(1, 256, 16, 16, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        last.bias.zero_()
        last.weight.mul_(0.2 / net(probe).std())
        last.bias.fill_(0.5)
    return net


def structured_johnson_file(path: Path, variant: str = "light") -> Path:
    net = structured_johnson(variant)
    return save_model(path, net.state_dict(), johnson.model_metadata(net, style="test", training={"steps_done": 0}))


def structured_decoder_file(path: Path) -> Path:
    meta = {"kind": "chen-decoder", "training": {"weights": "random", "steps_done": 0}}
    return save_model(path, structured_decoder().state_dict(), meta)
