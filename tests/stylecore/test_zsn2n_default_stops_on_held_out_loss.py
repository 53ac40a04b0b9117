"""The default ZS-N2N run stops by itself once the loss on held-out pixel pairs stops improving."""

import pytest
import torch

from stylecore.progress import Progress
from stylecore.zsn2n import DEFAULT_STEPS, PATIENCE, DenoiseConfig, add_noise, denoise_tensor, psnr
from tests.stylecore.test_zsn2n_raises_psnr import synthetic_image


@pytest.mark.slow
def test_the_default_run_stops_early_and_still_denoises() -> None:
    clean = synthetic_image(32)
    noisy = add_noise(clean, 25, seed=0)
    held_out: list[float] = []

    def watch(progress: Progress) -> bool:
        held_out.append(progress.losses["held_out"])
        return False

    denoised, steps_done, stopped = denoise_tensor(noisy, DenoiseConfig(seed=0), on_progress=watch)
    assert not stopped and PATIENCE < steps_done < DEFAULT_STEPS
    best = min(range(len(held_out)), key=held_out.__getitem__)
    assert steps_done - (best + 1) == PATIENCE  # it stopped PATIENCE steps after the best held-out loss
    assert psnr(denoised, clean) > psnr(noisy, clean) + 3.0


@pytest.mark.slow
def test_an_explicit_step_count_runs_every_step_without_holding_pixels_out() -> None:
    seen: list[Progress] = []

    def watch(progress: Progress) -> bool:
        seen.append(progress)
        return False

    _, steps_done, _ = denoise_tensor(torch.rand(1, 3, 24, 24), DenoiseConfig(steps=7, seed=0), on_progress=watch)
    assert steps_done == 7
    assert all("held_out" not in p.losses for p in seen)
