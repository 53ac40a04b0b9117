"""ZS-N2N makes a noisy synthetic image measurably cleaner."""

import pytest
import torch

from stylecore.zsn2n import DenoiseConfig, add_noise, denoise_tensor, psnr


def synthetic_image(size: int = 32) -> torch.Tensor:
    """A smooth colour gradient with a bright square and a dark disc: (1, 3, size, size) in [0, 1]."""
    ys, xs = torch.meshgrid(torch.linspace(0, 1, size), torch.linspace(0, 1, size), indexing="ij")
    img = torch.stack([0.2 + 0.6 * xs, 0.3 + 0.4 * ys, 0.7 - 0.4 * xs * ys])
    img[:, size // 8 : size // 2, size // 8 : size // 2] = torch.tensor([0.9, 0.8, 0.3])[:, None, None]
    disc = (xs - 0.7) ** 2 + (ys - 0.65) ** 2 < 0.04
    img[:, disc] = torch.tensor([0.1, 0.2, 0.15])[:, None]
    return img.unsqueeze(0)


@pytest.mark.slow
def test_it_raises_psnr_over_the_noisy_input() -> None:
    clean = synthetic_image()
    noisy = add_noise(clean, 25, seed=0)
    denoised, steps_done, stopped = denoise_tensor(noisy, DenoiseConfig(steps=200, seed=0))
    assert (steps_done, stopped) == (200, False)
    assert psnr(denoised, clean) > psnr(noisy, clean) + 3.0


def test_the_same_seed_gives_the_same_output() -> None:
    noisy = add_noise(synthetic_image(16), 25, seed=0)
    first = denoise_tensor(noisy, DenoiseConfig(steps=5, seed=3))[0]
    again = denoise_tensor(noisy, DenoiseConfig(steps=5, seed=3))[0]
    other = denoise_tensor(noisy, DenoiseConfig(steps=5, seed=4))[0]
    assert torch.equal(first, again)
    assert not torch.equal(first, other)


def test_add_noise_has_the_asked_for_strength() -> None:
    grey = torch.full((1, 3, 64, 64), 0.5)
    noise = add_noise(grey, 25, seed=0) - grey
    assert abs(noise.std().item() * 255 - 25) < 1.0
