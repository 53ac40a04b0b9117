"""ZS-N2N's training step works on a fixed number of fixed-size crops, whatever the photo's size, and
the output is made in tiles: the network never sees more than a crop batch or a tile at once, so
a large photo costs more only in its one output pass and its memory stays bounded."""

from __future__ import annotations

import pytest
import torch
from torch import Tensor, nn

from stylecore import zsn2n

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/stylecore/conftest.py


class Recorder(nn.Module):
    """The network, noting the shape of every input and whether it was a training pass."""

    def __init__(self, net: nn.Module, seen: list[tuple[bool, tuple[int, ...]]]) -> None:
        super().__init__()
        self.net, self.seen = net, seen

    def forward(self, x: Tensor) -> Tensor:
        self.seen.append((torch.is_grad_enabled() and not torch.is_inference_mode_enabled(), tuple(x.shape)))
        return self.net(x)


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bool, tuple[int, ...]]]:
    calls: list[tuple[bool, tuple[int, ...]]] = []
    make_network = zsn2n.make_network
    monkeypatch.setattr(zsn2n, "make_network", lambda **kwargs: Recorder(make_network(**kwargs), calls))
    monkeypatch.setattr(zsn2n, "CROP", 16)
    monkeypatch.setattr(zsn2n, "CROPS_PER_STEP", 3)
    monkeypatch.setattr(zsn2n, "STEP_PIXELS", 3 * 16 * 16)
    monkeypatch.setattr(zsn2n, "CONSISTENCY_PIXELS", 3 * 8 * 8)
    monkeypatch.setattr(zsn2n, "INFERENCE_TILE", 24)
    return calls


@pytest.mark.parametrize("size", [(40, 36), (130, 98)])
def test_every_step_trains_on_the_same_crops_at_any_size(seen: list, size: tuple[int, int]) -> None:
    height, width = size
    zsn2n.denoise_tensor(torch.rand(1, 3, height, width), zsn2n.DenoiseConfig(steps=4, seed=0))

    # per step: the two half-resolution views of 3 crops of 16 px, then an 8 px window of each crop
    assert [shape for training, shape in seen if training] == [(6, 3, 8, 8), (3, 3, 8, 8)] * 4


def test_a_photo_of_at_most_a_steps_pixels_trains_on_itself(seen: list) -> None:
    zsn2n.denoise_tensor(torch.rand(1, 3, 12, 15), zsn2n.DenoiseConfig(steps=2, seed=0))

    # the whole (even-sized) photo's halves, and a window of all the consistency pixels
    assert [shape for training, shape in seen if training] == [(2, 3, 6, 7), (1, 3, 12, 12)] * 2


def test_a_large_photo_is_output_in_tiles_no_larger_than_the_tile_and_its_margin(seen: list) -> None:
    noisy = torch.rand(1, 3, 70, 53)
    denoised, _, _ = zsn2n.denoise_tensor(noisy, zsn2n.DenoiseConfig(steps=1, seed=0))

    tiles = [shape for training, shape in seen if not training]
    margin = zsn2n.RECEPTIVE_MARGIN
    assert len(tiles) == 3 * 3
    assert all(h <= 24 + 2 * margin and w <= 24 + 2 * margin for _, _, h, w in tiles)
    assert denoised.shape == noisy.shape


def test_tiled_output_equals_one_pass_over_the_whole_photo() -> None:
    torch.manual_seed(0)
    net = zsn2n.make_network(channels=3)
    noisy = torch.rand(1, 3, 45, 61)
    with torch.no_grad():
        whole = (noisy - net(noisy)).clamp(0, 1)

    for tile in (8, 13, 32, 64):
        assert torch.allclose(zsn2n.infer(net, noisy, tile=tile), whole, atol=1e-5, rtol=0)
