"""Any image size works: odd sides are padded inside the network call and cropped back."""

from __future__ import annotations

import pytest
import torch

from stylecore import johnson
from stylecore.errors import ImageError


@pytest.mark.slow
@pytest.mark.parametrize("variant", johnson.VARIANTS)
@pytest.mark.parametrize("size", [(8, 8), (13, 9), (31, 45), (64, 33)])
def test_the_output_has_the_inputs_size(variant: str, size: tuple[int, int]) -> None:
    net = johnson.TransformerNet(variant=variant).eval()
    out = johnson.stylize(net, torch.rand(1, 3, *size))
    assert out.shape == (1, 3, *size)
    assert torch.isfinite(out).all()


def test_the_light_variant_is_much_smaller() -> None:
    count = lambda net: sum(p.numel() for p in net.parameters())  # noqa: E731
    assert count(johnson.TransformerNet(variant="light")) * 10 < count(johnson.TransformerNet())


def test_images_below_eight_pixels_are_refused() -> None:
    with pytest.raises(ImageError, match="too small"):
        johnson.stylize(johnson.TransformerNet(variant="light"), torch.rand(1, 3, 7, 30))
