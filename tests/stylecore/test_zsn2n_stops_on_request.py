"""The progress callback sees losses and previews, and can stop a ZS-N2N run early."""

import torch

from stylecore.progress import Progress
from stylecore.zsn2n import DenoiseConfig, denoise_tensor


def test_a_stop_request_returns_the_partial_result() -> None:
    seen: list[Progress] = []

    def stop_at_three(progress: Progress) -> bool:
        seen.append(progress)
        return progress.step == 3

    noisy = torch.rand(1, 3, 20, 20)
    denoised, steps_done, stopped = denoise_tensor(noisy, DenoiseConfig(steps=50, seed=0), on_progress=stop_at_three)
    assert (steps_done, stopped) == (3, True)
    assert denoised.shape == noisy.shape
    assert [p.step for p in seen] == [1, 2, 3]
    assert all(p.total == 50 and {"residual", "consistency", "total"} <= p.losses.keys() for p in seen)


def test_previews_arrive_every_n_steps() -> None:
    previews: dict[int, object] = {}

    def collect(progress: Progress) -> bool:
        if progress.preview is not None:
            previews[progress.step] = progress.preview
        return False

    _, steps_done, stopped = denoise_tensor(
        torch.rand(1, 1, 12, 14), DenoiseConfig(steps=6, seed=0, preview_every=2), on_progress=collect
    )
    assert (steps_done, stopped) == (6, False)
    assert sorted(previews) == [2, 4, 6]
    assert all(p.mode == "RGB" and p.size == (14, 12) for p in previews.values())
