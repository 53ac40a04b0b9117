"""ZS-N2N takes any size and channel count and gives back the same shape."""

import pytest
import torch

from stylecore.errors import OptionError
from stylecore.zsn2n import DenoiseConfig, denoise_tensor


@pytest.mark.parametrize("shape", [(1, 3, 17, 20), (1, 1, 23, 31), (1, 3, 2, 9)])
def test_it_keeps_odd_sizes_and_greyscale(shape: tuple[int, ...]) -> None:
    noisy = torch.rand(shape)
    denoised, steps_done, _ = denoise_tensor(noisy, DenoiseConfig(steps=3, seed=0))
    assert denoised.shape == noisy.shape
    assert steps_done == 3
    assert 0 <= denoised.min().item() and denoised.max().item() <= 1


def test_it_refuses_an_image_too_small_to_split() -> None:
    with pytest.raises(OptionError, match="too small"):
        denoise_tensor(torch.rand(1, 3, 1, 8), DenoiseConfig(steps=1))


@pytest.mark.parametrize("options", [{"steps": 0}, {"steps": 10**6}, {"seed": -1}, {"preview_every": -2}])
def test_it_refuses_out_of_range_options(options: dict) -> None:
    with pytest.raises(OptionError):
        DenoiseConfig(**options)
