"""Denoise blends ZS-N2N with non-local means (stylecore.nlm) whose noise level it estimates from the
photo; the non-local means is done in tiles (bounded memory) and agrees with scikit-image's."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from skimage.restoration import denoise_nl_means

from stylecore import nlm, zsn2n
from stylecore.errors import OptionError

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/stylecore/conftest.py


def smooth_picture(height: int = 48, width: int = 64) -> torch.Tensor:
    """Gradients and a bright square: flat areas and edges, (1, 3, H, W) in [0.2, 0.8]."""
    rows = torch.linspace(0.2, 0.6, height)[:, None].expand(height, width)
    cols = torch.linspace(0.0, 0.2, width)[None, :].expand(height, width)
    img = torch.stack([rows + cols, rows, 0.8 - cols]).clone()
    img[:, height // 4 : height // 2, width // 4 : width // 2] = 0.75
    return img[None]


def noisy_picture(height: int = 48, width: int = 64) -> torch.Tensor:
    return zsn2n.add_noise(smooth_picture(height, width), 25, seed=1)


def test_the_output_is_the_weighted_mean_of_zs_n2n_and_non_local_means() -> None:
    noisy = noisy_picture(24, 32)
    alone, steps, _ = zsn2n.denoise_tensor(noisy, zsn2n.DenoiseConfig(steps=3, seed=0, blend=0.0))
    blended, _, _ = zsn2n.denoise_tensor(noisy, zsn2n.DenoiseConfig(steps=3, seed=0, blend=0.3))

    assert steps == 3
    torch.testing.assert_close(blended, 0.7 * alone + 0.3 * nlm.nl_means(noisy))


def test_without_the_blend_non_local_means_never_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    noisy = noisy_picture(24, 32)
    expected, _, _ = zsn2n.denoise_tensor(noisy, zsn2n.DenoiseConfig(steps=3, seed=0, blend=0.0))

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("non-local means ran")

    monkeypatch.setattr(zsn2n, "nl_means", refuse)
    again, _, _ = zsn2n.denoise_tensor(noisy, zsn2n.DenoiseConfig(steps=3, seed=0, blend=0.0))
    assert torch.equal(again, expected)


def test_a_stopped_run_ends_without_non_local_means(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("non-local means ran after the stop")

    monkeypatch.setattr(zsn2n, "nl_means", refuse)
    denoised, steps, stopped = zsn2n.denoise_tensor(
        noisy_picture(24, 32), zsn2n.DenoiseConfig(steps=5, seed=0), on_progress=lambda progress: progress.step == 2
    )

    assert stopped and steps == 2 and denoised.shape == (1, 3, 24, 32)


def test_the_blend_is_on_by_default_and_checked() -> None:
    assert zsn2n.DenoiseConfig().blend == zsn2n.DEFAULT_BLEND > 0
    assert zsn2n.DenoiseConfig().to_params()["blend"] == zsn2n.DEFAULT_BLEND  # the run record shows it
    for bad in (-0.1, 1.5, float("nan")):
        with pytest.raises(OptionError):
            zsn2n.DenoiseConfig(blend=bad)


def test_the_expected_work_counts_non_local_means_only_when_blended() -> None:
    pixels = 1000 * 1000
    blended = zsn2n.pixel_steps(None, pixels)
    alone = zsn2n.pixel_steps(None, pixels, blend=0.0)
    assert blended - alone == int(zsn2n.NLM_PIXEL_STEPS * pixels) > 0


@pytest.mark.parametrize("sigma", [15, 25, 50])
def test_the_noise_level_is_estimated_within_15_percent(sigma: float) -> None:
    generator = torch.Generator().manual_seed(sigma)
    picture = smooth_picture(128, 128)
    noisy = picture + torch.randn(picture.shape, generator=generator) * sigma / 255  # not clipped

    assert nlm.estimate_sigma(noisy) == pytest.approx(sigma / 255, rel=0.15)


def test_a_clean_picture_has_almost_no_estimated_noise() -> None:
    assert nlm.estimate_sigma(smooth_picture()) < 1 / 255


def test_non_local_means_is_close_to_scikit_images() -> None:
    clean, noisy, sigma = smooth_picture(), noisy_picture(), 25 / 255
    ours = nlm.nl_means(noisy, sigma)
    theirs = denoise_nl_means(
        noisy[0].permute(1, 2, 0).numpy(),
        h=nlm.H_PER_SIGMA * sigma,
        sigma=sigma,
        fast_mode=True,
        patch_size=nlm.PATCH,
        patch_distance=nlm.SEARCH,
        channel_axis=-1,
    )
    theirs = torch.from_numpy(np.ascontiguousarray(theirs)).permute(2, 0, 1)[None].float()

    assert zsn2n.psnr(ours, clean) > zsn2n.psnr(noisy, clean) + 5  # it denoises
    assert zsn2n.psnr(ours, clean) > zsn2n.psnr(theirs, clean) - 0.2
    assert (ours - theirs).abs().mean() < 0.02


def test_tiles_give_the_same_picture_and_bound_what_is_held_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    noisy = noisy_picture()
    sizes: list[tuple[int, ...]] = []
    tile_function = nlm._nlm_tile

    def recording(padded: torch.Tensor, *args: object) -> torch.Tensor:
        sizes.append(tuple(padded.shape[2:]))
        return tile_function(padded, *args)

    whole = nlm.nl_means(noisy, 0.1)
    monkeypatch.setattr(nlm, "_nlm_tile", recording)
    tiled = nlm.nl_means(noisy, 0.1, tile=24)

    margin = 2 * (nlm.SEARCH + nlm.PATCH // 2)
    assert len(sizes) == 2 * 3  # 48 x 64 in tiles of 24
    assert max(max(size) for size in sizes) <= 24 + margin
    torch.testing.assert_close(tiled, whole)


def test_a_picture_smaller_than_the_search_window_is_denoised() -> None:
    tiny = zsn2n.add_noise(torch.full((1, 1, 5, 4), 0.5), 25, seed=0)

    out = nlm.nl_means(tiny)

    assert out.shape == tiny.shape
    assert out.std() < tiny.std()
